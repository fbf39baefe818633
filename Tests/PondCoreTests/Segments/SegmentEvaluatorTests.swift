import PondCore
import Testing

extension Segments {
    /// The reference semantics the SQL compiler must agree with, one behaviour per test.
    @Suite("Evaluator")
    struct EvaluatorTests {
        typealias F = SegmentFixture

        // MARK: Missing values

        static let everyPredicateButNotExists: [SegmentPredicate] = [
            .equals("a"), .notEquals("a"), .lessThan(1), .lessThanOrEqual(1), .greaterThan(1), .greaterThanOrEqual(1),
            .between(1, 2), .oneOf(["a"]), .contains("a"), .startsWith(""), .exists, .withinLast(days: 30),
            .birthdayWithin(days: 30), .lessThan(.date(F.now)),
        ]

        @Test("a missing trait fails every predicate but `not exists`", arguments: everyPredicateButNotExists)
        func missingTrait(_ predicate: SegmentPredicate) {
            #expect(!F.trait(nil, predicate))
            #expect(!F.trait(.null, predicate), "null is missing")
        }

        @Test("`not exists` holds for a missing or null trait only")
        func notExists() {
            #expect(F.trait(nil, .notExists))
            #expect(F.trait(.null, .notExists))
            #expect(!F.trait("", .notExists))
            #expect(F.trait(false, .exists))
        }

        @Test("`!=` needs the trait to exist; `not =` does not")
        func notEqualsVersusNot() {
            let facts = ProfileFacts()
            #expect(!F.matches(.trait("city", .notEquals("上海")), facts))
            #expect(F.matches(.not(.trait("city", .equals("上海"))), facts))
            #expect(F.trait("北京", .notEquals("上海")))
            #expect(F.trait(5, .notEquals("5")), "a value of another kind is not equal")
        }

        // MARK: Strings

        @Test("string equality is exact: case and Unicode form matter")
        func exactStrings() {
            #expect(F.trait("Shanghai", .equals("Shanghai")))
            #expect(!F.trait("Shanghai", .equals("shanghai")))
            #expect(!F.trait("e\u{301}", .equals("\u{E9}")), "canonically equivalent but different bytes")
            #expect(!F.trait("上海 ", .equals("上海")))
        }

        @Test("contains is a byte substring; the empty string is in every string")
        func containsSubstring() {
            #expect(F.trait("会员-护肤-彩妆", .contains("护肤")))
            #expect(!F.trait("Skincare", .contains("skin")))
            #expect(F.trait("x", .contains("")))
            #expect(!F.trait("123", .contains(2)), "a number is not looked for inside a string")
        }

        @Test("contains on an array is membership by `=`")
        func containsMembership() {
            #expect(F.trait(["护肤", "彩妆"], .contains("护肤")))
            #expect(!F.trait(["护肤品"], .contains("护肤")), "membership, not substring of an element")
            #expect(F.trait([1, 2], .contains(2.0)))
            #expect(F.trait([true], .contains(true)))
            #expect(!F.trait([nil], .contains("")))
        }

        @Test("starts with compares bytes")
        func startsWith() {
            #expect(F.trait("13800138000", .startsWith("138")))
            #expect(!F.trait("Abc", .startsWith("a")))
            #expect(!F.trait(138, .startsWith("138")))
        }

        // MARK: Numbers and kinds

        @Test("kinds never mix: \"200\" is not 200, 1 is not true")
        func kindsDoNotMix() {
            #expect(!F.trait("200", .equals(200)))
            #expect(!F.trait("200", .greaterThan(100)))
            #expect(!F.trait(1, .equals(true)))
            #expect(!F.trait(true, .equals(1)))
            #expect(!F.trait(0, .equals(false)))
        }

        @Test("integers and doubles compare as exact numbers")
        func exactNumbers() {
            #expect(F.trait(2, .equals(2.0)))
            #expect(F.trait(2.0, .equals(2)))
            #expect(F.trait(2.5, .greaterThan(2)))
            #expect(!F.trait(2, .greaterThan(2.0)))
            // 2^53 + 1 is not representable as a double; a comparison through Double would call these equal.
            #expect(F.trait(.int(9_007_199_254_740_993), .greaterThan(.double(9_007_199_254_740_992))))
            #expect(!F.trait(.int(9_007_199_254_740_993), .equals(.double(9_007_199_254_740_992))))
            #expect(F.trait(.int(.max), .lessThan(.double(9_223_372_036_854_775_808))))
        }

