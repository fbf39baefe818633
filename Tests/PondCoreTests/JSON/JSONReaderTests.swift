import PondCore
import Testing

@Suite("JSON reader")
struct JSONReaderTests {
    /// `value` written with random whitespace around every token, members in `JSONWriter`'s order.
    static func spaced(_ value: JSONValue, _ random: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        func space() {
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                out.append([0x20, 0x0A, 0x0D, 0x09].randomElement(using: &random)!)
            }
        }
        func write(_ value: JSONValue) {
            space()
            switch value {
            case .array(let elements):
                out.append(UInt8(ascii: "["))
                for (index, element) in elements.enumerated() {
                    if index > 0 { space(); out.append(UInt8(ascii: ",")) }
                    write(element)
                }
                space()
                out.append(UInt8(ascii: "]"))
            case .object(let members):
                out.append(UInt8(ascii: "{"))
                for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                    if index > 0 { space(); out.append(UInt8(ascii: ",")) }
                    space()
                    JSONWriter.writeString(member.key, into: &out)
                    space()
                    out.append(UInt8(ascii: ":"))
                    write(member.value)
                }
                space()
                out.append(UInt8(ascii: "}"))
            default:
                JSONWriter.write(value, into: &out)
            }
            space()
        }
        write(value)
        return out
    }

    /// What the reader makes of a whole document copied: the copy, or the failure.
    static func copied(_ bytes: [UInt8]) -> Result<[UInt8], JSONReader.Failure> {
        var reader = JSONReader(bytes)
        var out: [UInt8] = []
        do {
            try reader.copyValue(depth: 0, into: &out)
            try reader.end()
            return .success(out)
        } catch {
            return .failure(error)
        }
    }

    static func parsed(_ bytes: [UInt8]) -> Result<JSONValue, JSONReader.Failure> {
        do { return .success(try JSONParser.parse(bytes)) } catch { return .failure(error) }
    }

    @Test("a copy is the document without its whitespace, whatever the document", arguments: 0..<300)
    func copiesAreCompact(seed: UInt64) throws {
        var generator = JSONGenerator(seed: 70_000 + seed)
        var random = SplitMix64(seed: seed)
        let value = generator.value(depth: 0)
        let copy = try Self.copied(Self.spaced(value, &random)).get()
        #expect(copy == JSONWriter.bytes(value), "seed \(seed)")
    }

    @Test("a copy keeps strings, escapes and numbers as the client wrote them")
    func copiesKeepSpelling() throws {
        let text = #"{ "b" : [ 1.50 , -0 , 2E3 ] , "a\u0041" : "x \"y\" \u4e2d\n" , "c":{ } }"#
        let copy = try Self.copied(Array(text.utf8)).get()
        #expect(String(decoding: copy, as: UTF8.self) == #"{"b":[1.50,-0,2E3],"a\u0041":"x \"y\" \u4e2d\n","c":{}}"#)
        #expect(try JSONParser.parse(copy) == JSONParser.parse(text))
    }

    @Test("a document is refused exactly where and why the parser refuses it", arguments: 0..<400)
    func refusalsAgreeWithTheParser(seed: UInt64) {
        var generator = JSONGenerator(seed: 90_000 + seed)
        var random = SplitMix64(seed: seed)
        var bytes = Self.spaced(generator.value(depth: 0), &random)
        // Break it: flip, drop or insert a byte, or cut it short.
        let damage: [UInt8] = [0x22, 0x5C, 0x2C, 0x3A, 0x7B, 0x7D, 0x5B, 0x5D, 0x00, 0x0A, 0x80, 0xC3, 0xFF, 0x75, 0x30, 0x2D]
        if !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[at] = damage.randomElement(using: &random)!
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(damage.randomElement(using: &random)!, at: at)
            default: bytes.removeSubrange(at...)
            }
        }
        switch (Self.copied(bytes), Self.parsed(bytes)) {
        case (.success(let copy), .success(let value)):
            #expect((try? JSONParser.parse(copy)) == value, "seed \(seed)")
        case (.failure(let reader), .failure(let parser)):
            #expect(reader == parser, "seed \(seed): \(String(decoding: bytes, as: UTF8.self))")
        case (let reader, let parser):
            Issue.record("seed \(seed): reader \(reader), parser \(parser) on \(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// An object of `count` members named from a small alphabet (so some repeat), some written with escapes, with
    /// nested objects that may repeat their parent's names (which is no repeat).
    static func objectWithNames(_ random: inout SplitMix64, depth: Int = 0) -> String {
        let names = ["a", "b", "名", "c\"d", "e"] + (0..<40).map { "k\($0)" }
        let count = Int.random(in: 0...(depth == 0 ? 50 : 6), using: &random)
        var members: [String] = []
        for _ in 0..<count {
            let name = Bool.random(using: &random) ? names.randomElement(using: &random)! : "u\(random.next() % 1_000)"
            var written = String(decoding: JSONWriter.bytes(.string(name)), as: UTF8.self)
            if name == "a", Bool.random(using: &random) { written = #""\u0061""# }
            let value = depth < 2 && Int.random(in: 0..<4, using: &random) == 0 ? objectWithNames(&random, depth: depth + 1) : "1"
            members.append("\(written):\(value)")
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    @Test("a repeated name is refused by the reader exactly where and why the parser refuses it", arguments: 0..<300)
    func repeatedNamesAgreeWithTheParser(seed: UInt64) {
        var random = SplitMix64(seed: 50_000 + seed)
        let bytes = Array(Self.objectWithNames(&random).utf8)
        var walked = JSONReader(bytes)
        var members: [String] = []
        let entered = Result { () throws(JSONReader.Failure) -> [String] in
            try walked.enterObject(depth: 0)
            var first = true
            while let key = try walked.nextMember(first: &first) {
                members.append(key)
                try walked.skipValue(depth: 1)
            }
            return members
        }
        switch (Self.copied(bytes), Self.parsed(bytes)) {
        case (.success, .success(let value)):
            #expect((try? entered.get()).map(Set.init) == Set(value.objectValue?.keys.map { $0 } ?? []), "seed \(seed)")
        case (.failure(let reader), .failure(let parser)):
            #expect(reader == parser, "seed \(seed)")
            #expect(parser.reason.contains("repeated"), "seed \(seed): \(parser)")
            if case .failure(let enteredFailure) = entered { #expect(enteredFailure == parser, "seed \(seed)") } else {
                Issue.record("seed \(seed): walking the members accepted what the parser refused")
            }
        case (let reader, let parser):
            Issue.record("seed \(seed): reader \(reader), parser \(parser) on \(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test("a repeat among thousands of members is found, past the linear search")
    func repeatInALargeObject() {
        let members = (0..<5_000).map { "\"m\($0)\":\($0)" } + ["\"m4321\":0"]
        let failure = Self.copied(Array(("{" + members.joined(separator: ",") + "}").utf8))
        guard case .failure(let error) = failure else {
            Issue.record("accepted a repeated member")
            return
        }
        #expect(error.reason.contains("\"m4321\" is repeated"))
    }

    @Test("an error names the member it is in, as a path")
    func errorPaths() throws {
        let cases: [(String, String)] = [
            (#"{"batch":[{"type":"track"},{"properties":{"revenue":1,"revenue":1000}}]}"#, "batch[1].properties"),
            (#"{"batch":[{"traits":{"email":"a\u0000b"}}]}"#, "batch[0].traits.email"),
            (#"{"a b":{"x":[1,2,{"y":tru}]}}"#, #"["a b"].x[2].y"#),
        ]
        for (text, path) in cases {
            let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
            #expect(JSONReader(Array(text.utf8)).path(to: failure.offset) == path, "\(text)")
        }
    }

    @Test("the parser's nesting bound holds for copies and across entered containers")
    func nesting() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try Self.copied(Array(deepest.utf8)).get() }
        let tooDeep = "[" + deepest + "]"
        #expect(throws: JSONReader.Failure.self) { try Self.copied(Array(tooDeep.utf8)).get() }

        var reader = JSONReader(Array(("{\"a\":" + deepest + "}").utf8))
        try reader.enterObject(depth: 0)
        var first = true
        #expect(try reader.nextMember(first: &first) == "a")
        var out: [UInt8] = []
        #expect(throws: JSONReader.Failure.self) { try reader.copyValue(depth: 1, into: &out) }
    }

    @Test("members and elements are walked in order, each read, copied or skipped, and offsets can be returned to")
    func walking() throws {
        let text = #"{"n": 1, "list": [true, {"x": null}], "s": "é", "m": 2}"#
        var reader = JSONReader(Array(text.utf8))
        try reader.enterObject(depth: 0)
        var first = true
        var seen: [String] = []
        var copy: [UInt8] = []
        var listOffset = 0
        while let key = try reader.nextMember(first: &first) {
            seen.append(key)
            switch key {
            case "list":
                listOffset = reader.offset
                #expect(try reader.kind() == .array)
                try reader.skipValue(depth: 1)
            case "s": try reader.copyValue(depth: 1, into: &copy)
            default: _ = try reader.value(depth: 1)
            }
        }
        try reader.end()
        #expect(seen == ["n", "list", "s", "m"])
        #expect(String(decoding: copy, as: UTF8.self) == "\"é\"")

        reader.offset = listOffset
        try reader.enterArray(depth: 1)
        var firstElement = true
        var kinds: [JSONReader.Kind] = []
        while try reader.nextElement(first: &firstElement) {
            kinds.append(try reader.kind())
            try reader.skipValue(depth: 2)
        }
        #expect(kinds == [.bool, .object])
    }
}
