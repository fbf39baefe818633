import PondCore

/// The durable queue of profiles whose tags, RFM score, lifecycle stage and segment memberships need another look.
///
/// Whatever changes a profile — stitching new events onto it, a merge or unmerge, a manual tag — queues its cluster
/// root in the same transaction as the change. The intelligence worker drains the queue; an entry is removed only
/// by the transaction that applies its results, and only if nobody queued the profile again meanwhile, so a crash
/// or a concurrent change can delay an update but never lose it.
extension Store {
    public struct QueuedProfile: Sendable, Hashable {
        public var workspaceID: String
        public var profileID: Int64
        /// Identifies this queueing of the profile: every re-queue changes it (it only grows), and an entry is only
        /// removed if it is still the one that was read.
        public var queuedAt: Int64
    }

    static func queueProfileWork(_ db: any SQLExecutor, _ workspaceID: String, _ roots: some Collection<Int64>, at: Instant)
        async throws
    {
        guard !roots.isEmpty else { return }
        try await db.executeMany(
            """
            INSERT INTO profile_work (workspace_id, profile_id, queued_at) VALUES (?, ?, ?)
            ON CONFLICT (workspace_id, profile_id) DO UPDATE SET queued_at = CASE
                WHEN excluded.queued_at > profile_work.queued_at THEN excluded.queued_at
                ELSE profile_work.queued_at + 1 END
            """, roots.sorted().map { [.text(workspaceID), .int($0), at.sql] })
    }

    /// The oldest queued profiles, without claiming them: results are applied by `applyProfileUpdates`, which drops
    /// an entry only if it was not re-queued in between.
    public func queuedProfiles(limit: Int) async throws -> [QueuedProfile] {
        try await database.read { db in
            try await db.query(
                "SELECT workspace_id, profile_id, queued_at FROM profile_work ORDER BY queued_at LIMIT ?",
                .int(Int64(limit))
            ).map { QueuedProfile(workspaceID: try $0.text(0), profileID: try $0.int(1), queuedAt: try $0.int(2)) }
        }
    }

    public func queuedProfileCount() async throws -> Int {
        try await database.read { db in
            Int(try await db.query("SELECT COUNT(*) FROM profile_work").first?.int(0) ?? 0)
        }
    }

    /// Rows are queued and dequeued in key order (workspace, then profile), as stitching takes workspaces: two
    /// transactions locking the same entries lock them in the same order, so they wait for each other instead of
    /// deadlocking (seen on Postgres between a stitching pass and the intelligence worker).
    static func dequeue(_ db: any SQLExecutor, _ entries: [QueuedProfile]) async throws {
        let ordered = entries.sorted { ($0.workspaceID, $0.profileID) < ($1.workspaceID, $1.profileID) }
        try await db.executeMany(
            "DELETE FROM profile_work WHERE workspace_id = ? AND profile_id = ? AND queued_at = ?",
            ordered.map { [.text($0.workspaceID), .int($0.profileID), .int($0.queuedAt)] })
    }

    /// Hands what Pond knows about a merged-away cluster root to the survivor: tags are united (the older tagging
    /// is kept), memberships are ended with an exit record, and scores and stages are dropped — the survivor is
    /// queued and gets fresh ones from the combined history.
    static func absorbIntelligence(_ db: any SQLExecutor, _ workspaceID: String, merged: Int64, into survivor: Int64, at: Instant)
        async throws
    {
        let ws = SQLValue.text(workspaceID)
        try await db.execute(
            """
            INSERT INTO profile_tags (workspace_id, profile_id, tag, source, source_ref, tagged_at)
            SELECT workspace_id, ?, tag, source, source_ref, tagged_at FROM profile_tags
            WHERE workspace_id = ? AND profile_id = ?
            ON CONFLICT (workspace_id, profile_id, tag) DO UPDATE SET
                source = excluded.source, source_ref = excluded.source_ref, tagged_at = excluded.tagged_at
            WHERE excluded.tagged_at < profile_tags.tagged_at
            """, .int(survivor), ws, .int(merged))
        try await db.execute("DELETE FROM profile_tags WHERE workspace_id = ? AND profile_id = ?", ws, .int(merged))
        let segments = try await db.query(
            "SELECT segment_id FROM segment_members WHERE workspace_id = ? AND profile_id = ?", ws, .int(merged)
        ).map { try $0.text(0) }
        try await recordSegmentChanges(
            db, workspaceID,
            segments.map { SegmentChange(segmentID: $0, profileID: merged, entered: false, reason: "merged into profile \(survivor)") },
            at: at, feedingJourneys: false)
        for table in ["rfm_scores", "profile_stages", "profile_consents", "segment_members"] {
            try await db.execute("DELETE FROM \(table) WHERE workspace_id = ? AND profile_id = ?", ws, .int(merged))
        }
        // The ledger's answers stay with the members they were given through; the cluster now answers as its
        // latest member (`ConsentLedger`).
        try await refreshConsentSummaries(db, workspaceID, roots: [survivor])
        // Journey runs follow the customer: a run waiting for an order still hears it when the survivor places it,
        // and the re-entry policy counts the merged customer's runs as the survivor's. They stay there on an unmerge.
        try await db.execute(
            "UPDATE journey_runs SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?", .int(survivor), ws, .int(merged))
    }
}

