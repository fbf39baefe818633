/// A profile's stored RFM score.
public struct StoredRFM: Sendable, Equatable {
    public var profileID: Int64
    public var r: Int
    public var f: Int
    public var m: Int
    public var layer: String
    public var orderCount: Int
    public var totalAmount: Double
    public var lastOrderAt: Instant
    public var scoredAt: Instant

    public init(
        profileID: Int64, r: Int, f: Int, m: Int, layer: String, orderCount: Int, totalAmount: Double, lastOrderAt: Instant,
        scoredAt: Instant
    ) {
        self.profileID = profileID
        self.r = r
        self.f = f
        self.m = m
        self.layer = layer
        self.orderCount = orderCount
        self.totalAmount = totalAmount
        self.lastOrderAt = lastOrderAt
        self.scoredAt = scoredAt
    }

    public var cell: String { "\(r)\(f)\(m)" }
}

/// What a full run changes against the stored scores: the scores to rewrite, the profiles whose score or layer
/// moved (new and dropped ones included, for re-evaluating what reads them), the stored scores to drop (no order
/// left in the window), and a timeline entry for every layer change.
///
/// A score equal to the stored one is not rewritten, and only a change of R, F, M or layer counts as moved: a new
/// order that leaves the cell as it was updates the stored summary but wakes nothing.
public struct RFMRunChanges: Sendable {
    public var rewritten: [RFMRun.Scored] = []
    public var moved: [Int64] = []
    public var dropped: [Int64] = []
    public var layerEvents: [SystemEvent] = []

    /// - Parameters:
    ///   - stored: the stored score of a profile.
    ///   - storedIDs: every profile with a stored score; asked only when some were not scored by the run.
    public init(
        _ run: RFMRun, storedCount: Int, stored: (Int64) -> StoredRFM?, storedIDs: () -> [Int64], windowDays: Int
    ) {
        var kept = 0
        for scored in run.scored {
            let (summary, score, profile) = (scored.summary, scored.score, scored.profileID)
            let old = stored(profile)
            if let old {
                kept += 1
                if old.r == score.recency, old.f == score.frequency, old.m == score.monetary,
                    old.orderCount == summary.orderCount, old.lastOrderAt == summary.lastOrderAt
                {
                    continue
                }
            }
            rewritten.append(scored)
            if let old, (old.r, old.f, old.m, old.layer) == (score.recency, score.frequency, score.monetary, score.layer.id) {
                continue
            }
            moved.append(profile)
            if old?.layer != score.layer.id {
                layerEvents.append(.layerChanged(profile, from: old?.layer, to: score))
            }
        }
        // Every stored score the run kept was counted above; only when some were not is there anything to drop.
        if kept != storedCount {
            let scored = Set(run.scored.map(\.profileID))
            dropped = storedIDs().filter { !scored.contains($0) }
        }
        moved += dropped
        for profile in dropped {
            if let old = stored(profile) {
                layerEvents.append(.layerDropped(profile, from: old.layer, reason: "no order in the last \(windowDays) days"))
            }
        }
    }
}
