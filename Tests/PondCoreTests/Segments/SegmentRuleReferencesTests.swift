import PondCore
import Testing

extension Segments {
    /// What a rule reads, used to route events and trait changes to the segments they can affect.
    @Suite("References")
    struct ReferencesTests {
        static let rule = SegmentRule.all([
            .performed("Order Completed", inDays: 90, where: [.property("category", .equals("护肤"))]),
            .any([
                .trait("city", .equals("上海")), .not(.inSegment("churned")),
                .all([.eventTime(.last, "Page Viewed", .before, days: 7), .hasTag("会员")]),
            ]),
            .lacksTag("黑名单"), .trait("birthday", .birthdayWithin(days: 7)), .inSegment("vip"),
        ])

        @Test("segments, events, traits and tags are collected from every depth")
        func collected() {
            #expect(Self.rule.referencedSegments == ["churned", "vip"])
            #expect(Self.rule.referencedEvents == ["Order Completed", "Page Viewed"])
            #expect(Self.rule.referencedTags == ["会员", "黑名单"])
        }

        @Test("event property keys are not traits")
        func propertyKeysAreNotTraits() {
            #expect(Self.rule.referencedTraits == ["city", "birthday"])
        }

        @Test("conditions are listed in reading order")
        func conditionsInOrder() {
            let rule = SegmentRule.any([.hasTag("a"), .all([.hasTag("b"), .not(.hasTag("c"))]), .hasTag("d")])
            #expect(rule.conditions == [.hasTag("a"), .hasTag("b"), .hasTag("c"), .hasTag("d")])
        }

        @Test(
            "time-dependent conditions",
            arguments: [
                SegmentRule.trait("t", .withinLast(days: 30)), .trait("b", .birthdayWithin(days: 7)),
                .performed("E", inDays: 30), .performed("E", where: [.property("t", .withinLast(days: 1))]),
                .eventTime(.first, "E", .within, days: 30), .eventTime(.last, "E", .before, days: 30),
                .all([.hasTag("x"), .not(.trait("t", .withinLast(days: 1)))]),
            ])
        func timeDependent(_ rule: SegmentRule) {
            #expect(rule.isTimeDependent)
        }

        @Test(
            "conditions that only change when the data changes",
            arguments: [
                SegmentRule.performed("E"), .performed("E", .atLeast, 3, where: [.property("amount", .greaterThan(1))]),
                .trait("t", .lessThan(.date(SegmentFixture.now))), .hasTag("x"), .stage("活跃"), .inSegment("s"),
                .consent("marketing", .granted), .condition(.rfmScore(.recency, .greaterOrEqual, 4)),
            ])
        func notTimeDependent(_ rule: SegmentRule) {
            #expect(!rule.isTimeDependent)
        }
    }
}