/// What re-evaluating one profile decided, to be applied in one transaction with others.
public struct ProfileRefresh: Sendable {
    public enum RFMUpdate: Sendable {
        case score(RFMScore, OrderSummary)
        /// No order in the window any more.
        case clear
    }

    public var profileID: Int64
    /// Tags an `add` rule puts on (rule id in `ruleID`).
    public var addTags: [(tag: String, ruleID: String)] = []
    /// Tags an `add` rule put on earlier and that it no longer holds for: removed only if that rule put them there.
    public var withdrawTags: [(tag: String, ruleID: String)] = []
    /// Tags a `remove` rule takes off, whatever put them there.
    public var removeTags: [(tag: String, ruleID: String)] = []
    /// Nil leaves the stored score alone (no scoring possible yet).
    public var rfm: RFMUpdate?
    public var stage: StoredStage?
    /// Whether the profile belongs to each dynamic segment now.
    public var memberships: [String: Bool] = [:]
    /// Why memberships changed, for the enter/exit log.
    public var reason: String

    public init(profileID: Int64, reason: String) {
        self.profileID = profileID
        self.reason = reason
    }

    /// Files what `TagRulePolicy` decided for `rule`.
    public mutating func record(_ decision: TagRuleDecision, _ rule: TagRule) {
        switch decision {
        case .add: addTags.append((rule.tag, rule.id))
        case .withdraw: withdrawTags.append((rule.tag, rule.id))
        case .remove: removeTags.append((rule.tag, rule.id))
        case .keep: break
        }
    }
}

