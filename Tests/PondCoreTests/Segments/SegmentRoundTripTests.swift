import PondCore
import Testing

extension Segments {
    /// Property tests: both serialisations give back exactly the rule they were made from, for generated trees.
    @Suite("Round trips")
    struct RoundTripTests {
        @Test("generated rules are valid, so the round trips below exercise real rules", arguments: 0..<100)
        func generatedRulesAreValid(seed: UInt64) throws {
            var generator = SegmentRuleGenerator(seed: seed)
            let rule = generator.rule()
            #expect(throws: Never.self, "seed \(seed): \(rule.text)") { try rule.validate() }
        }

        @Test("reading the printed text gives back the same rule", arguments: 0..<600)
        func textRoundTrip(seed: UInt64) throws {
            var generator = SegmentRuleGenerator(seed: seed)
            let rule = generator.rule()
            let text = rule.text
            let parsed = try SegmentRule(text: text)
            #expect(parsed == rule, "seed \(seed): \(text)")
            #expect(parsed.text == text, "seed \(seed): printing is stable")
        }

        @Test("reading the JSON gives back the same rule", arguments: 0..<600)
        func jsonRoundTrip(seed: UInt64) throws {
            var generator = SegmentRuleGenerator(seed: 50_000 + seed)
            let rule = generator.rule()
            #expect(try SegmentRule(json: rule.json) == rule, "seed \(seed): \(rule.text)")
        }

        @Test("the JSON survives being written as bytes and parsed again", arguments: 0..<200)
        func jsonBytesRoundTrip(seed: UInt64) throws {
            var generator = SegmentRuleGenerator(seed: 90_000 + seed)
            generator.wholeDoubles = false
            let rule = generator.rule()
            let bytes = JSONWriter.string(rule.json)
            #expect(try SegmentRule(json: JSONParser.parse(bytes)) == rule, "seed \(seed): \(bytes)")
        }

        @Test("text and JSON agree: JSON read from the text equals the text read from JSON", arguments: 0..<100)
        func formsAgree(seed: UInt64) throws {
            var generator = SegmentRuleGenerator(seed: 120_000 + seed)
            let rule = generator.rule()
            #expect(try SegmentRule(text: rule.text).json == rule.json, "seed \(seed)")
        }
    }
}
