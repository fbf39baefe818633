import Testing

@testable import PondCore

/// The quantile rule, checked against a reference written straight from its definition over random populations that
/// tie heavily (small value ranges), of 1 to 50 members, on every allowed scale.
@Suite("RFM quantile scoring properties")
struct RFMQuantilePropertyTests {
    /// The rule of `RFMCutPoints.quantiles` computed member by member, the slow and obvious way: O(n) per value.
    enum Reference {
        static func score(_ value: Int64, in population: [Int64], buckets: Int) -> Int {
            let n = population.count
            let lowest = population.min()!
            let highest = population.max()!
            if lowest == highest { return 1 + buckets / 2 }
            if value == lowest { return 1 }
            if value == highest { return buckets }
            let worse = population.count { $0 < value }
            let equal = population.count { $0 == value }
            return 1 + buckets * (2 * worse + equal - 1) / (2 * (n - 1))
        }

        /// What a value no member has would score as one more member.
        static func newcomerScore(_ value: Int64, joining population: [Int64], buckets: Int) -> Int {
            score(value, in: population + [value], buckets: buckets)
        }
    }

    struct Case: CustomStringConvertible {
        var values: [Int64]
        var buckets: Int
        var cuts: [Int64]

        func score(_ value: Int64) -> Int { 1 + cuts.count { value >= $0 } }

        var description: String { "values \(values.sorted()), \(buckets) buckets, cuts \(cuts)" }
    }

