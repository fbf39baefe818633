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
    /// One scored profile: its order summary and the score it earned.
    public struct Scored: Sendable, Hashable {
        public var summary: OrderSummary
        public var score: RFMScore

        public init(summary: OrderSummary, score: RFMScore) {
            self.summary = summary
            self.score = score
        }

        public var profileID: Int64 { summary.profileID }
    }

    public var computedAt: Instant
    /// Nil only when quantile scoring had nobody to rank (no orders in the window at all).
    public var cutPoints: RFMCutPoints?
    /// In the order of the population the run was given. A list rather than a dictionary: a run over 800K buyers
    /// is mostly walked once by whoever stores it, and inserting every score into a hash table cost as much as
    /// scoring. Profiles without an order in the window are absent, not scored `111`.
    public var scored: [Scored]

    public init(computedAt: Instant, cutPoints: RFMCutPoints?, scored: [Scored]) {
        self.computedAt = computedAt
        self.cutPoints = cutPoints
        self.scored = scored
    }

    /// Scores keyed by profile id.
    public var scores: [Int64: RFMScore] {
        Dictionary(scored.map { ($0.profileID, $0.score) }, uniquingKeysWith: { first, _ in first })
    }

    /// Runs are equal when they give the same profiles the same scores, whatever order the population came in.
    public static func == (a: RFMRun, b: RFMRun) -> Bool {
        a.computedAt == b.computedAt && a.cutPoints == b.cutPoints && a.scores == b.scores
    }
}
