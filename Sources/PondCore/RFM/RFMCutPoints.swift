/// Where each score starts, per dimension: the result of ranking a population once, or a brand's fixed thresholds.
///
/// A full run ranks every profile and keeps these; between runs a profile with a new order is scored against them
/// alone (`RFMScorer.score(_:against:now:)`), which costs nothing and gives exactly the score the full run would
/// have given a profile with those values. Scoring *is* "count the cut points reached" in both cases, so a full
/// run and an incremental re-score cannot disagree about the same values against the same cut points.
///
/// Each list holds one entry per step above 1, sorted ascending; score = 1 + the number of entries reached:
/// - `recencyDays`: the most whole days since the last order that still earn the step (reached when days ≤ entry);
/// - `orderCounts`: the fewest orders that earn the step (reached when orders ≥ entry);
/// - `amounts`: the smallest total amount that earns the step, compared to the cent (reached when amount ≥ entry).
public struct RFMCutPoints: Sendable, Hashable, Codable {
    public var recencyDays: [Int]
    public var orderCounts: [Int]
    public var amounts: [Double]

    public init(recencyDays: [Int], orderCounts: [Int], amounts: [Double]) {
        self.recencyDays = recencyDays.sorted()
        self.orderCounts = orderCounts.sorted()
        self.amounts = amounts.sorted()
    }

    /// The best score these cut points can give.
    public var scale: Int { recencyDays.count + 1 }

    public func recencyScore(daysSinceLastOrder days: Int) -> Int { 1 + recencyDays.count { days <= $0 } }

    public func frequencyScore(orderCount: Int) -> Int { 1 + orderCounts.count { orderCount >= $0 } }

    public func monetaryScore(totalAmount: Double) -> Int {
        let cents = Self.cents(totalAmount)
        return 1 + amounts.count { cents >= Self.cents($0) }
    }

    /// Cut points that split `population` into `buckets` slices per dimension.
    ///
    /// Method: percent rank with ties to the lower score. For a dimension, let L be the number of profiles with a
    /// strictly worse value and n the population size; the score is `min(buckets, 1 + ⌊buckets × L / (n − 1)⌋)`.
    /// - Equal values always get equal scores, and a tie takes the lowest score its group could have: the 70 % of
    ///   customers with a single order all get F = 1 instead of being spread over F 1–3 by an arbitrary tiebreak.
    ///   Runs are therefore deterministic whatever order the store returns rows in.
    /// - The best profile of a population of two or more always gets the top score and the worst always gets 1;
    ///   with n distinct values the slices are as even as n allows (5 profiles → 1, 2, 3, 4, 5).
    /// - A population of one has nobody to outrank and scores 1, the same as a population where everybody ties.
    ///   Below a few hundred buyers relative scores are noisy; such brands should use `.thresholds`.
    ///
    /// The cut point of step k + 1 is the value just above the one at sorted position ⌈k × (n − 1) / buckets⌉
    /// (1-based, at least 1), which reproduces the formula exactly for every member and places any new value by
    /// how many members it beats. Values are compared as whole days, order counts and cents.
    /// Returns nil for an empty population: there is nothing to rank against.
    public static func quantiles(of population: [OrderSummary], buckets: Int, now: Instant) -> RFMCutPoints? {
        guard !population.isEmpty, buckets >= 2 else { return nil }
        // Each dimension is ranked as "higher is better": recency as minus the days since the last order.
        let recency = lowestValuesEarningEachStep(
            population.map { -Int64(RFMScorer.daysSinceLastOrder($0, now: now)) }, buckets: buckets)
        let frequency = lowestValuesEarningEachStep(population.map { Int64($0.orderCount) }, buckets: buckets)
        let monetary = lowestValuesEarningEachStep(population.map { cents($0.totalAmount) }, buckets: buckets)
        return RFMCutPoints(
            recencyDays: recency.map { Int(-$0) }, orderCounts: frequency.map { Int($0) },
            amounts: monetary.map { Double($0) / 100 })
    }

    /// For k = 1 … buckets − 1: the lowest integer value whose percent rank (ties low) earns score k + 1.
    static func lowestValuesEarningEachStep(_ values: [Int64], buckets: Int) -> [Int64] {
        let n = values.count
        let positions = (1..<buckets).map { k in
            // Beating m members earns the step: B × m / (n − 1) ≥ k ⇔ m ≥ ⌈k(n − 1) / B⌉. With n = 1 that bound is
            // 0, which would hand the lone profile the top score; requiring one member beaten keeps "ties low".
            max(1, (k * (n - 1) + buckets - 1) / buckets) - 1
        }
        return orderStatistics(values, at: positions).map { $0 + 1 }
    }

    /// `values.sorted()[p]` for each of `positions` (ascending), without sorting: a full run needs four order
    /// statistics of 800K values per dimension, and selection finds them in linear expected time.
    ///
    /// Quickselect with three-way partitioning, because RFM values tie massively (most buyers have one order);
    /// a range that fails to shrink after many rounds is sorted instead, so no input is quadratic.
    static func orderStatistics(_ values: [Int64], at positions: [Int]) -> [Int64] {
        var a = values
        var lower = 0
        return positions.map { k in
            var (lo, hi, rounds) = (lower, a.count, 0)
            lower = k
            while true {
                rounds += 1
                if hi - lo <= 32 || rounds > 64 {
                    a[lo..<hi].sort()
                    return a[k]
                }
                let pivot = median(a[lo], a[lo + (hi - lo) / 2], a[hi - 1])
                var (less, index, greater) = (lo, lo, hi)
                while index < greater {
                    if a[index] < pivot {
                        a.swapAt(less, index)
                        less += 1
                        index += 1
                    } else if a[index] > pivot {
                        greater -= 1
                        a.swapAt(index, greater)
                    } else {
                        index += 1
                    }
                }
                if k < less {
                    hi = less
                } else if k >= greater {
                    lo = greater
                } else {
                    return pivot
                }
            }
        }
    }

    private static func median(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 { max(min(a, b), min(max(a, b), c)) }

    /// An amount as whole cents (分), so that 99.999 and 100.00 tie instead of ranking apart on float noise.
    /// Clamped far beyond any real order total so that garbage input cannot trap the conversion.
    static func cents(_ amount: Double) -> Int64 {
        guard amount.isFinite else { return amount > 0 ? limit : -limit }
        let scaled = (amount * 100).rounded()
        return Int64(min(max(scaled, -Double(limit)), Double(limit)))
    }

    private static let limit: Int64 = 1 << 53
}