    static func cases(seed: UInt64, count: Int = 3_000) -> [Case] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let n = Int.random(in: 1...50, using: &random)
            let buckets = Int.random(in: RFMScoring.scaleRange, using: &random)
            // Mostly tiny ranges, so that most members tie; now and then a wide one with few ties.
            let spread = Int64([0, 1, 2, 3, 5, 8, 40].randomElement(using: &random)!)
            let base = Int64.random(in: -400...400, using: &random)
            let values = (0..<n).map { _ in base + Int64.random(in: 0...spread, using: &random) }
            let cuts = RFMCutPoints.lowestValuesEarningEachStep(values, buckets: buckets)
            return Case(values: values, buckets: buckets, cuts: cuts)
        }
    }

    @Test("cut points give every member exactly the reference score, and every score is on the scale")
    func membersScoreAsTheReference() {
        for c in Self.cases(seed: 20_261_210) {
            #expect(c.cuts.count == c.buckets - 1, "\(c)")
            for value in c.values {
                let scored = c.score(value)
                #expect(scored == Reference.score(value, in: c.values, buckets: c.buckets), "value \(value) of \(c)")
                #expect((1...c.buckets).contains(scored), "value \(value) of \(c)")
            }
        }
    }

    @Test("a value no member has scores exactly what it would as one more member, below, between and above them")
    func newcomersScoreAsOneMoreMember() {
        var probed = 0
        for c in Self.cases(seed: 20_261_211) {
            let members = Set(c.values)
            for value in (c.values.min()! - 2)...(c.values.max()! + 2) where !members.contains(value) {
                #expect(
                    c.score(value) == Reference.newcomerScore(value, joining: c.values, buckets: c.buckets),
                    "newcomer \(value) to \(c)")
                probed += 1
            }
        }
        #expect(probed > 10_000, "the property was exercised")
    }

    @Test("a strictly better value never scores lower, members and newcomers alike")
    func monotone() {
        for c in Self.cases(seed: 20_261_212) {
            let scores = ((c.values.min()! - 2)...(c.values.max()! + 2)).map(c.score)
            #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 <= $1 }, "scores \(scores) for \(c)")
        }
    }

    @Test("when everybody ties, everybody gets the same middle-or-better score, never the worst")
    func everybodyTied() {
        var random = SplitMix64(seed: 20_261_213)
        for _ in 0..<2_000 {
            let n = Int.random(in: 1...50, using: &random)
            let buckets = Int.random(in: RFMScoring.scaleRange, using: &random)
            let value = Int64.random(in: -400...400, using: &random)
            let cuts = RFMCutPoints.lowestValuesEarningEachStep(Array(repeating: value, count: n), buckets: buckets)
            let scored = 1 + cuts.count { value >= $0 }
            #expect(scored >= (buckets + 1) / 2, "\(n) × \(value), \(buckets) buckets")
            #expect(scored > 1, "\(n) × \(value), \(buckets) buckets")
            #expect(scored == 1 + buckets / 2, "\(n) × \(value), \(buckets) buckets")
        }
    }

    @Test("with two or more distinct values the worst present scores 1 and the best scores the top, however many tie")
    func extremesPinned() {
        var checked = 0
        for c in Self.cases(seed: 20_261_214) where Set(c.values).count >= 2 {
            #expect(c.score(c.values.min()!) == 1, "\(c)")
            #expect(c.score(c.values.max()!) == c.buckets, "\(c)")
            checked += 1
        }
        #expect(checked > 1_000, "the property was exercised")
    }

    @Test("in a full run, profiles with equal days, orders or cents score equally, whatever the hour or sub-cent")
    func equalValuesScoreEqually() throws {
        var random = SplitMix64(seed: 20_261_216)
        let scorer = try RFMScorer()
        var ties = 0
        for round in 0..<300 {
            let population = Self.summaries(count: Int.random(in: 1...50, using: &random), using: &random)
            let run = scorer.run(population, now: RFMFixture.now)
            let scored = population.map { (summary: $0, score: run.scores[$0.profileID]!) }
            var unequal: [String] = []
            func days(_ summary: OrderSummary) -> Int { RFMScorer.daysSinceLastOrder(summary, now: RFMFixture.now) }
            for (i, a) in scored.enumerated() {
                for b in scored[(i + 1)...] {
                    if days(a.summary) == days(b.summary) {
                        ties += 1
                        if a.score.recency != b.score.recency { unequal.append("R \(a) \(b)") }
                    }
                    if a.summary.orderCount == b.summary.orderCount, a.score.frequency != b.score.frequency {
                        unequal.append("F \(a) \(b)")
                    }
                    if RFMCutPoints.cents(a.summary.totalAmount) == RFMCutPoints.cents(b.summary.totalAmount),
                        a.score.monetary != b.score.monetary
                    {
                        unequal.append("M \(a) \(b)")
                    }
                }
            }
            #expect(unequal.isEmpty, "round \(round): \(unequal)")
        }
        #expect(ties > 10_000, "the property was exercised")
    }

    /// Buyers whose values tie heavily: 0–3 days ago at any hour, 1–3 orders, ¥0–150 in steps of 50 give or take
    /// less than half a cent.
    static func summaries(count: Int, using random: inout SplitMix64) -> [OrderSummary] {
        (0..<count).map {
            RFMFixture.summary(
                Int64($0 + 1), daysAgo: Int.random(in: 0...3, using: &random),
                orders: Int.random(in: 1...3, using: &random),
                amount: Double(Int.random(in: 0...3, using: &random)) * 50
                    + Double.random(in: -0.004...0.004, using: &random),
                extraMs: Int64.random(in: 0..<86_400_000, using: &random))
        }
    }

    @Test("a full run's score of each profile equals its re-score against the run's cut points and the reference")
    func fullRunAgreesWithReScoreAndReference() throws {
        var random = SplitMix64(seed: 20_261_215)
        let now = RFMFixture.now
        for round in 0..<300 {
            let buckets = Int.random(in: RFMScoring.scaleRange, using: &random)
            let scorer = try RFMScorer(configuration: RFMConfiguration(
                scoring: .quantiles(buckets: buckets),
                layers: RFMLayerMap(rules: [RFMLayerRule(.lost, r: 1...9, f: 1...9)])))
            let population = Self.summaries(count: Int.random(in: 1...50, using: &random), using: &random)
            let run = scorer.run(population, now: now)
            let cuts = try #require(run.cutPoints)
            let days = population.map { Int64(-RFMScorer.daysSinceLastOrder($0, now: now)) }
            let orders = population.map { Int64($0.orderCount) }
            let cents = population.map { RFMCutPoints.cents($0.totalAmount) }
            for (index, summary) in population.enumerated() {
                let full = try #require(run.scores[summary.profileID])
                #expect(scorer.score(summary, against: cuts, now: now) == full, "round \(round)")
                func reference(_ values: [Int64]) -> Int { Reference.score(values[index], in: values, buckets: buckets) }
                #expect(full.recency == reference(days), "round \(round)")
                #expect(full.frequency == reference(orders), "round \(round)")
                #expect(full.monetary == reference(cents), "round \(round)")
            }
        }
    }
}
