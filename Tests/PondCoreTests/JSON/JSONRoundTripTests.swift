import PondCore
import Testing

/// `parse(write(x)) == x` for generated documents: what Pond stores is exactly what it will read back.
@Suite("JSON round trip")
struct JSONRoundTripTests {
    @Test("parsing what the writer wrote gives back the same value", arguments: 0..<200)
    func roundTrip(seed: UInt64) throws {
        var generator = JSONGenerator(seed: seed)
        let value = generator.value(depth: 0)
        let text = JSONWriter.string(value)
        #expect(try JSONParser.parse(text) == value, "seed \(seed): \(text)")
    }

    @Test("writing is byte-stable across a round trip", arguments: 0..<50)
    func writingIsStable(seed: UInt64) throws {
        var generator = JSONGenerator(seed: 10_000 + seed)
        let bytes = JSONWriter.bytes(generator.value(depth: 0))
        #expect(JSONWriter.bytes(try JSONParser.parse(bytes)) == bytes)
    }

    @Test("a document nested to the parser's limit survives a round trip")
    func deepDocument() throws {
        var value: JSONValue = .array([])
        for level in 1..<JSONParser.maximumDepth {
            value = level.isMultiple(of: 2) ? .array([value]) : .object(["k": value])
        }
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
    }
}

/// Random JSON documents from a seed. Doubles are restricted to those that are not whole numbers below 1e15,
/// which the writer deliberately spells as integers (see `JSONWriterTests.wholeDoubles`).
struct JSONGenerator {
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// Characters chosen to exercise escaping: quotes, backslashes, control characters, DEL, line separators,
    /// CJK and characters outside the BMP.
    private static let alphabet: [Character] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{1F}", "\u{7F}", "\u{2028}", "é", "中",
        "文", "王", "😀", "𝄞",
    ]

    mutating func value(depth: Int) -> JSONValue {
        let kinds = depth < 4 ? 7 : 5
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(integer())
        case 3: return .double(double())
        case 4: return .string(string())
        case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) { members[string()] = value(depth: depth + 1) }
            return .object(members)
        }
    }

    private mutating func integer() -> Int64 {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return [Int64.min, Int64.max, 0, -1, 20_261_122_000_123].randomElement(using: &random)!
        case 1: return Int64.random(in: -1000...1000, using: &random)
        default: return Int64(bitPattern: random.next())
        }
    }

    private mutating func double() -> Double {
        while true {
            let candidate: Double
            if Bool.random(using: &random) {
                candidate = Double(bitPattern: random.next())
            } else {
                candidate = Double(Int.random(in: -100_000...100_000, using: &random)) / 64 + 1 / 128
            }
            guard candidate.isFinite else { continue }
            if candidate == candidate.rounded(), abs(candidate) < 1e15 { continue }
            return candidate
        }
    }

    private mutating func string() -> String {
        String((0..<Int.random(in: 0...8, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! })
    }
}
