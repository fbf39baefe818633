import Testing

@testable import PondCore

/// Quintile scoring: percent rank at the mid-rank of each tie group, `1 + ⌊5 × (L + (E − 1) / 2) / (n − 1)⌋` where L
/// counts profiles with a strictly worse value and E those with the same one; the worst value present scores 1 and
/// the best 5, and a population where everybody ties scores 3.
@Suite("RFM quantile scoring")
struct RFMQuantileTests {
    let scorer: RFMScorer
    let now = RFMFixture.now

    init() throws { scorer = try RFMScorer() }

    @Test("five profiles with distinct values score 1 to 5 in every dimension, more recent scoring higher")
    func fiveDistinctProfiles() {
        let population = RFMFixture.population(
            daysAgo: [50, 40, 30, 20, 10], orders: [1, 2, 3, 4, 5], amounts: [10, 20, 30, 40, 50])
        let run = scorer.run(population, now: now)
        #expect(RFMFixture.cells(run) == [1: "111", 2: "222", 3: "333", 4: "444", 5: "555"])
        #expect(run.scores[1]?.layer == .lost)
        #expect(run.scores[5]?.layer == .champions)
    }

    @Test("equal values get equal scores at the mid-rank of their group, and the worst value present scores 1")
    func tiesShareTheirMidRank() throws {
        // Six one-time buyers (the worst value: F1), two with 2 orders at ranks 6–7 (mid-rank 6.5 of n − 1 = 9:
        // 1 + ⌊5 × 6.5 / 9⌋ = 4), then 3 orders (rank 8: 5) and 5 (the best value: 5).
        let orders = [1, 1, 1, 1, 1, 1, 2, 2, 3, 5]
        let population = RFMFixture.population(
            daysAgo: Array(repeating: 10, count: 10), orders: orders, amounts: Array(repeating: 100, count: 10))
        let run = scorer.run(population, now: now)
        let frequency = (1...10).map { run.scores[Int64($0)]?.frequency }
        #expect(frequency == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5])
        // Everyone ties on R and M, so everyone gets the middle score there.
        #expect(run.scores.values.allSatisfy { $0.recency == 3 && $0.monetary == 3 })
        // The cut points say the same: a second order jumps straight from F1 to F4.
        #expect(try #require(run.cutPoints).orderCounts == [2, 2, 2, 3])
    }

    @Test("five customers who all ordered within the last minute are not scored R1 or filed as lost")
    func firstBuyersAreNotLost() throws {
        // The hardening issue: a brand's first five buyers all got r = 1, 已流失, from cut points [-1, -1, -1, -1].
        let population = [99.0, 199, 59, 299, 129].enumerated().map { index, amount in
            RFMFixture.summary(Int64(index + 1), daysAgo: 0, orders: 1, amount: amount, extraMs: Int64(index) * 10_000)
        }
        let run = scorer.run(population, now: now)
        #expect(run.scores.count == 5)
        for score in run.scores.values {
            #expect(score.recency == 3, "nobody is more or less recent than anybody: the middle score")
            #expect(score.frequency == 3)
            #expect(score.layer != .lost)
            #expect(score.layer == .needAttention)
        }
        // R4 and R5 wait for someone more recent than today, which nobody can be; R3 is reached today.
        #expect(try #require(run.cutPoints).recencyDays == [-1, -1, 0, 0])
        #expect((1...5).map { run.scores[Int64($0)]?.monetary } == [2, 4, 1, 5, 3])
    }

    @Test("recency is counted in whole days, so orders on the same day tie")
    func recencyInWholeDays() {
        let population = [
            RFMFixture.summary(1, daysAgo: 3, orders: 1, amount: 10),
            RFMFixture.summary(2, daysAgo: 3, orders: 1, amount: 10, extraMs: 86_400_000 - 1),
            RFMFixture.summary(3, daysAgo: 4, orders: 1, amount: 10),
        ]
        let run = scorer.run(population, now: now)
        #expect(run.scores[1]?.recency == run.scores[2]?.recency)
        #expect(run.scores[3]?.recency == 1)
        #expect(run.scores[1]?.recency == 5)  // the two orders of 3 days ago tie as the most recent
    }

    @Test("amounts are compared to the cent")
    func amountsToTheCent() {
        let population = RFMFixture.population(
            daysAgo: [1, 1, 1, 1], orders: [1, 1, 1, 1], amounts: [99.999, 100.0, 100.004, 100.01])
        let run = scorer.run(population, now: now)
        #expect((1...4).map { run.scores[Int64($0)]?.monetary } == [1, 1, 1, 5])
    }

    @Test("a population of one has nobody to outrank or be outranked by and scores the middle, 333")
    func singleProfile() {
        let run = scorer.run([RFMFixture.summary(1, daysAgo: 0, orders: 3, amount: 500)], now: now)
        #expect(RFMFixture.cells(run) == [1: "333"])
    }

    @Test("of two profiles the better one scores 5 and the worse 1 in each dimension; equal ones both score 3")
    func twoProfiles() {
        let split = scorer.run(
            RFMFixture.population(daysAgo: [5, 60], orders: [1, 4], amounts: [300, 200]), now: now)
        #expect(RFMFixture.cells(split) == [1: "515", 2: "151"])
        let tied = scorer.run(RFMFixture.population(daysAgo: [5, 5], orders: [2, 2], amounts: [80, 80]), now: now)
        #expect(RFMFixture.cells(tied) == [1: "333", 2: "333"])
    }

    @Test("nobody with an order in the window means no cut points and no scores")
    func emptyPopulation() {
        let run = scorer.run([], now: now)
        #expect(run.cutPoints == nil)
        #expect(run.scores.isEmpty)
    }

    @Test("the order in which the store returns rows does not change any score")
    func orderIndependent() {
        var random = SplitMix64(seed: 7)
        let population = (1...200).map {
            RFMFixture.summary(
                Int64($0), daysAgo: Int.random(in: 0...364, using: &random),
                orders: Int.random(in: 1...6, using: &random),
                amount: Double(Int.random(in: 1...50, using: &random)) * 10)
        }
        let run = scorer.run(population, now: now)
        for _ in 0..<5 {
            #expect(scorer.run(population.shuffled(using: &random), now: now) == run)
        }
    }

    @Test("selection finds the same order statistics as sorting, ties, sorted and reversed input included")
    func orderStatisticsMatchSorting() {
        var random = SplitMix64(seed: 20_261_201)
        for round in 0..<200 {
            let n = Int.random(in: 1...5_000, using: &random)
            let spread = [1, 3, 50, 1_000_000].randomElement(using: &random)!
            var values = (0..<n).map { _ in Int64(Int.random(in: -spread...spread, using: &random)) }
            if round % 10 == 0 { values.sort() }
            if round % 10 == 1 { values.sort(by: >) }
            let positions = (0..<Int.random(in: 1...8, using: &random)).map { _ in Int.random(in: 0..<n, using: &random) }.sorted()
            let sorted = values.sorted()
            #expect(RFMCutPoints.orderStatistics(values, at: positions) == positions.map { sorted[$0] }, "round \(round)")
        }
    }
}
