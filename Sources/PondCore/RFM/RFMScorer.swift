/// Scores profiles' order summaries into R, F and M and names their layer.
///
/// Two ways to use it, matching how the store keeps scores fresh:
/// - `run(_:now:)` on a schedule (nightly): ranks the whole population, returns every score and the cut points;
/// - `score(_:against:now:)` when a profile places an order in between: scores that one profile against the last
///   run's cut points. The rest of the population keeps its stored scores until the next run, and a profile scored
///   this way gets exactly what a full run would give it as long as its values do not move the cut points, and a
///   first-time buyer gets what a full run with it added would give it wherever no member has its value (see
///   `RFMCutPoints.quantiles`); with threshold scoring the cut points never move, so the two always agree.
public struct RFMScorer: Sendable {
    public let configuration: RFMConfiguration
    /// The layer of every cell in (r, f, m) order, so scoring a million profiles does no rule matching.
    private let layerTable: [RFMLayer]

    /// Refuses an invalid configuration (see `RFMConfiguration.validate`), so every cell has a layer.
    public init(configuration: RFMConfiguration = RFMConfiguration()) throws(RFMConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        let scale = configuration.scoring.scale
        layerTable = RFMLayerMap.cells(scale: scale).compactMap {
            configuration.layers.layer(r: $0.r, f: $0.f, m: $0.m)
        }
        precondition(layerTable.count == scale * scale * scale, "validation guarantees a layer for every cell")
    }

    /// Scores everyone with an order in the window. Profiles whose summary is outside the window or empty are
    /// left out of the ranking and of the result.
    public func run(_ population: [OrderSummary], now: Instant) -> RFMRun {
        let eligible = population.filter { isInWindow($0, now: now) }
        guard let cutPoints = cutPoints(forEligible: eligible, now: now) else {
            return RFMRun(computedAt: now, cutPoints: nil, scored: [])
        }
        return RFMRun(
            computedAt: now, cutPoints: cutPoints,
            scored: eligible.map { RFMRun.Scored(summary: $0, score: score($0, cutPoints: cutPoints, now: now)) })
    }

    /// The cut points a full run at `now` would use: ranked from the population for quantiles, the brand's own for
    /// thresholds. Nil when quantile scoring has nobody in the window to rank.
    public func cutPoints(for population: [OrderSummary], now: Instant) -> RFMCutPoints? {
        cutPoints(forEligible: population.filter { isInWindow($0, now: now) }, now: now)
    }

    /// One profile against cut points from an earlier run (incremental re-scoring). Nil when the profile has no
    /// order in the window. Cut points from a run under a different scale should have been replaced by a full run
    /// when the configuration changed; if they were not, scores are capped at the current scale.
    public func score(_ summary: OrderSummary, against cutPoints: RFMCutPoints, now: Instant) -> RFMScore? {
        guard isInWindow(summary, now: now) else { return nil }
        return score(summary, cutPoints: cutPoints, now: now)
    }

    /// Whole days from the last order to `now`, rounded down; an order stamped in the future counts as today.
    public static func daysSinceLastOrder(_ summary: OrderSummary, now: Instant) -> Int {
        let elapsed = now.millisecondsSinceEpoch - summary.lastOrderAt.millisecondsSinceEpoch
        return elapsed <= 0 ? 0 : Int(elapsed / 86_400_000)
    }

    /// An order exactly `windowDays` days old still counts; one millisecond older does not.
    private func isInWindow(_ summary: OrderSummary, now: Instant) -> Bool {
        summary.orderCount > 0 && summary.lastOrderAt >= now.adding(days: -configuration.windowDays)
    }

    private func cutPoints(forEligible eligible: [OrderSummary], now: Instant) -> RFMCutPoints? {
        switch configuration.scoring {
        case .quantiles(let buckets): return RFMCutPoints.quantiles(of: eligible, buckets: buckets, now: now)
        case .thresholds(let r, let f, let m): return RFMCutPoints(recencyDays: r, orderCounts: f, amounts: m)
        }
    }

    private func score(_ summary: OrderSummary, cutPoints: RFMCutPoints, now: Instant) -> RFMScore {
        let scale = configuration.scoring.scale
        let r = min(scale, cutPoints.recencyScore(daysSinceLastOrder: Self.daysSinceLastOrder(summary, now: now)))
        let f = min(scale, cutPoints.frequencyScore(orderCount: summary.orderCount))
        let m = min(scale, cutPoints.monetaryScore(totalAmount: summary.totalAmount))
        let layer = layerTable[((r - 1) * scale + (f - 1)) * scale + (m - 1)]
        return RFMScore(recency: r, frequency: f, monetary: m, layer: layer)
    }
}