        @Test("between includes both bounds")
        func betweenInclusive() {
            #expect(F.trait(100, .between(100, 500)))
            #expect(F.trait(500, .between(100, 500)))
            #expect(!F.trait(500.5, .between(100, 500)))
            #expect(!F.trait(99, .between(100, 500)))
        }

        @Test("in is `=` one of the values; an array value never matches")
        func oneOf() {
            #expect(F.trait("北京", .oneOf(["上海", "北京"])))
            #expect(F.trait(3.0, .oneOf([1, 3])))
            #expect(!F.trait("广州", .oneOf(["上海", "北京"])))
            #expect(!F.trait(["上海"], .oneOf(["上海"])))
        }

        // MARK: Dates

        @Test("dates compare as instants, whatever offset the trait was written in")
        func datesAsInstants() {
            let jan1 = F.at("2026-01-01T00:00:00Z")
            #expect(F.trait("2026-01-01T08:00:00+08:00", .equals(.date(jan1))))
            #expect(F.trait("2025-12-31T23:59:59.999Z", .lessThan(.date(jan1))))
            #expect(!F.trait("2026-01-01T00:00:00Z", .lessThan(.date(jan1))))
            #expect(F.trait("2026-06-01", .between(.date(jan1), .date(F.now))))
        }

        @Test("a trait written without an offset is read at the brand's offset")
        func localDates() {
            let jan1 = F.at("2026-01-01T00:00:00Z")
            #expect(F.trait("2026-01-01 08:00:00", .equals(.date(jan1)), offset: 8 * 3600))
            #expect(!F.trait("2026-01-01 08:00:00", .equals(.date(jan1)), offset: 0))
        }

        @Test("a value that is not an ISO 8601 string never matches a date")
        func nonDates() {
            let jan1 = F.at("2026-01-01T00:00:00Z")
            #expect(!F.trait("last year", .lessThan(.date(jan1))))
            #expect(!F.trait(.int(jan1.millisecondsSinceEpoch - 1), .lessThan(.date(jan1))))
        }

        @Test("within last N days is now − N days … now, both ends included, future excluded")
        func withinLastBoundaries() {
            func value(_ instant: Instant) -> JSONValue { .string(ISO8601.format(instant)) }
            #expect(F.trait(value(F.daysAgo(30)), .withinLast(days: 30)))
            #expect(!F.trait(value(F.daysAgo(30, plusMilliseconds: -1)), .withinLast(days: 30)))
            #expect(F.trait(value(F.now), .withinLast(days: 30)))
            #expect(!F.trait(value(F.now.adding(milliseconds: 1)), .withinLast(days: 30)))
        }

        // MARK: Birthdays

        @Test("a birthday today, or N days from today, is in the next N days; N + 1 days is not")
        func birthdayWindow() {
            #expect(F.trait("1990-11-22", .birthdayWithin(days: 7)))
            #expect(F.trait("1990-11-29", .birthdayWithin(days: 7)))
            #expect(!F.trait("1990-11-30", .birthdayWithin(days: 7)))
            #expect(!F.trait("1990-11-21", .birthdayWithin(days: 7)), "yesterday's birthday is a year away")
        }

        @Test("the window wraps the end of the year")
        func birthdayAcrossYearEnd() {
            let now = F.at("2026-12-28T10:00:00Z")
            #expect(F.trait("1990-01-02", .birthdayWithin(days: 5), now: now))
            #expect(!F.trait("1990-01-02", .birthdayWithin(days: 4), now: now))
            #expect(F.trait("1985-12-31", .birthdayWithin(days: 3), now: now))
        }

        @Test("a 29 February birthday is celebrated on 28 February in non-leap years")
        func leapDayBirthday() {
            #expect(F.trait("2000-02-29", .birthdayWithin(days: 1), now: F.at("2027-02-28T12:00:00Z")))
            #expect(F.trait("2000-02-29", .birthdayWithin(days: 1), now: F.at("2027-02-27T12:00:00Z")))
            #expect(!F.trait("2000-02-29", .birthdayWithin(days: 30), now: F.at("2027-03-01T12:00:00Z")))
            // In a leap year it is on the 29th itself.
            #expect(!F.trait("2000-02-29", .birthdayWithin(days: 1), now: F.at("2028-02-27T12:00:00Z")))
            #expect(F.trait("2000-02-29", .birthdayWithin(days: 1), now: F.at("2028-02-28T12:00:00Z")))
        }

