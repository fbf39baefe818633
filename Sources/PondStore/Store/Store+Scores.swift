import Foundation
import PondCore

/// The stored scores of a workspace by profile: what a full run compares its results with, so that unchanged
/// scores are not rewritten.
public struct StoredRFMScores: Sendable {
    fileprivate var table: ProfileTable<StoredRFM>

    public var count: Int { table.count }
    public subscript(profileID: Int64) -> StoredRFM? { table.value(for: profileID) }
    public var profileIDs: [Int64] { table.ids }
}

extension Store {
    // MARK: RFM

    public func rfmScore(workspaceID: String, profileID: Int64) async throws -> StoredRFM? {
        try await database.read { db in
            var score: StoredRFM?
            try await db.forEachRow(
                "SELECT \(Self.rfmColumns) FROM rfm_scores WHERE workspace_id = ? AND profile_id = ?",
                [.text(workspaceID), .int(profileID)]
            ) { score = try Self.rfm($0) }
            return score
        }
    }

    /// Every stored score of a workspace. In profile order, which makes SQLite walk the primary key (the rows lie
    /// in that order, see `applyRFMRun`) rather than the layer index, which would visit the rows at random.
    public func rfmScores(workspaceID: String) async throws -> StoredRFMScores {
        try await database.read { db in
            var scores = ProfileTable<StoredRFM>(capacity: try await Self.scoredProfiles(db, workspaceID))
            try await db.forEachRow(
                "SELECT \(Self.rfmColumns) FROM rfm_scores WHERE workspace_id = ? ORDER BY profile_id", [.text(workspaceID)]
            ) { row in
                let score = try Self.rfm(row)
                scores.upsert(score.profileID, insert: { score }, update: { $0 = score })
            }
            return StoredRFMScores(table: scores)
        }
    }

    /// How many profiles hold a score: what a full run will roughly score again, to size its tables up front.
    private static func scoredProfiles(_ db: any SQLExecutor, _ workspaceID: String) async throws -> Int {
        Int(try await db.query("SELECT COUNT(*) FROM rfm_scores WHERE workspace_id = ?", .text(workspaceID)).first?.int(0) ?? 0)
    }

    /// Profiles per layer and per cell.
    public func rfmDistribution(workspaceID: String) async throws -> (layers: [String: Int], cells: [String: Int]) {
        try await database.read { db in
            var layers: [String: Int] = [:]
            var cells: [String: Int] = [:]
            for row in try await db.query(
                "SELECT layer, r, f, m, COUNT(*) FROM rfm_scores WHERE workspace_id = ? GROUP BY layer, r, f, m",
                .text(workspaceID))
            {
                let count = Int(try row.int(4))
                layers[try row.text(0), default: 0] += count
                cells["\(try row.int(1))\(try row.int(2))\(try row.int(3))", default: 0] += count
            }
            return (layers, cells)
        }
    }

