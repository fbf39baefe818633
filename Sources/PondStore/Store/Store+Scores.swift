import Foundation
import PondCore

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

    public var cell: String { "\(r)\(f)\(m)" }
}

/// What decides a profile's lifecycle stage and churn risk, kept with the stage so that the daily time-driven sweep
/// needs no pass over the event log.
public struct LifecycleInputs: Sendable, Equatable {
    public var firstSeen: Instant
    /// Latest customer activity (track, page, screen; not Pond's own entries).
    public var lastActivityAt: Instant?
    /// Latest activity that was not an order.
    public var lastOtherActivityAt: Instant?
    public var activatedAt: Instant?
    public var orderCount: Int
    public var firstOrderAt: Instant?
    public var previousOrderAt: Instant?
    public var lastOrderAt: Instant?

    public init(
        firstSeen: Instant, lastActivityAt: Instant? = nil, lastOtherActivityAt: Instant? = nil, activatedAt: Instant? = nil,
        orderCount: Int = 0, firstOrderAt: Instant? = nil, previousOrderAt: Instant? = nil, lastOrderAt: Instant? = nil
    ) {
        self.firstSeen = firstSeen
        self.lastActivityAt = lastActivityAt
        self.lastOtherActivityAt = lastOtherActivityAt
        self.activatedAt = activatedAt
        self.orderCount = orderCount
        self.firstOrderAt = firstOrderAt
        self.previousOrderAt = previousOrderAt
        self.lastOrderAt = lastOrderAt
    }

    public func facts(previous: LifecycleStageRecord?) -> LifecycleFacts {
        LifecycleFacts(
            firstSeen: firstSeen, lastActivityAt: lastActivityAt, activatedAt: activatedAt, orderCount: orderCount,
            lastOrderAt: lastOrderAt, previous: previous)
    }

    public var churnSignals: ChurnSignals? {
        guard let firstOrderAt, let lastOrderAt, orderCount > 0 else { return nil }
        return ChurnSignals(
            orderCount: orderCount, firstOrderAt: firstOrderAt, previousOrderAt: previousOrderAt, lastOrderAt: lastOrderAt,
            lastActivityAt: lastOtherActivityAt)
    }
}

/// A profile's stored lifecycle stage.
public struct StoredStage: Sendable, Equatable {
    public var profileID: Int64
    public var stage: LifecycleStage
    public var since: Instant
    public var rule: String
    public var reason: String
    public var churnRisk: Double?
    public var evaluatedAt: Instant
    public var inputs: LifecycleInputs

    public init(
        profileID: Int64, stage: LifecycleStage, since: Instant, rule: String, reason: String, churnRisk: Double?,
        evaluatedAt: Instant, inputs: LifecycleInputs
    ) {
        self.profileID = profileID
        self.stage = stage
        self.since = since
        self.rule = rule
        self.reason = reason
        self.churnRisk = churnRisk
        self.evaluatedAt = evaluatedAt
        self.inputs = inputs
    }

    public var record: LifecycleStageRecord { LifecycleStageRecord(stage, since: since) }
}

extension Store {
    // MARK: RFM

