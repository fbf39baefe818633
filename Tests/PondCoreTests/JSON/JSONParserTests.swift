import PondCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    // MARK: Values

    @Test("parses every value kind of an object")
    func parsesEveryValueKind() throws {
        let value = try JSONParser.parse(#"{"n":null,"t":true,"f":false,"i":-42,"d":2.5,"s":"hi","a":[1,"x"],"o":{"k":{}}}"#)
        #expect(
            value
                == .object([
                    "n": .null, "t": .bool(true), "f": .bool(false), "i": .int(-42), "d": .double(2.5), "s": .string("hi"),
                    "a": .array([.int(1), .string("x")]), "o": .object(["k": .object([:])]),
                ]))
    }

    @Test("a scalar is a whole document", arguments: [
        ("null", JSONValue.null), ("true", .bool(true)), ("false", .bool(false)), ("0", .int(0)), (#""""#, .string("")),
        ("[]", .array([])), ("{}", .object([:])),
    ])
    func scalarDocument(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test("whitespace around and between tokens is ignored")
    func ignoresWhitespace() throws {
        #expect(try JSONParser.parse(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] } \n") == .object(["a": .array([.int(1), .int(2)])]))
    }

    @Test("a repeated member name is refused where the repeat starts, however it is spelled", arguments: [
        (#"{"a":1,"a":2}"#, 7), (#"{"a":1,"b":{"c":1,"c":2},"x":0}"#, 18), (#"{"a":1,"\u0061":2}"#, 7),
        (#"{"名":1, "名" :2}"#, 10),
    ])
    func repeatedMemberRefused(text: String, offset: Int) throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        #expect(failure.offset == offset)
        #expect(failure.reason.contains("repeated"))
    }

    @Test("the same name in different objects, or differing only in case, is not a repeat")
    func sameNameInOtherObjects() throws {
        #expect(try JSONParser.parse(#"{"a":{"a":1},"b":[{"a":1},{"a":2}],"A":3}"#).objectValue?.count == 3)
    }

    @Test("stored documents keep their old reading: the last of a repeated name, and U+0000")
    func storedDocumentsAreLenient() throws {
        #expect(try JSONParser.parseStored(#"{"a":1,"a":2}"#) == .object(["a": .int(2)]))
        #expect(try JSONParser.parseStored(#"{"a":"x\u0000y"}"#) == .object(["a": .string("x\u{0}y")]))
    }

    @Test("parses raw bytes as well as text")
    func parsesBytes() throws {
        #expect(try JSONParser.parse([0x5B, 0x31, 0x5D]) == .array([.int(1)]))
    }

    // MARK: Numbers

    @Test("integers that fit in 64 bits stay integers", arguments: [
        ("20261122000123", Int64(20_261_122_000_123)),
        ("9223372036854775807", Int64.max),
        ("-9223372036854775808", Int64.min),
        ("-0", Int64(0)),
    ])
    func integersStayIntegers(text: String, expected: Int64) throws {
        #expect(try JSONParser.parse(text) == .int(expected))
    }

    @Test("an integer beyond 64 bits becomes a double rather than failing")
    func hugeIntegerBecomesDouble() throws {
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808.0))
    }

    @Test("fractions and exponents are doubles", arguments: [
        ("1.0", 1.0), ("-0.5", -0.5), ("1e2", 100.0), ("1E+2", 100.0), ("25e-1", 2.5), ("-1.5e-3", -0.0015),
    ])
    func floatsAreDoubles(text: String, expected: Double) throws {
        #expect(try JSONParser.parse(text) == .double(expected))
    }

    @Test("a number too large for a double is refused at its first byte")
    func numberOutOfRange() throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse("[1e400]") }
        #expect(failure.offset == 1)
        #expect(failure.reason == "number out of range")
    }

    @Test("malformed numbers are refused", arguments: ["01", "-", "1.", ".5", "+1", "1e", "1e+", "0x10", "-a", "[00]"])
    func rejectsMalformedNumbers(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    // MARK: Strings

    @Test("simple escapes decode", arguments: [
        (#""\"""#, "\""), (#""\\""#, "\\"), (#""\/""#, "/"), (#""\b""#, "\u{08}"), (#""\f""#, "\u{0C}"),
        (#""\n""#, "\n"), (#""\r""#, "\r"), (#""\t""#, "\t"),
    ])
    func simpleEscapes(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test("unicode escapes decode in either case of hex digit")
    func unicodeEscapes() throws {
        #expect(try JSONParser.parse(#""\u4e2d\u6587 \u00E9\u0001""#) == .string("中文 é\u{1}"))
    }

    @Test("U+0000 is refused in values and names: PostgreSQL cannot store it", arguments: [
        (#""a\u0000b""#, 2), (#"{"k\u0000":1}"#, 3), (#"["ok", "\u0000"]"#, 8),
    ])
    func nulRefused(text: String, offset: Int) throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        #expect(failure.offset == offset)
        #expect(failure.reason.contains("U+0000"))
    }

    @Test("a surrogate pair escape decodes to one scalar")
    func surrogatePair() throws {
        #expect(try JSONParser.parse(#""a\ud83d\ude00b""#) == .string("a😀b"))
    }

    @Test("raw UTF-8 passes through unchanged, with or without escapes nearby")
    func rawUTF8() throws {
        #expect(try JSONParser.parse(#"["王静","王\n静 😀"]"#) == .array([.string("王静"), .string("王\n静 😀")]))
    }

    @Test("invalid UTF-8 inside a string is refused at the string's first byte")
    func rejectsInvalidUTF8() throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(failure.offset == 1)
        #expect(failure.reason == "invalid UTF-8 in string")
    }

    @Test("invalid UTF-8 in a key after valid strings is refused at that key")
    func rejectsInvalidUTF8InALaterKey() throws {
        let document = Array(#"{"名字":"王静","#.utf8) + [0x22, 0x6B, 0xFF, 0x22] + Array(#":1}"#.utf8)
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(document) }
        #expect(failure.offset == Array(#"{"名字":"王静","#.utf8).count + 1)
        #expect(failure.reason == "invalid UTF-8 in string")
    }

    @Test("invalid UTF-8 is refused also in a string that has escapes", arguments: [
        [0x22, 0x5C, 0x6E, 0xFF, 0x22] as [UInt8],  // "\n<FF>"
        [0x22, 0x5C, 0x74, 0xED, 0xA0, 0x80, 0x22],  // "\t" + a UTF-8 encoded surrogate
        [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
        [0x22, 0xE4, 0xB8, 0x22],  // truncated 中
    ])
    func rejectsInvalidUTF8Variants(bytes: [UInt8]) throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        #expect(failure.reason == "invalid UTF-8 in string")
    }

    @Test("a lone surrogate escape is refused", arguments: [
        #""\ud800""#, #""\udc00""#, #""\ud800x""#, #""\ud800\u0041""#, #""\ud800\ud800""#,
    ])
    func rejectsLoneSurrogates(text: String) throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        #expect(failure.reason == "unpaired surrogate in string")
    }

    @Test("an unescaped control character in a string is refused where it stands", arguments: [UInt8(0x00), 0x0A, 0x09, 0x1F])
    func rejectsControlCharacters(control: UInt8) throws {
        let failure = try #require(throws: JSONParser.Failure.self) {
            try JSONParser.parse([0x22, 0x61, control, 0x62, 0x22])
        }
        #expect(failure.offset == 2)
        #expect(failure.reason == "unescaped control character in string")
    }

    @Test("a control character after an escape is refused too")
    func rejectsControlCharacterAfterEscape() throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0x5C, 0x6E, 0x0A, 0x22]) }
        #expect(failure.offset == 3)
    }

    @Test("unknown and malformed escapes are refused", arguments: [#""\x""#, #""\u12""#, #""\u12g4""#, #""\'""#])
    func rejectsBadEscapes(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    // MARK: Structure

    @Test("data after the document is refused where it starts")
    func rejectsTrailingGarbage() throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"a":1} x"#) }
        #expect(failure.offset == 8)
        #expect(failure.reason == "unexpected data after the document")
    }

    @Test("two documents in a row are refused")
    func rejectsTwoDocuments() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("{}{}") }
    }

    @Test("a trailing comma in an array is refused at the closing bracket")
    func rejectsTrailingCommaInArray() throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse("[1,2,]") }
        #expect(failure.offset == 5)
    }

    @Test("a trailing comma in an object is refused at the closing brace")
    func rejectsTrailingCommaInObject() throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"a":1,}"#) }
        #expect(failure.offset == 7)
        #expect(failure.reason == "expected a member name")
    }

    @Test("structural mistakes are refused", arguments: [
        "[1 2]", "t", #""\u00"#, #"{"a" 1}"#, #"{a:1}"#, #"{"a":1 "b":2}"#, "[,1]", #"{,}"#, "]", "}", "'a'", "tru", "nul", "trux",
        "True", "NaN", "Infinity",
    ])
    func rejectsStructuralMistakes(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("truncated input is refused at its end", arguments: [
        #"{"#, #"{"a""#, #"{"a":"#, #"{"a":1"#, #"{"a":1,"#, "[", "[1", "[1,", #""abc"#, #""\"#, "-",
    ])
    func rejectsTruncatedInput(text: String) throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        #expect(failure.offset == text.utf8.count)
    }

    @Test("empty and blank input is refused at its end", arguments: ["", "   "])
    func rejectsEmptyInput(text: String) throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        #expect(failure.offset == text.utf8.count)
        #expect(failure.reason == "unexpected end of input")
    }

    @Test("bytes that cannot start a value are refused at their position")
    func rejectsUnexpectedByte() throws {
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse([0x5B, 0x31, 0x2C, 0xFF, 0x5D]) }
        #expect(failure.offset == 3)
    }

    // MARK: Depth

    @Test("64 levels of nesting are accepted")
    func acceptsMaximumDepth() throws {
        let depth = 64
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(text)
        var levels = 0
        while case .array(let inner) = value {
            levels += 1
            guard let first = inner.first else { break }
            value = first
        }
        #expect(levels == depth)
    }

    @Test("65 levels of nesting are refused at the opening bracket that goes too deep")
    func rejectsDeeperArrays() throws {
        let text = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        #expect(failure.offset == 64)
        #expect(failure.reason.contains("nesting deeper than 64"))
    }

    @Test("deep nesting of objects is refused like arrays")
    func rejectsDeeperObjects() {
        let text = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("a hostile nesting depth fails cleanly instead of exhausting the stack")
    func survivesHostileDepth() {
        let text = String(repeating: "[", count: 200_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    // MARK: Failure

    @Test("a failure describes its reason and byte offset")
    func failureDescription() {
        #expect(JSONParser.Failure(offset: 3, reason: "invalid literal").description == "invalid literal at byte 3")
    }
}
