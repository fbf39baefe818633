import PondCore
import Testing

@Suite("JSON value")
struct JSONValueTests {
    @Test("literals build the matching cases")
    func literals() {
        let value: JSONValue = ["s": "x", "i": 1, "d": 1.5, "b": true, "n": nil, "a": [1, "2"]]
        #expect(
            value
                == .object([
                    "s": .string("x"), "i": .int(1), "d": .double(1.5), "b": .bool(true), "n": .null,
                    "a": .array([.int(1), .string("2")]),
                ]))
    }

    @Test("an integer and a double of the same magnitude are different values")
    func intAndDoubleDiffer() {
        #expect(JSONValue.int(1) != JSONValue.double(1))
    }

    @Test("subscripting reads object members and is nil for anything else")
    func subscripting() {
        let object: JSONValue = ["k": "v"]
        #expect(object["k"] == .string("v"))
        #expect(object["missing"] == nil)
        #expect(JSONValue.array(["k"])["k"] == nil)
        #expect(JSONValue.string("k")["k"] == nil)
    }

    @Test("typed accessors return only their own kind")
    func typedAccessors() {
        #expect(JSONValue.string("x").stringValue == "x")
        #expect(JSONValue.int(1).stringValue == nil)
        #expect(JSONValue.object(["a": 1]).objectValue == ["a": 1])
        #expect(JSONValue.array([1]).objectValue == nil)
        #expect(JSONValue.array([1]).arrayValue == [1])
        #expect(JSONValue.object([:]).arrayValue == nil)
        #expect(JSONValue.null.isNull)
        #expect(!JSONValue.string("null").isNull)
    }

    @Test("doubleValue reads both kinds of number and nothing else")
    func doubleValue() {
        #expect(JSONValue.int(-3).doubleValue == -3)
        #expect(JSONValue.double(2.5).doubleValue == 2.5)
        #expect(JSONValue.string("2.5").doubleValue == nil)
        #expect(JSONValue.bool(true).doubleValue == nil)
    }

    @Test("kind names read naturally in error messages", arguments: [
        (JSONValue.null, "null"), (.bool(false), "a boolean"), (.int(1), "a number"), (.double(1.5), "a number"),
        (.string(""), "a string"), (.array([]), "an array"), (.object([:]), "an object"),
    ])
    func kindNames(value: JSONValue, name: String) {
        #expect(value.kindName == name)
    }
}
