import PondCore
import Testing

extension Segments {
    /// `validate()`: every refusal names its code and the node it is about.
    @Suite("Validation")
    struct ValidationTests {
        static let ok = SegmentRule.hasTag("ok")

        private func failure(_ rule: SegmentRule) throws -> SegmentRuleError {
            try #require(throws: SegmentRuleError.self) { try rule.validate() }
        }

        private func expect(
            _ rule: SegmentRule, _ code: SegmentRuleError.Code, at path: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let error = try failure(rule)
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.path == path, "\(error)", sourceLocation: sourceLocation)
        }

        @Test("the path names the offending node through nested groups: all[1].any[0]")
        func pathThroughGroups() throws {
            try expect(.all([Self.ok, .any([.hasTag(""), Self.ok])]), .invalidName, at: "all[1].any[0]")
            try expect(.any([Self.ok, .not(.all([Self.ok, .hasTag("")]))]), .invalidName, at: "any[1].not.all[1]")
            try expect(
                .all([.performed("E", where: [.property("a", .exists), .property("b", .lessThan("x"))])]), .wrongType,
                at: "all[0].where[1]")
        }

        @Test("the first problem in reading order is the one reported")
        func firstProblemWins() throws {
            try expect(.all([.hasTag(""), .performed("E", .atLeast, -1)]), .invalidName, at: "all[0]")
        }

