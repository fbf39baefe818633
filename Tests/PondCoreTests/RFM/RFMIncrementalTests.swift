import Testing

@testable import PondCore

/// Between full runs the engine re-scores one profile against the last run's cut points. These tests pin down when
/// that equals what a full run would say.
@Suite("RFM incremental re-scoring")
struct RFMIncrementalTests {
    let scorer: RFMScorer
    let now = RFMFixture.now

    init() throws { scorer = try RFMScorer() }

    /// Eleven profiles (n − 1 = 10, so the quintile cut points sit just above sorted positions 2, 4, 6 and 8).
    /// Profile 7 last ordered 12 days ago, 4 orders, ¥260: cut points R [44, 89, 149, 249] days,
    /// F [2, 3, 4, 6] orders, M [40.01, 100.01, 200.01, 300.01].
    let population = RFMFixture.population(
        daysAgo: [300, 250, 200, 150, 120, 90, 12, 60, 45, 10, 5],
        orders: [1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 12],
        amounts: [20, 40, 80, 100, 150, 200, 260, 300, 600, 900, 1500])

    @Test("the cut points of the example population are where the comments say")
    func exampleCutPoints() {
        #expect(scorer.run(population, now: now).cutPoints == RFMCutPoints(
            recencyDays: [44, 89, 149, 249], orderCounts: [2, 3, 4, 6], amounts: [40.01, 100.01, 200.01, 300.01]))
    }

    @Test("a new order whose values fall between the same cut points re-scores exactly as a full run would")
    func incrementalEqualsFullBetweenCutPoints() throws {
        let run = scorer.run(population, now: now)
        #expect(run.scores[7]?.cell == "544")
        // A ¥30 order today: 0 days, 5 orders (still between 4 and 6), ¥290 (still between 200.01 and 300.01).
        let updated = population[6].recording(orderAt: now, amount: 30)
        let cutPoints = try #require(run.cutPoints)
        let incremental = scorer.score(updated, against: cutPoints, now: now)

        var changed = population
        changed[6] = updated
        let full = scorer.run(changed, now: now)
        #expect(incremental == full.scores[7])
        #expect(incremental?.cell == "544")
        #expect(full.cutPoints == run.cutPoints)
    }

    @Test("a new order that crosses a cut point moves the profile up at once")
    func incrementalCrossesCutPoint() throws {
        let run = scorer.run(population, now: now)
        let bigOrder = population[6].recording(orderAt: now, amount: 100).recording(orderAt: now, amount: 0)
        let score = scorer.score(bigOrder, against: try #require(run.cutPoints), now: now)
        #expect(score?.cell == "555")  // 6 orders, ¥360
        #expect(score?.layer == .champions)
    }

    @Test("values kept on one side of every cut point, and off the value defining it, re-score as a full run would")
    func incrementalEqualsFullProperty() throws {
        var random = SplitMix64(seed: 99)
        var checked = 0
        for _ in 0..<400 {
            let n = Int.random(in: 2...30, using: &random)
            let population = (1...n).map {
                RFMFixture.summary(
                    Int64($0), daysAgo: Int.random(in: 0...60, using: &random),
                    orders: Int.random(in: 1...8, using: &random),
                    amount: Double(Int.random(in: 1...40, using: &random)) * 5)
            }
            let run = scorer.run(population, now: now)
            let cuts = try #require(run.cutPoints)
            let index = Int.random(in: 0..<n, using: &random)
            let old = population[index]
            // Same side of every cut, and neither value the one a cut sits just above (which would move the cut).
            func stable(_ a: Int64, _ b: Int64, _ cut: Int64) -> Bool {
                (a >= cut && b >= cut) || (a <= cut - 2 && b <= cut - 2)
            }
            let oldDays = RFMScorer.daysSinceLastOrder(old, now: now)
            let days = (0...60).filter { d in
                cuts.recencyDays.allSatisfy { stable(Int64(-oldDays), Int64(-d), Int64(-$0)) }
            }
            let orders = (1...8).filter { f in
                cuts.orderCounts.allSatisfy { stable(Int64(old.orderCount), Int64(f), Int64($0)) }
            }
            let amounts = (1...40).map { Double($0) * 5 }.filter { m in
                cuts.amounts.allSatisfy {
                    stable(RFMCutPoints.cents(old.totalAmount), RFMCutPoints.cents(m), RFMCutPoints.cents($0))
                }
            }
            guard let d = days.randomElement(using: &random), let f = orders.randomElement(using: &random),
                let m = amounts.randomElement(using: &random)
            else { continue }
            let candidate = RFMFixture.summary(old.profileID, daysAgo: d, orders: f, amount: m)
            var changed = population
            changed[index] = candidate
            let full = scorer.run(changed, now: now)
            #expect(scorer.score(candidate, against: cuts, now: now) == full.scores[old.profileID])
            #expect(full.cutPoints == cuts)
            checked += 1
        }
        #expect(checked > 50, "the property was exercised")
    }

    @Test("changing the value a cut point sits on moves that cut point for everyone, which waits for the next full run")
    func changingADefiningValueMovesTheCut() throws {
        let run = scorer.run(population, now: now)
        // Profile 8's 5 orders define the F cut at 6; two more orders move it to 7.
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