        @Test("today is the brand's local calendar day")
        func birthdayUsesLocalToday() {
            // 20:00 UTC on 31 December is already 1 January in China (UTC+8).
            let now = F.at("2026-12-31T20:00:00Z")
            #expect(F.trait("1990-12-31", .birthdayWithin(days: 1), now: now, offset: 0))
            #expect(!F.trait("1990-12-31", .birthdayWithin(days: 1), now: now, offset: 8 * 3600))
            #expect(F.trait("1990-01-01", .birthdayWithin(days: 1), now: now, offset: 8 * 3600))
        }

        @Test("only the leading YYYY-MM-DD of a string is read; anything else never matches")
        func birthdayFormats() {
            #expect(F.trait("1990-11-23T23:30:00-05:00", .birthdayWithin(days: 1)))
            #expect(!F.trait("11-23", .birthdayWithin(days: 1)))
            #expect(!F.trait(19_901_123, .birthdayWithin(days: 1)))
            #expect(!F.trait("1990-02-30", .birthdayWithin(days: 366)), "a day that never occurs")
        }

        @Test(
            "the birthday rule equals its SQL-friendly restatement: some day in today…today+N has the month/day",
            arguments: 0..<40)
        func birthdayMatchesEnumeration(seed: UInt64) {
            var random = SplitMix64(seed: seed)
            for _ in 0..<50 {
                // Half the cases sit around the end of February, where leap years matter.
                let year = Int.random(in: 2022...2030, using: &random)
                let today =
                    Bool.random(using: &random)
                    ? ISO8601.daysFromCivil(year: year, month: 2, day: 20) + Int.random(in: 0...12, using: &random)
                    : ISO8601.daysFromCivil(year: year, month: 1, day: 1) + Int.random(in: 0...365, using: &random)
                let now = Instant(
                    millisecondsSinceEpoch: Int64(today) * F.day + Int64.random(in: 0..<F.day, using: &random))
                let leapDay = Int.random(in: 0..<3, using: &random) == 0
                let month = leapDay ? 2 : Int.random(in: 1...12, using: &random)
                let day = leapDay ? 29 : Int.random(in: 1...28, using: &random)
                let days = [1, 2, 7, 30, 365, Int.random(in: 1...400, using: &random)].randomElement(using: &random)!
                func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
                let birthday = JSONValue.string("1990-\(pad(month))-\(pad(day))")

                let expected = (today...(today + days)).contains { candidate in
                    let (year, m, d) = ISO8601.civilFromDays(candidate)
                    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
                    return (m == month && d == day) || (month == 2 && day == 29 && m == 2 && d == 28 && !leap)
                }
                #expect(
                    F.trait(birthday, .birthdayWithin(days: days), now: now) == expected, "\(birthday) \(now) \(days)")
            }
        }

        // MARK: Tags, channels, stage, RFM, consent, segments

        @Test("has tag and lacks tag are exact and opposite")
        func tags() {
            let facts = ProfileFacts(tags: ["会员", "VIP"])
            #expect(F.matches(.hasTag("会员"), facts))
            #expect(!F.matches(.hasTag("vip"), facts))
            #expect(F.matches(.lacksTag("vip"), facts))
            #expect(!F.matches(.lacksTag("VIP"), facts))
        }

        @Test("channel present checks the channels the customer was seen on")
        func channels() {
            let facts = ProfileFacts(channels: ["wecom", "tmall"])
            #expect(F.matches(.channel("wecom"), facts))
            #expect(!F.matches(.channel("jd"), facts))
        }

        @Test("stage conditions need a stage")
        func stages() {
            #expect(F.matches(.stage("活跃"), ProfileFacts(stage: "活跃")))
            #expect(F.matches(.condition(.stage(.oneOf(["新客", "活跃"]))), ProfileFacts(stage: "活跃")))
            #expect(!F.matches(.condition(.stage(.oneOf(["新客", "流失"]))), ProfileFacts(stage: "活跃")))
            #expect(!F.matches(.stage("活跃"), ProfileFacts()))
            #expect(F.matches(.not(.stage("流失")), ProfileFacts()), "not stage = X holds without a stage")
        }