    /// Every cluster root's orders inside the window, amounts read with `RFMConfiguration.amount(in:)` semantics
    /// (by its `AmountReader`, from the stored text) so that full runs and incremental updates agree.
    ///
    /// One key range of `event_facts` per order event name, folded into cluster roots here rather than joined to
    /// `profiles` in SQL: the facts come in time order, so a join would look up a random profile per order, which
    /// costs more than the scan itself. Only merged profiles have a root other than themselves, and they are few,
    /// so the map from member to root is small.
    ///
    /// The window is cut into slices of time shared out among one worker per core, each in its own read
    /// transaction: each order lies in exactly one slice, so none is counted twice although the workers read
    /// separate snapshots. Workers take the next slice whenever they finish one, because orders are rarely spread
    /// evenly over time (a growing brand has most of them recently) and a worker may start late, behind other
    /// reads of the same run. `workers` is one per core by default.
    public func orderSummaries(
        workspaceID: String, configuration: RFMConfiguration, now: Instant,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) async throws -> [OrderSummary] {
        let (rootOf, expected) = try await database.read { db in
            var rootOf: [Int64: Int64] = [:]
            try await db.forEachRow(
                "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND canonical_id <> id", [.text(workspaceID)]
            ) { row in rootOf[try row.int(0)] = try row.int(1) }
            return (rootOf, try await Self.scoredProfiles(db, workspaceID))
        }
        let start = now.adding(days: -configuration.windowDays).millisecondsSinceEpoch
        let slices = Self.timeSlices(from: start, to: now.millisecondsSinceEpoch, count: 16 * max(1, workers))
        let next = WorkCounter()
        let parts = try await withThrowingTaskGroup(of: ProfileTable<OrderSummary>.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask {
                    try await self.database.read { db in
                        var summaries = ProfileTable<OrderSummary>(capacity: max(1024, expected))
                        while let slice = next.take(below: slices.count) {
                            try await Self.orderSummaries(
                                db, workspaceID, configuration, slices[slice], rootOf: rootOf, into: &summaries)
                        }
                        return summaries
                    }
                }
            }
            var parts: [ProfileTable<OrderSummary>] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.count > $1.count }
        }
        guard var all = parts.first else { return [] }
        for part in parts.dropFirst() {
            for (root, summary) in zip(part.ids, part.values) {
                all.upsert(root, insert: { summary }, update: { $0 = $0.adding(summary) })
            }
        }
        return all.values
    }

    /// `[from, to)` cut into `count` equal ranges; the last is open-ended, so orders stamped after `to` still count.
    static func timeSlices(from: Int64, to: Int64, count: Int) -> [(from: Int64, before: Int64?)] {
        let width = max(1, (to - from) / Int64(max(1, count)))
        var slices: [(from: Int64, before: Int64?)] = []
        var lower = from
        while slices.count < count - 1, lower + width < to {
            slices.append((lower, lower + width))
            lower += width
        }
        slices.append((lower, nil))
        return slices
    }

    private static func orderSummaries(
        _ db: any SQLExecutor, _ workspaceID: String, _ configuration: RFMConfiguration,
        _ slice: (from: Int64, before: Int64?), rootOf: [Int64: Int64], into summaries: inout ProfileTable<OrderSummary>
    ) async throws {
        let names = SQLFragment.list(configuration.orderEvents.map(SQLValue.text))
        var orders: SQLFragment = """
            SELECT e.profile_id, e.ts, e.properties FROM event_facts e
            WHERE e.workspace_id = \(bind: workspaceID) AND e.event IN (\(names)) AND e.ts >= \(bind: slice.from)
            """
        if let before = slice.before { orders = "\(orders) AND e.ts < \(bind: before)" }
        let reader = configuration.amountReader
        try await db.forEachRow(orders.sql, orders.binds) { row in
            let member = try row.int(0)
            let root = rootOf.isEmpty ? member : rootOf[member] ?? member
            let at = try row.instant(1)
            let amount = row.withBytes(2) { reader.amount(inJSONObject: $0) } ?? nil
            summaries.upsert(
                root, insert: { OrderSummary(profileID: root, lastOrderAt: at, orderCount: 1, totalAmount: amount ?? 0) },
                update: { $0.record(orderAt: at, amount: amount) })
        }
    }

    /// Stores a full run: every scored profile's score, the removal of scores of profiles that fell out of the window,
    /// a `RFM Layer Changed` timeline entry for every layer change, and the cut points for incremental updates.
    /// Scores equal to `existing` (`rfmScores`, read before the run) are not rewritten; the comparison happens before
    /// the write transaction, so ingestion does not wait behind it. Returns how many profiles changed layer and
    /// which profiles' score or layer moved (new, changed or dropped), for re-evaluating what depends on them.
    @discardableResult
    public func applyRFMRun(
        workspaceID: String, run: RFMRun, existing: StoredRFMScores, configuration: RFMConfiguration
    ) async throws -> (layerChanges: Int, moved: [Int64]) {
        let changes = RFMRunChanges(
            run, storedCount: existing.count, stored: { existing[$0] }, storedIDs: { existing.profileIDs },
            windowDays: configuration.windowDays)
        // In profile order, so that the rows lie in the table in the order whole-workspace reads visit them.
        let rows = changes.rewritten.sorted { $0.profileID < $1.profileID }.map {
            Self.rfmRow(workspaceID, $0.profileID, $0.score, $0.summary, at: run.computedAt)
        }
        try await database.write { db in
            try await db.executeMany(Self.upsertRFMSQL, rows)
            try await db.executeMany(
                "DELETE FROM rfm_scores WHERE workspace_id = ? AND profile_id = ?",
                changes.dropped.map { [.text(workspaceID), .int($0)] })
            try await Self.appendSystemEvents(db, workspaceID, changes.layerEvents, at: run.computedAt)
            try await Self.saveModelState(
                db, .rfm, workspaceID: workspaceID, config: configuration,
                state: RFMState(cutPoints: run.cutPoints, computedAt: run.computedAt, scoredProfiles: run.scored.count),
                at: run.computedAt)
        }
        return (changes.layerEvents.count, changes.moved)
    }

    static let upsertRFMSQL = """
        INSERT INTO rfm_scores (workspace_id, profile_id, r, f, m, layer, order_count, total_amount, last_order_at, scored_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (workspace_id, profile_id) DO UPDATE SET r = excluded.r, f = excluded.f, m = excluded.m,
            layer = excluded.layer, order_count = excluded.order_count, total_amount = excluded.total_amount,
            last_order_at = excluded.last_order_at, scored_at = excluded.scored_at
        """

    static func rfmRow(_ workspaceID: String, _ profile: Int64, _ score: RFMScore, _ summary: OrderSummary, at: Instant)
        -> [SQLValue]
    {
        [
            .text(workspaceID), .int(profile), .int(Int64(score.recency)), .int(Int64(score.frequency)),
            .int(Int64(score.monetary)), .text(score.layer.id), .int(Int64(summary.orderCount)),
            .double(summary.totalAmount), summary.lastOrderAt.sql, at.sql,
        ]
    }

    private static let rfmColumns = "profile_id, r, f, m, layer, order_count, total_amount, last_order_at, scored_at"

    private static func rfm(_ row: borrowing SQLRowCursor) throws -> StoredRFM {
        StoredRFM(
            profileID: try row.int(0), r: Int(try row.int(1)), f: Int(try row.int(2)), m: Int(try row.int(3)),
            layer: try row.text(4), orderCount: Int(try row.int(5)), totalAmount: row.value(6).double ?? 0,
            lastOrderAt: try row.instant(7), scoredAt: try row.instant(8))
    }

    // MARK: Lifecycle

    public func profileStage(workspaceID: String, profileID: Int64) async throws -> StoredStage? {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.stageColumns) FROM profile_stages WHERE workspace_id = ? AND profile_id = ?",
                .text(workspaceID), .int(profileID)
            ).first.map(Self.stage)
        }
    }

    public func profileStages(workspaceID: String) async throws -> [StoredStage] {
        try await database.read { db in
            try await db.query("SELECT \(Self.stageColumns) FROM profile_stages WHERE workspace_id = ?", .text(workspaceID))
                .map(Self.stage)
        }
    }

    public func stageDistribution(workspaceID: String) async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for row in try await db.query(
                "SELECT stage, COUNT(*) FROM profile_stages WHERE workspace_id = ? GROUP BY stage", .text(workspaceID))
            {
                counts[try row.text(0)] = Int(try row.int(1))
            }
            return counts
        }
    }

    /// Stores stages, with a `Lifecycle Stage Changed` timeline entry for each profile whose stage differs from
    /// `previous`.
    public func saveStages(workspaceID: String, _ stages: [StoredStage], previous: [Int64: LifecycleStage], at: Instant)
        async throws
    {
        try await database.write { db in try await Self.saveStages(db, workspaceID, stages, previous: previous, at: at) }
    }

    static func saveStages(
        _ db: any SQLExecutor, _ workspaceID: String, _ stages: [StoredStage], previous: [Int64: LifecycleStage], at: Instant
    ) async throws {
        func optional(_ instant: Instant?) -> SQLValue { instant?.sql ?? .null }
        try await db.executeMany(
            """
            INSERT INTO profile_stages (workspace_id, profile_id, stage, since, rule, reason, churn_risk, evaluated_at,
                first_seen, last_activity_at, last_other_activity_at, activated_at, order_count, first_order_at,
                previous_order_at, last_order_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, profile_id) DO UPDATE SET stage = excluded.stage, since = excluded.since,
                rule = excluded.rule, reason = excluded.reason, churn_risk = excluded.churn_risk,
                evaluated_at = excluded.evaluated_at, first_seen = excluded.first_seen,
                last_activity_at = excluded.last_activity_at, last_other_activity_at = excluded.last_other_activity_at,
                activated_at = excluded.activated_at, order_count = excluded.order_count,
                first_order_at = excluded.first_order_at, previous_order_at = excluded.previous_order_at,
                last_order_at = excluded.last_order_at
            """,
            stages.map { s in
                let i = s.inputs
                return [
                    .text(workspaceID), .int(s.profileID), .text(s.stage.rawValue), s.since.sql, .text(s.rule),
                    .text(s.reason), s.churnRisk.map(SQLValue.double) ?? .null, s.evaluatedAt.sql, i.firstSeen.sql,
                    optional(i.lastActivityAt), optional(i.lastOtherActivityAt), optional(i.activatedAt),
                    .int(Int64(i.orderCount)), optional(i.firstOrderAt), optional(i.previousOrderAt),
                    optional(i.lastOrderAt),
                ]
            })
        try await appendSystemEvents(
            db, workspaceID,
            stages.filter { previous[$0.profileID] != $0.stage }.map { .stageChanged($0, from: previous[$0.profileID]) },
            at: at)
    }

    /// The lifecycle inputs of one cluster, from its events.
    static func lifecycleInputs(
        _ db: any SQLExecutor, _ workspaceID: String, root: Int64, orderEvents: [String], activationEvents: [String]
    ) async throws -> LifecycleInputs? {
        let members = try await members(db, workspaceID, root: root)
        guard !members.isEmpty else { return nil }
        let ws = SQLValue.text(workspaceID)
        let firstSeen = try await db.query(
            "SELECT MIN(first_seen) FROM profiles WHERE workspace_id = ? AND canonical_id = ?", ws, .int(root)
        ).first?.instant(0) ?? Instant(millisecondsSinceEpoch: 0)
        let activity = try await db.query(
            """
            SELECT type, event, ts FROM events WHERE workspace_id = ? AND profile_id IN (\(placeholders(members.count)))
                AND type IN ('track', 'page', 'screen') AND channel <> ?
            """, [ws] + members.map(SQLValue.int) + [.text(systemChannel)]
        ).map { row in LifecycleInputs.Activity(type: try row.text(0), event: row[1].text, at: try row.instant(2)) }
        return LifecycleInputs(
            firstSeen: firstSeen, activity: activity, orderEvents: orderEvents, activationEvents: activationEvents)
    }

    private static let stageColumns = """
        profile_id, stage, since, rule, reason, churn_risk, evaluated_at, first_seen, last_activity_at,
        last_other_activity_at, activated_at, order_count, first_order_at, previous_order_at, last_order_at
        """

    private static func stage(_ row: SQLRow) throws -> StoredStage {
        guard let stage = LifecycleStage(rawValue: try row.text(1)) else {
            throw StoreError.corrupt("unknown lifecycle stage \(try row.text(1))")
        }
        return StoredStage(
            profileID: try row.int(0), stage: stage, since: try row.instant(2), rule: try row.text(3), reason: try row.text(4),
            churnRisk: row[5].double, evaluatedAt: try row.instant(6),
            inputs: LifecycleInputs(
                firstSeen: try row.instant(7), lastActivityAt: row.optionalInstant(8), lastOtherActivityAt: row.optionalInstant(9),
                activatedAt: row.optionalInstant(10), orderCount: Int(try row.int(11)), firstOrderAt: row.optionalInstant(12),
                previousOrderAt: row.optionalInstant(13), lastOrderAt: row.optionalInstant(14)))
    }
}
