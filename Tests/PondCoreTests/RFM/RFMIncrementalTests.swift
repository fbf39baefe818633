import Testing

@testable import PondCore

/// Between full runs the engine re-scores one profile against the last run's cut points. These tests pin down when
/// that equals what a full run would say.
@Suite("RFM incremental re-scoring")
struct RFMIncrementalTests {
    let scorer: RFMScorer
    let now = RFMFixture.now

    init() throws { scorer = try RFMScorer() }

    /// Eleven profiles (n − 1 = 10, so quintiles 2 to 5 start at sorted positions 2, 4, 6 and 8, and the values
    /// there are the cut points). Profile 7 last ordered 12 days ago, 4 orders, ¥260: cut points R [12, 60, 120, 200]
    /// days, F [2, 3, 4, 6] orders, M [80, 150, 260, 600]; profile 7 itself holds three of them.
    let population = RFMFixture.population(
        daysAgo: [300, 250, 200, 150, 120, 90, 12, 60, 45, 10, 5],
        orders: [1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 12],
        amounts: [20, 40, 80, 100, 150, 200, 260, 300, 600, 900, 1500])

    @Test("the cut points of the example population are where the comments say")
    func exampleCutPoints() {
        #expect(scorer.run(population, now: now).cutPoints == RFMCutPoints(
            recencyDays: [12, 60, 120, 200], orderCounts: [2, 3, 4, 6], amounts: [80, 150, 260, 600]))
    }

    @Test("a new order from a profile above the values that define the cut points re-scores exactly as a full run")
    func incrementalEqualsFullAboveDefiningValues() throws {
        let run = scorer.run(population, now: now)
        #expect(run.scores[10]?.cell == "555")
        // A ¥30 order today: 0 days, 9 orders, ¥930; profile 10 was at sorted position 9, above every defining one.
        let updated = population[9].recording(orderAt: now, amount: 30)
        let cutPoints = try #require(run.cutPoints)
        let incremental = scorer.score(updated, against: cutPoints, now: now)

        var changed = population
        changed[9] = updated
        let full = scorer.run(changed, now: now)
        #expect(incremental == full.scores[10])
        #expect(incremental?.cell == "555")
        #expect(full.cutPoints == run.cutPoints)
    }

    @Test("a first order placed between runs scores exactly what a full run with the new buyer would give")
    func firstOrderBetweenRunsEqualsFull() throws {
        let run = scorer.run(population, now: now)
        // ¥290 today: the most recent, the fewest orders, and between ¥260 and ¥300.
        let newcomer = RFMFixture.summary(12, daysAgo: 0, orders: 1, amount: 290)
        let incremental = scorer.score(newcomer, against: try #require(run.cutPoints), now: now)
        let full = scorer.run(population + [newcomer], now: now)
        #expect(incremental == full.scores[12])
        #expect(incremental?.cell == "514")  // ¥290 beats 7 of 11: 1 + ⌊5 × 7 / 11⌋ = 4
        #expect(incremental?.layer == .new)
    }

    @Test("a new order that crosses a cut point moves the profile up at once")
    func incrementalCrossesCutPoint() throws {
        let run = scorer.run(population, now: now)
        let bigOrder = population[6].recording(orderAt: now, amount: 400).recording(orderAt: now, amount: 0)
        let score = scorer.score(bigOrder, against: try #require(run.cutPoints), now: now)
        #expect(score?.cell == "555")  // 6 orders, ¥660
        #expect(score?.layer == .champions)
    }

    @Test("for any population, a first-time buyer re-scored against the cut points gets what a full run with it gives")
    func firstOrderEqualsFullProperty() throws {
        var random = SplitMix64(seed: 99)
        var checked = 0
        for _ in 0..<400 {
            let n = Int.random(in: 1...30, using: &random)
            // Small ranges, so that the newcomer often ties with members and often lands between them.
            let population = (1...n).map {
                RFMFixture.summary(
                    Int64($0), daysAgo: Int.random(in: 0...20, using: &random),
                    orders: Int.random(in: 1...6, using: &random),
                    amount: Double(Int.random(in: 1...30, using: &random)) * 5)
            }
            let newcomer = RFMFixture.summary(
                Int64(n + 1), daysAgo: Int.random(in: 0...22, using: &random),
                orders: Int.random(in: 1...7, using: &random),
                amount: Double(Int.random(in: 0...32, using: &random)) * 5)
            let cuts = try #require(scorer.run(population, now: now).cutPoints)
            let incremental = try #require(scorer.score(newcomer, against: cuts, now: now))
            let full = try #require(scorer.run(population + [newcomer], now: now).scores[newcomer.profileID])
            // A value some member already has joins that member's tie group and shifts its mid-rank, which only the
            // next full run sees; there the re-score gives what the run gave the members with that value.
            func days(_ summary: OrderSummary) -> Int { RFMScorer.daysSinceLastOrder(summary, now: now) }
            if !population.contains(where: { days($0) == days(newcomer) }) {
                #expect(incremental.recency == full.recency, "\(newcomer) joining \(population)")
                checked += 1
            }
            if !population.contains(where: { $0.orderCount == newcomer.orderCount }) {
                #expect(incremental.frequency == full.frequency, "\(newcomer) joining \(population)")
                checked += 1
            }
            if !population.contains(where: { $0.totalAmount == newcomer.totalAmount }) {
                #expect(incremental.monetary == full.monetary, "\(newcomer) joining \(population)")
                checked += 1
            }
        }
        #expect(checked > 300, "the property was exercised")
    }

    @Test("changing the value a cut point sits on moves that cut point for everyone, which waits for the next full run")
    func changingADefiningValueMovesTheCut() throws {
        let run = scorer.run(population, now: now)
        // Profile 9's 6 orders are the fewest that earn F5; profile 8 growing from 5 to 7 orders overtakes them and
        // moves that cut to 7.
        let grown = population[7].recording(orderAt: now, amount: 0).recording(orderAt: now, amount: 0)
        var changed = population
        changed[7] = grown
        let full = scorer.run(changed, now: now)
        #expect(full.cutPoints?.orderCounts == [2, 3, 4, 7])
        // Profile 8 itself scores the same either way, but profile 9 (6 orders) drops from F5 to F4 in the full run
        // only: its stored score stays stale until then.
        #expect(scorer.score(grown, against: try #require(run.cutPoints), now: now) == full.scores[8])
        #expect(run.scores[9]?.frequency == 5)
        #expect(full.scores[9]?.frequency == 4)
    }

    @Test("a profile whose summary left the window has no score, not a fake 111")
    func outsideWindowHasNoScore() throws {
        let run = scorer.run(population, now: now)
        let stale = RFMFixture.summary(7, daysAgo: 365, orders: 4, amount: 260, extraMs: 1)
        #expect(scorer.score(stale, against: try #require(run.cutPoints), now: now) == nil)
    }
}