        @Test("RFM conditions read the scores and layer, and fail without them")
        func rfm() {
            let facts = ProfileFacts(rfm: RFMFacts(recency: 5, frequency: 2, monetary: 4, layer: "重要发展客户"))
            #expect(F.matches(.condition(.rfmScore(.recency, .greaterOrEqual, 5)), facts))
            #expect(!F.matches(.condition(.rfmScore(.frequency, .greater, 2)), facts))
            #expect(F.matches(.condition(.rfmScore(.monetary, .notEqual, 3)), facts))
            #expect(F.matches(.condition(.rfmLayer(.equals("重要发展客户"))), facts))
            #expect(!F.matches(.condition(.rfmLayer(.oneOf(["重要价值客户"]))), facts))
            #expect(!F.matches(.condition(.rfmScore(.recency, .lessOrEqual, 5)), ProfileFacts()))
            #expect(!F.matches(.condition(.rfmLayer(.equals("重要发展客户"))), ProfileFacts()))
        }

        @Test("consent is granted for true, denied for false, unknown when absent")
        func consent() {
            let facts = ProfileFacts(consent: ["marketing": true, "sms": false])
            #expect(F.matches(.consent("marketing", .granted), facts))
            #expect(!F.matches(.consent("marketing", .denied), facts))
            #expect(F.matches(.consent("sms", .denied), facts))
            #expect(F.matches(.consent("email", .unknown), facts))
            #expect(!F.matches(.consent("email", .denied), facts))
        }

        @Test("in segment asks the membership function for that id")
        func segmentMembership() {
            var asked: [String] = []
            let result = F.matches(.inSegment("vip"), ProfileFacts()) { id in
                asked.append(id)
                return id == "vip"
            }
            #expect(result)
            #expect(asked == ["vip"])
            #expect(!F.matches(.inSegment("vip"), ProfileFacts()) { _ in false })
        }

        // MARK: Events

        static let orders = ProfileFacts(events: [
            F.order(5, ["category": "护肤", "amount": 300]),
            F.order(40, ["category": "护肤", "amount": 150]),
            F.order(100, ["category": "彩妆", "amount": 500]),
            EventFact("Page Viewed", timestamp: F.daysAgo(1)),
        ])

        @Test("at least, at most and exactly compare the count")
        func countBounds() {
            #expect(F.matches(.performed("Order Completed", .atLeast, 3), Self.orders))
            #expect(!F.matches(.performed("Order Completed", .atLeast, 4), Self.orders))
            #expect(F.matches(.performed("Order Completed", .atMost, 3), Self.orders))
            #expect(!F.matches(.performed("Order Completed", .atMost, 2), Self.orders))
            #expect(F.matches(.performed("Order Completed", .exactly, 3), Self.orders))
            #expect(!F.matches(.performed("Order Completed", .exactly, 2), Self.orders))
        }

        @Test("never performing counts as zero: at most N and exactly 0 match")
        func zeroCount() {
            #expect(F.matches(.performed("Refund", .exactly, 0), Self.orders))
            #expect(F.matches(.performed("Refund", .atMost, 2, inDays: 30), ProfileFacts()))
            #expect(!F.matches(.performed("Refund"), ProfileFacts()))
        }

        @Test("event names are exact")
        func eventNamesExact() {
            #expect(!F.matches(.performed("order completed"), Self.orders))
        }

        @Test("a window counts events from now − D days to now inclusive")
        func eventWindowBoundaries() {
            let facts = ProfileFacts(events: [
                EventFact("E", timestamp: F.daysAgo(90)),
                EventFact("E", timestamp: F.daysAgo(90, plusMilliseconds: -1)),
                EventFact("E", timestamp: F.now), EventFact("E", timestamp: F.now.adding(milliseconds: 1)),
            ])
            #expect(F.matches(.performed("E", .exactly, 2, inDays: 90), facts))
            #expect(F.matches(.performed("E", .exactly, 4), facts), "without a window every event counts")
        }

