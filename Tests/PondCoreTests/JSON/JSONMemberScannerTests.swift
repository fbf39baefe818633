import PondCore
import Testing

@Suite("JSON member scanner")
struct JSONMemberScannerTests {
    @Test("reports every top-level member of a written document, skipping nested values whole", arguments: 0..<200)
    func membersOfWrittenDocuments(seed: UInt64) throws {
        var generator = JSONGenerator(seed: 50_000 + seed)
        var members: [String: JSONValue] = [:]
        for index in 0..<5 { members["k\(index)\(seed)"] = generator.value(depth: 0) }
        members["key \"with\" escapes\n"] = generator.value(depth: 0)
        let text = JSONWriter.bytes(.object(members))
        var seen: [String: JSONValue] = [:]
        let walked = text.withUnsafeBufferPointer { buffer in
            JSONMemberScanner.forEachMember(in: buffer) { member in
                let key = try? JSONParser.parse(member.quotedKey)
                seen[key?.stringValue ?? "?"] = try? JSONParser.parse(member.value)
            }
        }
        #expect(walked)
        #expect(seen == members, "seed \(seed)")
    }

    @Test("text that is not an object is refused")
    func notAnObject() {
        for text in ["[1,2]", "\"x\"", "{\"a\":1", "{\"a\" 1}", "{\"a\":\"open}", ""] {
            let walked = Array(text.utf8).withUnsafeBufferPointer { JSONMemberScanner.forEachMember(in: $0) { _ in } }
            #expect(!walked, "\(text)")
        }
    }

    @Test("keys decode their escapes")
    func decodedKeys() {
        for (json, key) in [(#"{"revenue":1}"#, "revenue"), (#"{"revenu\u0065":1}"#, "revenue"), (#"{"金额":1}"#, "金额")] {
            var decoded: String?
            Array(json.utf8).withUnsafeBufferPointer { buffer in
                JSONMemberScanner.forEachMember(in: buffer) { decoded = $0.decodedKey }
            }
            #expect(decoded == key, "\(json)")
        }
    }
}

@Suite("RFM amount from stored JSON")
struct RFMAmountScanTests {
    /// Values an amount property may hold in the wild: numbers of every spelling, quoted numbers with and without
    /// spaces or escapes, text that is not a number, and things that are no amount at all.
    static let candidates: [String] = [
        "199.5", "88", "-3", "0", "1e3", "2.5E-1", "9007199254740993", "123456789012345678901234567890",
        #""99.00""#, #"" 42 ""#, #""\u0034\u0032""#, #""n/a""#, #""NaN""#, #""inf""#, #""""#, "null", "true",
        "[1]", #"{"revenue":5}"#,
    ]

    @Test("agrees with amount(in:) of the parsed document", arguments: 0..<300)
    func agreesWithParsedDocument(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let keys = ["revenue", "amount", "total", "price", "revenu\\u0065", "金额", "caf\\u00e9"]
        var members: [String] = []
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            let key = keys.randomElement(using: &random)!
            members.append("\"\(key)\": \(Self.candidates.randomElement(using: &random)!)")
        }
        let text = "{" + members.joined(separator: ", ") + "}"
        // Amount properties with non-ASCII names compare as strings: "café" spelt with a combining accent equals
        // the key written with U+00E9.
        let configurations = [
            RFMConfiguration(),
            RFMConfiguration(amountProperties: ["金额", "cafe\u{301}", "revenue"]),
        ]
        // Stored documents may hold a repeated name from before they were refused: the scan reads them as stored.
        guard case .object(let parsed) = try JSONParser.parseStored(text) else { Issue.record("not an object"); return }
        for configuration in configurations {
            let scanned = Array(text.utf8).withUnsafeBufferPointer { configuration.amountReader.amount(inJSONObject: $0) }
            #expect(scanned == configuration.amount(in: parsed), "\(text) with \(configuration.amountProperties)")
        }
    }

    @Test("text the scanner cannot walk falls back to the parser")
    func fallback() {
        let configuration = RFMConfiguration()
        let amount = Array(#"{"revenue": 12, "amount": 3"#.utf8).withUnsafeBufferPointer {
            configuration.amountReader.amount(inJSONObject: $0)
        }
        #expect(amount == nil)
    }
}
