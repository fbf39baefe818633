import PondCore
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("scalars are written in their JSON spelling", arguments: [
        (JSONValue.null, "null"), (.bool(true), "true"), (.bool(false), "false"), (.int(-42), "-42"),
        (.int(Int64.max), "9223372036854775807"), (.int(Int64.min), "-9223372036854775808"), (.double(2.5), "2.5"),
        (.double(-0.001), "-0.001"), (.string(""), #""""#),
    ])
    func scalars(value: JSONValue, expected: String) {
        #expect(JSONWriter.string(value) == expected)
    }

    @Test("object keys are sorted so equal documents are equal bytes")
    func sortsKeys() {
        let value: JSONValue = ["b": 1, "a": ["z": true, "c": nil], "B": "x", "aa": []]
        #expect(JSONWriter.string(value) == #"{"B":"x","a":{"c":null,"z":true},"aa":[],"b":1}"#)
    }

    @Test("output is compact, without spaces or newlines")
    func isCompact() {
        #expect(JSONWriter.string([1, [2, 3], ["k": "v"]]) == #"[1,[2,3],{"k":"v"}]"#)
    }

    @Test("quotes and backslashes are escaped")
    func escapesQuoteAndBackslash() {
        #expect(JSONWriter.string(.string(#"say "hi" \ bye"#)) == #""say \"hi\" \\ bye""#)
    }

    @Test("newline, carriage return and tab use their short escapes")
    func shortEscapes() {
        #expect(JSONWriter.string(.string("a\nb\rc\td")) == #""a\nb\rc\td""#)
    }

    @Test("other control characters are written as lower-case \\u escapes", arguments: [
        ("\u{00}", #""\u0000""#), ("\u{08}", #""\u0008""#), ("\u{0C}", #""\u000c""#), ("\u{1B}", #""\u001b""#),
        ("\u{1F}", #""\u001f""#),
    ])
    func controlEscapes(text: String, expected: String) {
        #expect(JSONWriter.string(.string(text)) == expected)
    }

    @Test("non-ASCII text is written as raw UTF-8, not escaped")
    func nonASCIIIsRawUTF8() {
        let bytes = JSONWriter.bytes(.string("中文 😀"))
        #expect(bytes == [0x22] + Array("中文 😀".utf8) + [0x22])
        #expect(!bytes.contains(0x5C))
    }

    @Test("keys are escaped like values")
    func escapesKeys() {
        #expect(JSONWriter.string(["a\"b\n": 1]) == #"{"a\"b\n":1}"#)
    }

    @Test("a slash and DEL need no escape")
    func leavesSlashAndDelete() {
        #expect(JSONWriter.string(.string("a/b\u{7F}")) == "\"a/b\u{7F}\"")
    }

    @Test("a whole-number double is written without a fraction", arguments: [(2.0, "2"), (-3.0, "-3"), (0.0, "0")])
    func wholeDoubles(value: Double, expected: String) {
        #expect(JSONWriter.string(.double(value)) == expected)
    }

    @Test("a very large double keeps exponent notation instead of digits it does not have")
    func largeDoubleUsesExponent() throws {
        let text = JSONWriter.string(.double(1e20))
        #expect(text.contains("e"))
        #expect(try JSONParser.parse(text) == .double(1e20))
    }

    @Test("non-finite doubles, which JSON cannot spell, are written as null", arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteIsNull(value: Double) {
        #expect(JSONWriter.string(.double(value)) == "null")
    }

    @Test("bytes and string agree, and write appends to what is already there")
    func bytesStringAndWriteAgree() {
        let value: JSONValue = ["k": ["中", 1, 2.5]]
        var out: [UInt8] = [0x20]
        JSONWriter.write(value, into: &out)
        #expect(out == [0x20] + JSONWriter.bytes(value))
        #expect(JSONWriter.bytes(value) == Array(JSONWriter.string(value).utf8))
    }
}