        @Test("property filters are an AND list, and a missing property fails its filter")
        func propertyFilters() {
            let skincareOver200: [SegmentCondition.PropertyFilter] = [
                .property("category", .equals("护肤")), .property("amount", .greaterThan(200)),
            ]
            #expect(F.matches(.performed("Order Completed", .exactly, 1, where: skincareOver200), Self.orders))
            #expect(
                F.matches(
                    .performed("Order Completed", .exactly, 2, where: [.property("category", .equals("护肤"))]),
                    Self.orders))
            #expect(
                F.matches(
                    .performed("Order Completed", .exactly, 0, where: [.property("coupon", .exists)]), Self.orders))
            #expect(
                F.matches(
                    .performed("Order Completed", .exactly, 3, where: [.property("coupon", .notExists)]), Self.orders)
            )
            #expect(
                F.matches(.performed("Order Completed", .exactly, 1, inDays: 30, where: skincareOver200), Self.orders))
            #expect(
                F.matches(.performed("Order Completed", .exactly, 0, inDays: 4, where: skincareOver200), Self.orders))
        }

        @Test("first and last use the earliest and latest matching event")
        func firstAndLast() {
            #expect(!F.matches(.eventTime(.first, "Order Completed", .within, days: 30), Self.orders))
            #expect(F.matches(.eventTime(.last, "Order Completed", .within, days: 30), Self.orders))
            #expect(F.matches(.eventTime(.first, "Order Completed", .before, days: 90), Self.orders))
            #expect(!F.matches(.eventTime(.last, "Order Completed", .before, days: 5), Self.orders))
            #expect(F.matches(.eventTime(.last, "Order Completed", .after, days: 7), Self.orders))
            let skincare: [SegmentCondition.PropertyFilter] = [.property("category", .equals("护肤"))]
            #expect(F.matches(.eventTime(.first, "Order Completed", .within, days: 40, where: skincare), Self.orders))
        }

        @Test("before is strict and after is its complement at the boundary")
        func relationBoundaries() {
            let facts = ProfileFacts(events: [EventFact("E", timestamp: F.daysAgo(30))])
            #expect(!F.matches(.eventTime(.last, "E", .before, days: 30), facts))
            #expect(F.matches(.eventTime(.last, "E", .after, days: 30), facts))
            #expect(F.matches(.eventTime(.last, "E", .within, days: 30), facts))
            let future = ProfileFacts(events: [EventFact("E", timestamp: F.now.adding(milliseconds: 1))])
            #expect(F.matches(.eventTime(.last, "E", .after, days: 30), future))
            #expect(!F.matches(.eventTime(.last, "E", .within, days: 30), future))
        }

        @Test(
            "a profile that never performed the event satisfies no first/last condition",
            arguments:
                SegmentCondition.Relation.allCases)
        func neverPerformed(_ relation: SegmentCondition.Relation) {
            #expect(!F.matches(.eventTime(.first, "Refund", relation, days: 30), Self.orders))
            #expect(!F.matches(.eventTime(.last, "Refund", relation, days: 30), Self.orders))
        }

        // MARK: Groups

        @Test("all, any and not combine as AND, OR and NOT")
        func groups() {
            let facts = ProfileFacts(tags: ["a"])
            #expect(F.matches(.all([.hasTag("a"), .not(.hasTag("b"))]), facts))
            #expect(!F.matches(.all([.hasTag("a"), .hasTag("b")]), facts))
            #expect(F.matches(.any([.hasTag("b"), .hasTag("a")]), facts))
            #expect(!F.matches(.any([.hasTag("b"), .hasTag("c")]), facts))
        }

        @Test("the brief's example audience, end to end from its text")
        func briefExample() throws {
            let rule = try SegmentRule(
                text: #"performed "Order Completed" >= 2 times in 90d where category = "护肤" and amount > 100 "#
                    + #"and has tag "会员" and not stage = "流失""#)
            var facts = Self.orders
            facts.tags = ["会员"]
            facts.stage = "活跃"
            #expect(SegmentEvaluator.matches(rule, facts: facts, now: F.now) { _ in false })
            facts.stage = "流失"
            #expect(!SegmentEvaluator.matches(rule, facts: facts, now: F.now) { _ in false })
            facts.stage = nil
            facts.events.removeFirst()
            #expect(!SegmentEvaluator.matches(rule, facts: facts, now: F.now) { _ in false })
        }
    }
}