    public func rfmScore(workspaceID: String, profileID: Int64) async throws -> StoredRFM? {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.rfmColumns) FROM rfm_scores WHERE workspace_id = ? AND profile_id = ?", .text(workspaceID),
                .int(profileID)
            ).first.map(Self.rfm)
        }
    }

    public func rfmScores(workspaceID: String) async throws -> [Int64: StoredRFM] {
        try await database.read { db in
            var scores: [Int64: StoredRFM] = [:]
            for row in try await db.query(
                "SELECT \(Self.rfmColumns) FROM rfm_scores WHERE workspace_id = ?", .text(workspaceID))
            {
                let score = try Self.rfm(row)
                scores[score.profileID] = score
            }
            return scores
        }
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

    /// Every cluster root's orders inside the window. Amounts are read with `RFMConfiguration.amount(in:)`
    /// semantics so that full runs and incremental updates agree: the first amount property holding a number, or a
    /// string a number can be read from.
    ///
    /// One key range of `event_facts` per order event name, folded into cluster roots here rather than joined to
    /// `profiles` in SQL: the facts come in time order, so a join would look up a random profile per order, which
    /// costs more than the scan itself. Only merged profiles have a root other than themselves, and they are few,
    /// so the map from member to root is small.
    public func orderSummaries(workspaceID: String, configuration: RFMConfiguration, now: Instant) async throws
        -> [OrderSummary]
    {
        let amounts = configuration.amountProperties.map { key -> SQLFragment in
            let value = JSONValueSQL.property(key, of: .object("e.properties"), dialect)
            let kinds: SQLFragment = dialect == .sqlite ? "('integer', 'real', 'text')" : "('number', 'string')"
            return "CASE WHEN \(value.kind) IN \(kinds) THEN \(value.text) END"
        }
        let names = SQLFragment.list(configuration.orderEvents.map(SQLValue.text))
        let orders: SQLFragment = """
            SELECT e.profile_id, e.ts, \(SQLFragment.joined(amounts, separator: ", ", empty: "NULL")) FROM event_facts e
            WHERE e.workspace_id = \(bind: workspaceID) AND e.event IN (\(names))
                AND e.ts >= \(bind: now.adding(days: -configuration.windowDays).millisecondsSinceEpoch)
            """
        let (rows, merged) = try await database.read { db in
            (
                try await db.query(orders.sql, orders.binds),
                try await db.query(
                    "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND canonical_id <> id",
                    .text(workspaceID))
            )
        }
        var rootOf: [Int64: Int64] = [:]
        for row in merged { rootOf[try row.int(0)] = try row.int(1) }
        var summaries: [Int64: OrderSummary] = [:]
        for row in rows {
            let member = try row.int(0)
            let root = rootOf[member] ?? member
            let at = try row.instant(1)
            var amount: Double?
            for index in 2..<row.values.count {
                if let value = Self.amount(row[index]) {
                    amount = value
                    break
                }
            }
            summaries[root] =
                summaries[root]?.recording(orderAt: at, amount: amount)
                ?? OrderSummary(profileID: root, lastOrderAt: at, orderCount: 1, totalAmount: amount ?? 0)
        }
        return Array(summaries.values)
    }

    private static func amount(_ value: SQLValue) -> Double? {
        let parsed: Double?
        switch value {
        case .int(let i): parsed = Double(i)
        case .double(let d): parsed = d
        case .text(let t): parsed = Double(t.trimmingCharacters(in: CharacterSet(charactersIn: " ")))
        case .null: parsed = nil
        }
        return parsed.flatMap { $0.isFinite ? $0 : nil }
    }

    /// Stores a full run: every scored profile's score, the removal of scores of profiles that fell out of the window,
    /// a `RFM Layer Changed` timeline entry for every layer change, and the cut points for incremental updates.
    /// Scores equal to `existing` (`rfmScores`, read before the run) are not rewritten. Returns how many profiles
    /// changed layer.
    @discardableResult
    public func applyRFMRun(
        workspaceID: String, run: RFMRun, summaries: [OrderSummary], existing: [Int64: StoredRFM],
        configuration: RFMConfiguration
    ) async throws -> Int {
        let byProfile = Dictionary(summaries.map { ($0.profileID, $0) }, uniquingKeysWith: { a, _ in a })
        return try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            var upserts: [(profile: Int64, row: [SQLValue])] = []
            var layerEvents: [SystemEventRow] = []
            for (profile, score) in run.scores {
                guard let summary = byProfile[profile] else { continue }
                let old = existing[profile]
                if let old, old.r == score.recency, old.f == score.frequency, old.m == score.monetary,
                    old.orderCount == summary.orderCount, old.lastOrderAt == summary.lastOrderAt
                {
                    continue
                }
                upserts.append((profile, Self.rfmRow(workspaceID, profile, score, summary, at: run.computedAt)))
                if old?.layer != score.layer.id {
                    layerEvents.append(Self.layerEvent(profile, from: old?.layer, to: score, at: run.computedAt))
                }
            }
            let dropped = existing.keys.filter { run.scores[$0] == nil }
            // In profile order, so that the rows lie in the table in the order whole-workspace reads visit them.
            try await db.executeMany(Self.upsertRFMSQL, upserts.sorted { $0.profile < $1.profile }.map(\.row))
            try await db.executeMany(
                "DELETE FROM rfm_scores WHERE workspace_id = ? AND profile_id = ?", dropped.map { [ws, .int($0)] })
            layerEvents += dropped.map {
                SystemEventRow(
                    profileID: $0, name: SystemEvent.layerChanged,
                    properties: ["from": existing[$0].map { .string($0.layer) } ?? .null, "to": .null,
                                 "reason": .string("no order in the last \(configuration.windowDays) days")])
            }
            try await Self.appendSystemEvents(db, workspaceID, layerEvents, at: run.computedAt)
            try await Self.saveModelState(
                db, .rfm, workspaceID: workspaceID, config: configuration,
                state: RFMState(cutPoints: run.cutPoints, computedAt: run.computedAt, scoredProfiles: run.scores.count),
                at: run.computedAt)
            return layerEvents.count
        }
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

    static func layerEvent(_ profile: Int64, from: String?, to score: RFMScore, at: Instant) -> SystemEventRow {
        SystemEventRow(
            profileID: profile, name: SystemEvent.layerChanged,
            properties: [
                "from": from.map(JSONValue.string) ?? .null, "to": .string(score.layer.id),
                "toName": .string(score.layer.chineseName), "cell": .string(score.cell),
            ])
    }

    private static let rfmColumns = "profile_id, r, f, m, layer, order_count, total_amount, last_order_at, scored_at"

    private static func rfm(_ row: SQLRow) throws -> StoredRFM {
        StoredRFM(
            profileID: try row.int(0), r: Int(try row.int(1)), f: Int(try row.int(2)), m: Int(try row.int(3)),
            layer: try row.text(4), orderCount: Int(try row.int(5)), totalAmount: row[6].double ?? 0,
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
            stages.filter { previous[$0.profileID] != $0.stage }.map { s in
                SystemEventRow(
                    profileID: s.profileID, name: SystemEvent.stageChanged,
                    properties: [
                        "from": previous[s.profileID].map { .string($0.rawValue) } ?? .null, "to": .string(s.stage.rawValue),
                        "toName": .string(s.stage.chineseName), "rule": .string(s.rule), "reason": .string(s.reason),
                    ])
            }, at: at)
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
        var inputs = LifecycleInputs(firstSeen: firstSeen)
        var orders: [Instant] = []
        for row in try await db.query(
            """
            SELECT type, event, ts FROM events WHERE workspace_id = ? AND profile_id IN (\(placeholders(members.count)))
                AND type IN ('track', 'page', 'screen') AND channel <> ?
            """, [ws] + members.map(SQLValue.int) + [.text(systemChannel)])
        {
            let at = try row.instant(2)
            let name = row[1].text
            inputs.lastActivityAt = max(inputs.lastActivityAt ?? at, at)
            inputs.firstSeen = min(inputs.firstSeen, at)
            if try row.text(0) == "track", let name, orderEvents.contains(name) {
                orders.append(at)
            } else {
                inputs.lastOtherActivityAt = max(inputs.lastOtherActivityAt ?? at, at)
            }
            if try row.text(0) == "track", let name, activationEvents.contains(name) {
                inputs.activatedAt = min(inputs.activatedAt ?? at, at)
            }
        }
        orders.sort()
        inputs.orderCount = orders.count
        inputs.firstOrderAt = orders.first
        inputs.lastOrderAt = orders.last
        inputs.previousOrderAt = orders.count >= 2 ? orders[orders.count - 2] : nil
        return inputs
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