        @Test("a valid rule passes")
        func validRulePasses() {
            #expect(throws: Never.self) {
                try SegmentRule.all([
                    .performed(
                        "Order Completed", .atLeast, 2, inDays: 90, where: [.property("amount", .greaterThan(200))]),
                    .any([.hasTag("会员"), .not(.stage("流失"))]),
                ]).validate()
            }
        }

        @Test("an empty group is refused")
        func emptyGroup() throws {
            try expect(.all([Self.ok, .any([])]), .emptyGroup, at: "all[1]")
            try expect(.all([]), .emptyGroup, at: "")
        }

        static func nested(_ depth: Int) -> SegmentRule {
            (1..<depth).reduce(SegmentRule.hasTag("x")) { inner, _ in .not(inner) }
        }

        @Test("nesting is limited to 16 levels")
        func depth() throws {
            #expect(throws: Never.self) { try Self.nested(16).validate() }
            try expect(Self.nested(17), .depthExceeded, at: Array(repeating: "not", count: 16).joined(separator: "."))
        }

        @Test("a rule holds at most 200 conditions, property filters included")
        func conditionCount() throws {
            #expect(throws: Never.self) { try SegmentRule.all(Array(repeating: Self.ok, count: 200)).validate() }
            try expect(.all(Array(repeating: Self.ok, count: 201)), .tooManyConditions, at: "all[200]")
            let withFilter = SegmentRule.performed("E", where: [.property("a", .exists)])
            #expect(throws: Never.self) { try SegmentRule.all(Array(repeating: withFilter, count: 100)).validate() }
            try expect(.all(Array(repeating: withFilter, count: 100) + [Self.ok]), .tooManyConditions, at: "all[100]")
        }

        @Test(
            "names are 1…200 UTF-8 bytes",
            arguments: [
                SegmentRule.trait("", .exists), .hasTag(""), .lacksTag(""), .performed(""),
                .eventTime(.first, "", .within, days: 1),
                .condition(.rfmLayer(.equals(""))), .condition(.stage(.oneOf(["a", ""]))), .channel(""), .inSegment(""),
                .consent("", .granted), .performed("E", where: [.property("", .exists)]),
            ])
        func emptyNames(_ rule: SegmentRule) throws {
            #expect(try failure(rule).code == .invalidName)
        }

        @Test("a 200-byte name is accepted and a 201-byte one refused")
        func nameLength() throws {
            #expect(throws: Never.self) { try SegmentRule.hasTag(String(repeating: "a", count: 200)).validate() }
            // 67 CJK characters are 201 bytes: the limit is bytes, not characters.
            try expect(.hasTag(String(repeating: "会", count: 67)), .invalidName, at: "")
        }

        @Test(
            "windows are 1…3650 days",
            arguments: [
                SegmentRule.performed("E", inDays: 0), .performed("E", inDays: 3651),
                .eventTime(.last, "E", .before, days: 0),
                .trait("t", .withinLast(days: 0)), .trait("b", .birthdayWithin(days: 3651)),
                .performed("E", where: [.property("t", .withinLast(days: -1))]),
            ])
        func absurdWindows(_ rule: SegmentRule) throws {
            #expect(try failure(rule).code == .absurdWindow)
        }

        @Test("window and count bounds themselves are accepted")
        func bounds() {
            #expect(throws: Never.self) {
                try SegmentRule.all([
                    .performed("E", .atLeast, 0, inDays: 1), .performed("E", .atMost, 1_000_000, inDays: 3650),
                    .condition(.rfmScore(.recency, .equal, 1)), .condition(.rfmScore(.recency, .equal, 5)),
                ]).validate()
            }
        }

        @Test("counts are 0…1 000 000")
        func absurdCounts() throws {
            try expect(.performed("E", .atLeast, -1), .absurdCount, at: "")
            try expect(.performed("E", .exactly, 1_000_001), .absurdCount, at: "")
        }

        @Test("RFM scores are 1…5")
        func absurdScores() throws {
            try expect(.condition(.rfmScore(.monetary, .greaterOrEqual, 0)), .absurdScore, at: "")
            try expect(.condition(.rfmScore(.recency, .less, 6)), .absurdScore, at: "")
        }

        @Test(
            "order comparisons need numbers or dates, and contains cannot take a date",
            arguments: [
                SegmentPredicate.lessThan("abc"), .lessThanOrEqual(true), .greaterThan("2026-01-01"),
                .greaterThanOrEqual(false),
                .between("a", "b"), .between(1, .date(Instant(millisecondsSinceEpoch: 0))),
                .contains(.date(Instant(millisecondsSinceEpoch: 0))),
                .equals(.double(.nan)), .oneOf([.double(.infinity)]),
            ])
        func wrongTypes(_ predicate: SegmentPredicate) throws {
            #expect(try failure(.trait("k", predicate)).code == .wrongType)
        }

        @Test("between needs its smaller bound first; equal bounds are fine")
        func invertedRange() throws {
            try expect(.trait("n", .between(5, 1)), .invertedRange, at: "")
            try expect(.trait("n", .between(2.5, 2)), .invertedRange, at: "")
            let later = SegmentFixture.now
            let earlier = SegmentFixture.daysAgo(1)
            try expect(.trait("t", .between(.date(later), .date(earlier))), .invertedRange, at: "")
            #expect(throws: Never.self) { try SegmentRule.trait("n", .between(2, 2.0)).validate() }
        }

        @Test("in needs 1…1000 values")
        func lists() throws {
            try expect(.trait("c", .oneOf([])), .emptyList, at: "")
            try expect(.condition(.stage(.oneOf([]))), .emptyList, at: "")
            try expect(.trait("c", .oneOf(Array(repeating: 1, count: 1001))), .tooManyValues, at: "")
            #expect(throws: Never.self) {
                try SegmentRule.trait("c", .oneOf(Array(repeating: 1, count: 1000))).validate()
            }
        }

        @Test("a date must be printable as ISO 8601 (years 0000…9999)")
        func dateRange() throws {
            let tooLate = Instant(millisecondsSinceEpoch: 253_402_300_800_000)  // 10000-01-01
            try expect(.trait("t", .lessThan(.date(tooLate))), .invalidDate, at: "")
            #expect(throws: Never.self) {
                try SegmentRule.trait("t", .lessThan(.date(tooLate.adding(milliseconds: -1)))).validate()
            }
        }

        @Test("the error describes itself with code, path and message")
        func description() throws {
            let error = try failure(.all([Self.ok, .performed("E", inDays: 9999)]))
            #expect(error.description == "absurd_window at all[1]: a window must be 1…3650 days, got 9999")
        }
    }
}
