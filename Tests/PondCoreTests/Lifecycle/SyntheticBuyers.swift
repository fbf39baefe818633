import Foundation
import PondCore

/// A seeded synthetic population of buyers, for judging churn-risk scores where the truth is known.
///
/// Each buyer has a personal rhythm and a hidden moment when they stop buying:
/// - first order on a random day of the first 480; then gaps drawn from a gamma distribution around a personal mean
///   (log-normal across buyers, median 35 days, a few days to most of a year) with personal regularity;
/// - a lifetime after which they stop for good (exponential, mean 365 days); over roughly three of their own
///   cycles before that, gaps stretch by a personal factor of 1.3–2.5 and visits thin out in the same way — the
///   drift that precedes most real churn;
/// - between orders, visits (page views, chats) as a Poisson process a few times more frequent than their orders,
///   which end a few days after they stop buying; 30 % buy offline only and leave no visits.
/// Observation is at day 540 with a 90-day horizon: a buyer is labelled churned when no order falls in days
/// 540–630, exactly the label `ChurnExample.observed` gives a real workspace.
struct SyntheticBuyers {
    struct Buyer {
        var orderTimes: [Instant]
        var activityTimes: [Instant]
        /// When the buyer stopped for good (may lie after the simulated period).
        var stopsAt: Instant
    }

    static let origin = Instant(millisecondsSinceEpoch: 1_735_689_600_000)  // 2025-01-01T00:00:00Z
    static let cutoff = origin.adding(days: 540)
    static let horizonDays = 90

    var buyers: [Buyer]

    init(count: Int, seed: UInt64) {
        var random = Draw(seed: seed)
        let end = 540.0 + Double(Self.horizonDays)
        buyers = (0..<count).map { _ in
            let firstOrder = random.uniform(0, 480)
            let rhythm = min(240, max(4, exp(log(35) + 0.7 * random.normal())))
            let regularity = random.uniform(1.5, 5)
            let stops = firstOrder + random.exponential(mean: 365)
            let drift = random.uniform(1.3, 2.5)
            let driftStarts = stops - 3 * rhythm
            var orders: [Double] = []
            var t = firstOrder
            while t < min(stops, end) {
                orders.append(t)
                t += random.gamma(shape: regularity, mean: rhythm) * (t >= driftStarts ? drift : 1)
            }
            var visits: [Double] = []
            if random.uniform(0, 1) >= 0.3 {
                let visitGap = rhythm * random.uniform(0.15, 0.6)
                let lastVisit = min(end, stops + random.exponential(mean: 7))
                var v = firstOrder + random.exponential(mean: visitGap)
                while v < lastVisit {
                    visits.append(v)
                    v += random.exponential(mean: visitGap * (v >= driftStarts ? drift : 1))
                }
            }
            func instant(_ day: Double) -> Instant { Self.origin.adding(milliseconds: Int64(day * 86_400_000)) }
            return Buyer(orderTimes: orders.map(instant), activityTimes: visits.map(instant), stopsAt: instant(stops))
        }
    }

    /// Labelled examples at the cutoff, for buyers who had ordered by then.
    func examples(typicalIntervalDays: Double) -> [ChurnExample] {
        buyers.compactMap {
            ChurnExample.observed(
                orderTimes: $0.orderTimes, activityTimes: $0.activityTimes, cutoff: Self.cutoff,
                horizonDays: Self.horizonDays, typicalIntervalDays: typicalIntervalDays)
        }
    }

    /// The workspace's median repurchase interval as it could be measured at the cutoff.
    var typicalIntervalDays: Double {
        let intervals = buyers.flatMap {
            RepurchaseInterval.intervals(between: $0.orderTimes.filter { $0 <= Self.cutoff })
        }
        return RepurchaseInterval.median(intervals) ?? 30
    }
}

/// Random draws from the seeded `SplitMix64`, with the few distributions the simulation needs. Uniforms are built
/// from the top 53 bits directly so that a seed gives the same population on every platform.
struct Draw {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(generator.next() >> 11) * 0x1p-53
    }

    mutating func exponential(mean: Double) -> Double { -mean * log(1 - uniform(0, 1)) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = 1 - uniform(0, 1)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform(0, 1))
    }

    /// Gamma with the given shape (≥ 1) and mean (Marsaglia–Tsang).
    mutating func gamma(shape: Double, mean: Double) -> Double {
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal()
            let v = pow(1 + c * x, 3)
            guard v > 0 else { continue }
            if log(uniform(0, 1)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v * mean / shape }
        }
    }
}
