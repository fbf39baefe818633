/// How raw recency, frequency and monetary values become scores from 1 (worst) to `scale` (best).
public enum RFMScoring: Sendable, Equatable, Codable {
    /// Relative scoring: each profile is ranked against everyone with an order in the window, and the population is
    /// split into `buckets` equal slices (quintiles for 5). Scores follow the brand as it grows, but they only say
    /// "better than most", never "good": if customers ordered on two different days, those of the earlier day get
    /// R = 1, and if every customer ordered the same day they all get the middle score, not the top.
    /// The method (percent rank, ties sharing the mid-rank of their group) is described on `RFMCutPoints.quantiles`.
    case quantiles(buckets: Int)

    /// Absolute scoring with the brand's own cut points, one per step above 1 (four for 5-point scores):
    /// - `r`: the most whole days since the last order that still earn a step. `[30, 90, 180, 365]` scores an
    ///   order 30 days ago 5, 31 days ago 4, …, 366 days ago 1.
    /// - `f`: the fewest orders that earn a step. `[2, 3, 5, 10]` scores 1 order 1, 2 orders 2, 10 or more 5.
    /// - `m`: the smallest total amount (currency units, compared to the cent) that earns a step.
    /// Each list is strictly increasing and all three have the same length.
    case thresholds(r: [Int], f: [Int], m: [Double])

    /// Five equal slices: the usual RFM quintiles.
    public static let quintiles = RFMScoring.quantiles(buckets: 5)

    /// The best score (and the number of distinct scores): 5 for quintiles or four thresholds per dimension.
    public var scale: Int {
        switch self {
        case .quantiles(let buckets): return buckets
        case .thresholds(let r, _, _): return r.count + 1
        }
    }

    /// Scores are written as single digits in an RFM cell ("545"), so a scale runs from 2 to 9.
    public static let scaleRange = 2...9

    func validate() throws(RFMConfigurationError) {
        switch self {
        case .quantiles(let buckets):
            guard Self.scaleRange.contains(buckets) else {
                throw RFMConfigurationError(.invalidBuckets, "quantile buckets must be 2…9, got \(buckets)")
            }
        case .thresholds(let r, let f, let m):
            guard r.count == f.count, f.count == m.count else {
                throw RFMConfigurationError(
                    .invalidThresholds,
                    "r, f and m need the same number of thresholds, got \(r.count), \(f.count) and \(m.count)")
            }
            guard Self.scaleRange.contains(r.count + 1) else {
                throw RFMConfigurationError(.invalidThresholds, "each dimension needs 1…8 thresholds, got \(r.count)")
            }
            func increasing<T: Comparable>(_ values: [T]) -> Bool { zip(values, values.dropFirst()).allSatisfy(<) }
            guard r.allSatisfy({ $0 >= 0 }), increasing(r) else {
                throw RFMConfigurationError(.invalidThresholds, "r must be strictly increasing days ≥ 0, got \(r)")
            }
            guard f.allSatisfy({ $0 >= 1 }), increasing(f) else {
                throw RFMConfigurationError(
                    .invalidThresholds, "f must be strictly increasing order counts ≥ 1, got \(f)")
            }
            guard m.allSatisfy(\.isFinite), increasing(m.map(RFMCutPoints.cents)) else {
                throw RFMConfigurationError(
                    .invalidThresholds, "m must be strictly increasing amounts (to the cent), got \(m)")
            }
        }
    }
}