extension Store {
    /// Applies refreshes and removes their queue entries (unless re-queued meanwhile), in one transaction. Each change
    /// is applied against the state current inside the transaction, so two workers racing on a profile record each
    /// enter, exit or layer change once. Returns the number of segment enters and exits recorded.
    @discardableResult
    public func applyProfileRefreshes(
        workspaceID: String, _ refreshes: [ProfileRefresh], dequeue: [QueuedProfile], at: Instant
    ) async throws -> Int {
        try await database.write { db in
            if self.dialect == .postgres { try await db.execute("SELECT pg_advisory_xact_lock(7242002)") }
            let ws = SQLValue.text(workspaceID)
            var changes = 0
            var layerEvents: [SystemEvent] = []
            var stages: [StoredStage] = []
            var previousStages: [Int64: LifecycleStage] = [:]
            for refresh in refreshes {
                let profile = refresh.profileID
                // A profile merged away since it was read is left to its survivor's refresh.
                guard try await Self.root(db, workspaceID, profile) == profile else { continue }
                for (tag, rule) in refresh.addTags {
                    _ = try await Self.addTags(db, workspaceID, [(profile, tag)], source: .rule, sourceRef: rule, at: at)
                }
                for (tag, rule) in refresh.withdrawTags {
                    let owned = try await db.query(
                        """
                        SELECT 1 FROM profile_tags WHERE workspace_id = ? AND profile_id = ? AND tag = ? AND source = 'rule'
                            AND source_ref = ?
                        """, ws, .int(profile), .text(tag), .text(rule))
                    if !owned.isEmpty {
                        _ = try await Self.removeTags(
                            db, workspaceID, [(profile, tag)], reason: ["source": "rule", "sourceRef": .string(rule)], at: at)
                    }
                }
                for (tag, rule) in refresh.removeTags {
                    _ = try await Self.removeTags(
                        db, workspaceID, [(profile, tag)], reason: ["source": "rule", "sourceRef": .string(rule)], at: at)
                }
                let oldLayer = try await db.query(
                    "SELECT layer FROM rfm_scores WHERE workspace_id = ? AND profile_id = ?", ws, .int(profile)
                ).first?.text(0)
                switch refresh.rfm {
                case .score(let score, let summary)?:
                    try await db.execute(Self.upsertRFMSQL, Self.rfmRow(workspaceID, profile, score, summary, at: at))
                    if oldLayer != score.layer.id { layerEvents.append(.layerChanged(profile, from: oldLayer, to: score)) }
                case .clear?:
                    if let oldLayer {
                        try await db.execute("DELETE FROM rfm_scores WHERE workspace_id = ? AND profile_id = ?", ws, .int(profile))
                        layerEvents.append(.layerDropped(profile, from: oldLayer, reason: "no order in the window"))
                    }
                case nil:
                    break
                }
                if let stage = refresh.stage {
                    stages.append(stage)
                    if let old = try await db.query(
                        "SELECT stage FROM profile_stages WHERE workspace_id = ? AND profile_id = ?", ws, .int(profile)
                    ).first?.text(0) {
                        previousStages[profile] = LifecycleStage(rawValue: old)
                    }
                }
                let current = Set(
                    try await db.query(
                        "SELECT segment_id FROM segment_members WHERE workspace_id = ? AND profile_id = ?", ws, .int(profile)
                    ).map { try $0.text(0) })
                for (segment, member) in refresh.memberships.sorted(by: { $0.key < $1.key }) where member != current.contains(segment) {
                    try await Self.applyMembership(
                        db, workspaceID, segment, entering: member ? [profile] : [], leaving: member ? [] : [profile], at: at,
                        reason: refresh.reason)
                    changes += 1
                }
            }
            try await Self.appendSystemEvents(db, workspaceID, layerEvents, at: at)
            try await Self.saveStages(db, workspaceID, stages, previous: previousStages, at: at)
            try await Self.dequeue(db, dequeue)
            return changes
        }
    }

    /// Every cluster root of a workspace that has events, for a backfill of the queue.
    public func queueAllProfiles(workspaceID: String, at: Instant) async throws -> Int {
        try await writeQueuingProfileWork { db in
            try await db.execute(
                """
                INSERT INTO profile_work (workspace_id, profile_id, queued_at)
                SELECT workspace_id, id, ? FROM profiles WHERE workspace_id = ? AND canonical_id = id
                ON CONFLICT (workspace_id, profile_id) DO NOTHING
                """, at.sql, .text(workspaceID))
        }
    }

    public func lifecycleInputs(
        workspaceID: String, profileID: Int64, orderEvents: [String], activationEvents: [String]
    ) async throws -> LifecycleInputs? {
        try await database.read { db in
            try await Self.lifecycleInputs(
                db, workspaceID, root: profileID, orderEvents: orderEvents, activationEvents: activationEvents)
        }
    }
}

extension Store {
    /// Queues cluster roots for re-evaluation.
    public func queueProfiles(workspaceID: String, _ roots: some Collection<Int64> & Sendable, at: Instant) async throws {
        guard !roots.isEmpty else { return }
        let list = Array(roots)
        try await writeQueuingProfileWork { db in try await Self.queueProfileWork(db, workspaceID, list, at: at) }
    }

    /// Who holds a tag, with where it came from.
    public func tagHolders(workspaceID: String, tag: String) async throws -> [Int64: ProfileTag] {
        try await database.read { db in
            var holders: [Int64: ProfileTag] = [:]
            for row in try await db.query(
                "SELECT profile_id, source, source_ref, tagged_at FROM profile_tags WHERE workspace_id = ? AND tag = ?",
                .text(workspaceID), .text(tag))
            {
                holders[try row.int(0)] = ProfileTag(
                    tag: tag, source: try tagSource(row.text(1)), sourceRef: row[2].text, taggedAt: try row.instant(3))
            }
            return holders
        }
    }

    public func saveLifecycleState(workspaceID: String, configuration: LifecycleConfiguration, state: LifecycleState)
        async throws
    {
        try await database.write { db in
            try await Self.saveModelState(
                db, .lifecycle, workspaceID: workspaceID, config: configuration, state: state, at: state.computedAt)
        }
    }
}
