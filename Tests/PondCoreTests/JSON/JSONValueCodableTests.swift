import Foundation
import PondCore
import Testing

@Suite("JSON value through Codable")
struct JSONValueCodableTests {
    static func roundTrip(_ value: JSONValue) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(value))
    }

    static func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("nested objects and arrays come back as they were")
    func nested() throws {
        let value: JSONValue = [
            "order": ["id": "A-1", "lines": [["sku": "S1", "quantity": 2], ["sku": "S2", "tags": ["gift", "vip"]]]],
            "empty": ["array": [], "object": [:]],
            "matrix": [[1, 2], [[3]], []],
        ]
        #expect(try Self.roundTrip(value) == value)
    }

    @Test("integers stay integers and doubles with a fraction stay doubles")
    func intsAndDoubles() throws {
        let integers: [JSONValue] = [.int(0), .int(-1), .int(20_261_122_000_123), .int(.max), .int(.min)]
        let doubles: [JSONValue] = [
            .double(0.1), .double(-2.5), .double(1e300), .double(.leastNonzeroMagnitude), .double(1.0 / 3),
        ]
        #expect(try Self.roundTrip(.array(integers)) == .array(integers))
        #expect(try Self.roundTrip(.array(doubles)) == .array(doubles))
    }

    @Test("a whole number decodes as an integer however it is spelled; one beyond Int64 as a double")
    func wholeNumbers() throws {
        #expect(try Self.decode("[1.0, 1e2, -0]") == [.int(1), .int(100), .int(0)])
        #expect(try Self.decode("9223372036854775808") == .double(9.223372036854775808e18))
    }

    @Test("booleans are not numbers, and numbers are not booleans")
    func booleans() throws {
        #expect(try Self.decode("[true, false, 1, 0]") == [.bool(true), .bool(false), .int(1), .int(0)])
    }

    @Test("null decodes as null at the top, in an array and as a member")
    func null() throws {
        #expect(try Self.decode("null") == .null)
        #expect(try Self.decode(#"[null, {"a": null}]"#) == [.null, ["a": .null]])
        #expect(try Self.roundTrip(["a": .null, "b": [.null]]) == ["a": .null, "b": [.null]])
    }

    @Test("strings and member names keep every character: CJK, emoji, escapes, control characters")
    func unicode() throws {
        let texts = ["会员等级", "😀 𝄞", "é", "\"quoted\" \\ /", "line\nbreak\ttab\r", "\u{1F}\u{7F}", "\u{2028}\u{2029}"]
        let value = JSONValue.object(Dictionary(uniqueKeysWithValues: texts.map { ($0, JSONValue.string($0)) }))
        #expect(try Self.roundTrip(value) == value)
        #expect(try Self.decode(#"{"\u4e2d\u6587": "\ud83d\ude00"}"#) == ["中文": "😀"])
    }

    @Test("JSONDecoder reads what JSONWriter writes, and JSONParser reads what JSONEncoder writes")
    func agreesWithPondsReaderAndWriter() throws {
        let value: JSONValue = [
            "name": "张三", "points": 1200, "ratio": 0.25, "vip": true, "note": .null, "tags": ["a", "b"],
            "address": ["city": "上海", "lines": ["静安区", "😀"]],
        ]
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(JSONWriter.bytes(value))) == value)
        #expect(try JSONParser.parse(Array(try JSONEncoder().encode(value))) == value)
    }

    @Test("a JSONValue is a member of a Codable model")
    func memberOfModel() throws {
        struct Event: Codable, Equatable {
            var name: String
            var properties: JSONValue
        }
        let event = Event(name: "Order Completed", properties: ["revenue": 99.5, "products": [["sku": "S1"]]])
        let decoded = try JSONDecoder().decode(Event.self, from: try JSONEncoder().encode(event))
        #expect(decoded == event)
    }
}
