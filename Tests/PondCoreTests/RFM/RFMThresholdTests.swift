import Testing

@testable import PondCore

@Suite("RFM threshold scoring and the window")
struct RFMThresholdTests {
    let now = RFMFixture.now

    /// Two-year window so that R = 1 (more than 365 days) is reachable.
    func scorer(windowDays: Int = 730) throws -> RFMScorer {
        try RFMScorer(configuration: RFMConfiguration(
            windowDays: windowDays,
            scoring: .thresholds(r: [30, 90, 180, 365], f: [2, 3, 5, 10], m: [100, 500, 1000, 5000])))
    }

    @Test("R counts the thresholds of days the last order is within: 30 days is 5, 31 is 4, 366 is 1")
    func recencyThresholds() throws {
        let scorer = try scorer()
        let days = [0, 30, 31, 90, 91, 365, 366]
        let population = days.enumerated().map { RFMFixture.summary(Int64($0), daysAgo: $1, orders: 1, amount: 0) }
        let run = scorer.run(population, now: now)
        #expect((0..<days.count).map { run.scores[Int64($0)]?.recency } == [5, 5, 4, 4, 3, 2, 1])
    }

    @Test("F and M count the thresholds reached: 2 orders is F2, 10 is F5; ¥99.99 is M1, ¥100 is M2")
    func frequencyAndMonetaryThresholds() throws {
        let scorer = try scorer()
        let rows: [(orders: Int, amount: Double)] = [
            (1, 99.99), (2, 100), (4, 499.99), (5, 1000), (10, 5000), (30, 80_000),
        ]
        let population = rows.enumerated().map {
            RFMFixture.summary(Int64($0), daysAgo: 1, orders: $1.orders, amount: $1.amount)
        }
        let run = scorer.run(population, now: now)
        #expect((0..<rows.count).map { run.scores[Int64($0)]?.frequency } == [1, 2, 3, 4, 5, 5])
        #expect((0..<rows.count).map { run.scores[Int64($0)]?.monetary } == [1, 2, 2, 4, 5, 5])
    }

    @Test("threshold scores do not depend on who else is in the population")
    func thresholdsAreAbsolute() throws {
        let scorer = try scorer()
        let alone = scorer.run([RFMFixture.summary(1, daysAgo: 40, orders: 3, amount: 700)], now: now)
        let crowd = scorer.run(
            [RFMFixture.summary(1, daysAgo: 40, orders: 3, amount: 700)]
                + (2...50).map { RFMFixture.summary(Int64($0), daysAgo: 1, orders: 20, amount: 9_000) }, now: now)
        #expect(alone.scores[1] == crowd.scores[1])
        #expect(alone.scores[1]?.cell == "433")
    }

    @Test("an order exactly at the window's edge counts; one millisecond older does not")
    func windowEdge() throws {
        let scorer = try scorer(windowDays: 365)
        let run = scorer.run([
            RFMFixture.summary(1, daysAgo: 365, orders: 2, amount: 100),
            RFMFixture.summary(2, daysAgo: 365, orders: 2, amount: 100, extraMs: 1),
        ], now: now)
        #expect(run.scores.keys.sorted() == [1])
    }

    @Test("profiles without orders get no score and do not count in the ranking")
    func noOrdersNoScore() throws {
        let quintiles = try RFMScorer()
        let buyers = RFMFixture.population(daysAgo: [5, 60], orders: [1, 4], amounts: [300, 200])
        let withEmpty = buyers + [
            RFMFixture.summary(3, daysAgo: 1, orders: 0, amount: 0),
            RFMFixture.summary(4, daysAgo: 400, orders: 9, amount: 9_000),
        ]
        let run = quintiles.run(withEmpty, now: now)
        #expect(run == quintiles.run(buyers, now: now))
        #expect(run.scores[3] == nil && run.scores[4] == nil)
    }

    @Test("a threshold run has cut points even when nobody bought, for incremental scoring of the first buyer")
    func thresholdCutPointsWithoutBuyers() throws {
        let scorer = try scorer()
        let run = scorer.run([], now: now)
        let first = scorer.score(
            RFMFixture.summary(1, daysAgo: 0, orders: 1, amount: 120), against: try #require(run.cutPoints), now: now)
        #expect(first?.cell == "512")
        #expect(first?.layer == .new)
    }
}
