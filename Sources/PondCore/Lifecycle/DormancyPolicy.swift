/// How many days without activity make a customer dormant (沉默), adapted to how often the brand's customers buy.
///
/// A fixed N is wrong for almost every brand: 30 days of silence is alarming for a coffee chain whose customers buy
/// weekly and normal for a furniture brand. So N = clamp(⌈multiplier × median repurchase interval⌉, minimum,
/// maximum): "missed about two usual cycles". The median, not the mean, because a few customers who come back after
/// a year would otherwise drag N far out; the clamp keeps one odd month of data from producing a silly window.
/// The engine recomputes N on the same schedule as the full RFM run, from the intervals between consecutive orders
/// of the same customer (`RepurchaseInterval.intervals(between:)`) pooled over the workspace.
/// A fixed window is the special case `minimumDays == maximumDays` (`DormancyPolicy.fixed(days:)`).
public struct DormancyPolicy: Sendable, Equatable, Codable {
    public var multiplier: Double
    public var minimumDays: Int
    public var maximumDays: Int
    /// Used (clamped like any other value) while the workspace has no repeat purchases to measure.
    public var fallbackDays: Int

    public init(multiplier: Double = 2, minimumDays: Int = 14, maximumDays: Int = 120, fallbackDays: Int = 60) {
        self.multiplier = multiplier
        self.minimumDays = minimumDays
        self.maximumDays = maximumDays
        self.fallbackDays = fallbackDays
    }

    /// Always exactly `days`, whatever the brand's rhythm.
    public static func fixed(days: Int) -> DormancyPolicy {
        DormancyPolicy(multiplier: 1, minimumDays: days, maximumDays: days, fallbackDays: days)
    }

    /// N for a sample of repurchase intervals in days. Intervals that are negative or not finite are ignored.
    public func dormantAfterDays(repurchaseIntervalsInDays intervals: [Double]) -> Int {
        dormantAfterDays(medianIntervalDays: RepurchaseInterval.median(intervals))
    }

    /// N for a median repurchase interval already computed (in SQL, say); nil means "no repeat purchases yet".
    public func dormantAfterDays(medianIntervalDays median: Double?) -> Int {
        let unclamped: Int
        if let median, median.isFinite, median >= 0 {
            let days = (multiplier * median).rounded(.up)
            unclamped = days >= Double(maximumDays) ? maximumDays : Int(days)
        } else {
            unclamped = fallbackDays
        }
        return min(max(unclamped, minimumDays), maximumDays)
    }

    func validate(churnAfterDays: Int) throws(LifecycleConfigurationError) {
        guard multiplier.isFinite, multiplier > 0 else {
            throw LifecycleConfigurationError(
                .invalidDormancy, "multiplier must be a positive number, got \(multiplier)")
        }
        guard minimumDays >= 1, minimumDays <= maximumDays else {
            throw LifecycleConfigurationError(
                .invalidDormancy, "dormancy needs 1 ≤ minimumDays ≤ maximumDays, got \(minimumDays)…\(maximumDays)")
        }
        guard maximumDays < churnAfterDays else {
            throw LifecycleConfigurationError(
                .invalidChurnWindow,
                "churnAfterDays (\(churnAfterDays)) must exceed the longest dormancy window (\(maximumDays)) so that "
                    + "customers become dormant before they churn")
        }
    }
}

/// Time between consecutive orders of one customer, the measure of a brand's purchase rhythm.
public enum RepurchaseInterval {
    /// Days between consecutive orders (the times are sorted first); empty below two orders.
    public static func intervals(between orderTimes: [Instant]) -> [Double] {
        let sorted = orderTimes.sorted()
        return zip(sorted, sorted.dropFirst()).map {
            Double($1.millisecondsSinceEpoch - $0.millisecondsSinceEpoch) / 86_400_000
        }
    }

    /// The median of the usable values (finite, ≥ 0), averaging the middle two of an even count; nil if none.
    public static func median(_ values: [Double]) -> Double? {
        let sorted = values.filter { $0.isFinite && $0 >= 0 }.sorted()
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
