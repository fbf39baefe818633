/// One profile's RFM scores, each from 1 (worst) to the configured scale (best), and the layer its cell maps to.
public struct RFMScore: Sendable, Hashable, Codable {
    /// Higher means a more recent last order.
    public var recency: Int
    /// Higher means more orders in the window.
    public var frequency: Int
    /// Higher means a larger total amount in the window.
    public var monetary: Int
    public var layer: RFMLayer

    public init(recency: Int, frequency: Int, monetary: Int, layer: RFMLayer) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
        self.layer = layer
    }

    /// The cell as operators write it: R, F and M digits, "545".
    public var cell: String { "\(recency)\(frequency)\(monetary)" }
}

/// The outcome of a full run: every scored profile, and the cut points to score profiles against until the next run.
public struct RFMRun: Sendable, Equatable {
    public var computedAt: Instant
    /// Nil only when quantile scoring had nobody to rank (no orders in the window at all).
    public var cutPoints: RFMCutPoints?
    /// Keyed by profile id. Profiles without an order in the window are absent, not scored `111`.
    public var scores: [Int64: RFMScore]

    public init(computedAt: Instant, cutPoints: RFMCutPoints?, scores: [Int64: RFMScore]) {
        self.computedAt = computedAt
        self.cutPoints = cutPoints
        self.scores = scores
    }
}
