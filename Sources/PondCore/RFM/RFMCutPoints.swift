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
    /// Method: percent rank at the mid-rank of each tie group. For a dimension, let n be the population size, L the
    /// number of profiles with a strictly worse value and E the number with the same value (itself included); the
    /// tie group spans ranks L … L + E − 1 and shares their average, so the score is
    /// `1 + ⌊buckets × (L + (E − 1) / 2) / (n − 1)⌋`, computed as `1 + ⌊buckets × (2L + E − 1) / (2(n − 1))⌋` in
    /// integers so that no boundary moves on float noise.
    /// - Equal values always get equal scores, and a strictly better value never scores lower. A tie neither
    ///   sinks to the lowest score its group could have nor climbs to the highest: the day's 100 first buyers of a
    ///   new brand are not all "lost" because none of them outranks another. Runs are therefore deterministic
    ///   whatever order the store returns rows in.
    /// - With two or more distinct values the worst value present scores 1 and the best scores `buckets`, however
    ///   large their tie groups. Scores are relative, so 1 and `buckets` mean "worst" and "best of this population";
    ///   the mid-rank alone would hand the 70–90 % of customers with a single order F = 2 or 3, leaving the
    ///   standard map's 新用户 (R = 5, F = 1) empty and filing one-time buyers who left under 流失风险 ("used to buy
    ///   often"), and would deny the day's many buyers R = 5 after a big promotion. Everybody else gets the formula,
    ///   which for distinct values gives slices as even as n allows (5 profiles → 1, 2, 3, 4, 5).
    /// - When everybody ties (a population of one included) nobody is better or worse than anybody: the whole
    ///   population is one tie group at percent rank ½, and everyone gets `1 + ⌊buckets / 2⌋`, the formula's own
    ///   value for that group (3 of 5; for an even scale the upper of the two middle scores, so that 2 buckets do
    ///   not give everyone the worst). Relative scores cannot say more than "average" until someone differs;
    ///   below a few hundred buyers they are noisy, and such brands should use `.thresholds`.
    ///
    /// The cut point of step k + 1 is the lowest value that earns k + 1, which reproduces the rule exactly for every
    /// member. A value that no member has earns what it would score as one more member of the population: between
    /// two members that is `1 + ⌊buckets × L / n⌋`, which lies between their scores; below everyone it is 1 and above
    /// everyone `buckets`, including above a population that ties. So a first order placed between two runs scores
    /// exactly what a full run with that buyer would give it, in each dimension where no member has its value; where
    /// one does, it scores what that member scored, and joining the tie group shifts the group's mid-rank by half a
    /// place, which the next full run takes into account. Values are compared as whole days, order counts and cents.
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

    /// For k = 1 … buckets − 1: the lowest integer value that earns score k + 1 under the rule of `quantiles`.
    ///
    /// Found by selection rather than by sorting (a full run ranks 800K values per dimension), from facts about
    /// sorted positions (0-based). A tie group spanning positions first … last earns k + 1 when first + last ≥ T,
    /// with T = ⌈2k(n − 1) / buckets⌉; groups ending before position ⌊T / 2⌋ cannot, and the group after the one
    /// holding it always can, so the lowest member value is that group's value or the next one up. A value just
    /// above the group ending at `last` earns `1 + ⌊buckets × (last + 1) / n⌋` as a newcomer (or is a member that
    /// earns at least that), so the lowest such value sits just above the value at position p = ⌈kn / buckets⌉ − 1.
    /// Both ⌊T / 2⌋ and p lie within one place of kn / buckets, so p is inside the group found for the member or
    /// next to it: one order statistic and one counting pass per step.
    static func lowestValuesEarningEachStep(_ values: [Int64], buckets: Int) -> [Int64] {
        guard let lowest = values.min(), let highest = values.max() else { return [] }
        let steps = 1..<buckets
        guard lowest != highest else {
            let middle = 1 + buckets / 2
            return steps.map { $0 + 1 <= middle ? lowest : justAbove(lowest) }
        }
        let n = values.count
        let rankSums = steps.map { k in (2 * k * (n - 1) + buckets - 1) / buckets }
        let candidates = orderStatistics(values, at: rankSums.map { $0 / 2 })
        // Candidates ascend with k and heavy ties repeat them, so one pass per distinct candidate is enough.
        var group: TieGroup?
        return zip(steps, zip(candidates, rankSums)).map { k, found in
            let (candidate, rankSum) = found
            if group?.value != candidate { group = TieGroup(of: candidate, in: values) }
            let tie = group!
            let lowestMember: Int64
            if candidate == highest {
                lowestMember = highest  // the best value always earns the top score
            } else if candidate != lowest && tie.first + tie.last >= rankSum {
                lowestMember = candidate
            } else {
                lowestMember = tie.next  // the worst value always scores 1, so it never starts a step
            }
            let newcomerPosition = (k * n + buckets - 1) / buckets - 1
            let belowNewcomer =
                newcomerPosition < tie.first ? tie.previous : newcomerPosition > tie.last ? tie.next : candidate
            return min(lowestMember, justAbove(belowNewcomer))
        }
    }

    /// Where a value's tie group sits in the sorted population, and its neighbours; counted in one pass.
    private struct TieGroup {
        let value: Int64
        var first = 0
        var last = -1
        /// The highest value below the group; `Int64.min` when nothing is below it.
        var previous = Int64.min
        /// The lowest value above the group; `Int64.max` when nothing is above it.
        var next = Int64.max

        init(of value: Int64, in values: [Int64]) {
            self.value = value
            var equal = 0
            for other in values {
                if other < value {
                    first += 1
                    previous = max(previous, other)
                } else if other == value {
                    equal += 1
                } else {
                    next = min(next, other)
                }
            }
            last = first + equal - 1
        }
    }

    /// The next integer value, saturating so that garbage cannot trap: only an order count could be `Int64.max`.
    private static func justAbove(_ value: Int64) -> Int64 { value == .max ? value : value + 1 }

    /// `values.sorted()[p]` for each of `positions` (ascending), without sorting: a full run needs one order
    /// statistic per step of 800K values per dimension, and selection finds them in linear expected time.
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
