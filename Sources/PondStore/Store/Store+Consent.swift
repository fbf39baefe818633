import PondCore

/// An answer in the consent ledger as stored: the record, its entry number and the profile it was given through.
public struct StoredConsent: Sendable, Hashable {
    public var entryID: Int64
    public var profileID: Int64
    public var record: ConsentRecord
    public var recordedAt: Instant
}

/// An answer to record against a profile (any member id of its cluster); `importKey` makes a bulk import safe to
/// send again.
public struct ConsentWrite: Sendable, Hashable {
    public var profileID: Int64
    public var record: ConsentRecord
    public var importKey: String?

    public init(profileID: Int64, record: ConsentRecord, importKey: String? = nil) {
        self.profileID = profileID
        self.record = record
        self.importKey = importKey
    }
}

/// What recording one answer did.
public enum ConsentWriteOutcome: Sendable, Hashable {
    /// Recorded as entry `entryID`; `current` tells whether it is now the latest answer for its purpose and channel
    /// (an answer older than the one on record is kept in the history but changes nothing).
    case recorded(entryID: Int64, current: Bool)
    /// An entry with the same import key was recorded before: nothing was written.
    case duplicate(entryID: Int64)
    /// The profile does not exist in the workspace.
    case unknownProfile
}

/// The consent ledger (`ConsentLedger` holds its rules): entries are appended and never changed, the latest answer
/// per profile, purpose and channel is kept beside them, and a cluster's state is read over its members.
///
/// Every write takes the dispatcher's per-cluster lock (`lockForDispatch`) in its transaction: a revocation and a
/// decision for the same customer are ordered, so every decision that commits after a revocation has read it.
extension Store {
    public func recordConsent(workspaceID: String, _ writes: [ConsentWrite], at: Instant) async throws -> [ConsentWriteOutcome] {
        guard !writes.isEmpty else { return [] }
        return try await writeQueuingProfileWork { db in
            let ws = SQLValue.text(workspaceID)
            var roots: [Int64: Int64] = [:]
            for profile in Set(writes.map(\.profileID)) {
                if let root = try await Self.root(db, workspaceID, profile) { roots[profile] = root }
            }
            try await Self.lockForDispatch(db, workspaceID, roots: Set(roots.values))

            var outcomes: [ConsentWriteOutcome] = []
            var events: [SystemEvent] = []
            var changedRoots: Set<Int64> = []
            for write in writes {
                guard let root = roots[write.profileID] else {
                    outcomes.append(.unknownProfile)
                    continue
                }
                if let key = write.importKey, let existing = try await db.query(
                    "SELECT id FROM consent_entries WHERE workspace_id = ? AND import_key = ?", ws, .text(key)
                ).first {
                    outcomes.append(.duplicate(entryID: try existing.int(0)))
                    continue
                }
                let record = write.record
                let entry = record.entry
                let id = try await db.query(
                    """
                    INSERT INTO consent_entries (workspace_id, profile_id, purpose, channel, action, at, notice_version,
                        source, evidence, recorded_at, import_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                    """, ws, .int(write.profileID), .text(record.purpose.rawValue), .text(record.channel.rawValue),
                    .text(entry.action.rawValue), entry.at.sql, SQLValue(entry.noticeVersion), .text(entry.source),
                    SQLValue(entry.evidence), at.sql, SQLValue(write.importKey)
                )[0].int(0)

                let current = try await db.query(
                    """
                    SELECT \(Self.consentStateColumns) FROM consent_states
                    WHERE workspace_id = ? AND profile_id = ? AND purpose = ? AND channel = ?
                    """, ws, .int(write.profileID), .text(record.purpose.rawValue), .text(record.channel.rawValue)
                ).first.map(Self.decodeConsent)
                let latest = current.map { ConsentLedger.supersedes(entry, id: id, $0.record.entry, currentID: $0.entryID) } ?? true
                if latest {
                    try await db.execute(
                        """
                        INSERT INTO consent_states (workspace_id, profile_id, purpose, channel, entry_id, action, at,
                            notice_version, source, evidence)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (workspace_id, profile_id, purpose, channel) DO UPDATE SET entry_id = excluded.entry_id,
                            action = excluded.action, at = excluded.at, notice_version = excluded.notice_version,
                            source = excluded.source, evidence = excluded.evidence
                        """, ws, .int(write.profileID), .text(record.purpose.rawValue), .text(record.channel.rawValue),
                        .int(id), .text(entry.action.rawValue), entry.at.sql, SQLValue(entry.noticeVersion),
                        .text(entry.source), SQLValue(entry.evidence))
                    changedRoots.insert(root)
                }
                events.append(.consent(record, profileID: root))
                outcomes.append(.recorded(entryID: id, current: latest))
            }
            try await Self.refreshConsentSummaries(db, workspaceID, roots: changedRoots)
            try await Self.appendSystemEvents(db, workspaceID, events, at: at)
            try await Self.queueProfileWork(db, workspaceID, changedRoots, at: at)
            return outcomes
        }
    }

    /// The latest answer of the cluster for every purpose and channel on record, by purpose then channel.
    public func consentStates(workspaceID: String, root: Int64) async throws -> [StoredConsent] {
        try await database.read { db in try await Self.clusterConsent(db, workspaceID, roots: [root])[root] ?? [] }
    }

    /// Every answer recorded through any member of the cluster, newest entry first, from before entry `before`.
    public func consentHistory(workspaceID: String, root: Int64, before: Int64?, limit: Int) async throws -> [StoredConsent] {
        try await database.read { db in
            var sql = """
                SELECT e.id, e.profile_id, e.purpose, e.channel, e.action, e.at, e.notice_version, e.source, e.evidence,
                    e.recorded_at
                FROM consent_entries e JOIN profiles p ON p.workspace_id = e.workspace_id AND p.id = e.profile_id
                WHERE e.workspace_id = ? AND p.canonical_id = ?
                """
            var binds: [SQLValue] = [.text(workspaceID), .int(root)]
            if let before {
                sql += " AND e.id < ?"
                binds.append(.int(before))
            }
            sql += " ORDER BY e.id DESC LIMIT ?"
            binds.append(.int(Int64(limit)))
            return try await db.query(sql, binds).map(Self.decodeConsent)
        }
    }

    static let consentStateColumns =
        "entry_id, profile_id, purpose, channel, action, at, notice_version, source, evidence, NULL"

    /// Decodes `consentStateColumns` or the history's columns (the same order; a state has no recorded time of its
    /// own, which reads as the answer's time).
    static func decodeConsent(_ row: SQLRow) throws -> StoredConsent {
        let at = try row.instant(5)
        guard let purpose = ConsentPurpose(rawValue: try row.text(2)),
            let action = ConsentEntry.Action(rawValue: try row.text(4))
        else { throw StoreError.corrupt("consent entry \(try row.int(0)) has purpose \(row[2]) and action \(row[4])") }
        return StoredConsent(
            entryID: try row.int(0), profileID: try row.int(1),
            record: ConsentRecord(
                purpose: purpose, channel: ChannelID(try row.text(3)),
                entry: ConsentEntry(action: action, at: at, noticeVersion: row[6].text, source: try row.text(7), evidence: row[8].text)),
            recordedAt: row.optionalInstant(9) ?? at)
    }

    /// The latest answer per purpose and channel of each cluster, over its members' states (`ConsentLedger.latest`).
    static func clusterConsent(_ db: any SQLExecutor, _ workspaceID: String, roots: some Collection<Int64>) async throws
        -> [Int64: [StoredConsent]]
    {
        guard !roots.isEmpty else { return [:] }
        var byCluster: [Int64: [String: [StoredConsent]]] = [:]
        for chunk in Array(roots).chunked(500) {
            for row in try await db.query(
                """
                SELECT s.entry_id, s.profile_id, s.purpose, s.channel, s.action, s.at, s.notice_version, s.source,
                    s.evidence, NULL, p.canonical_id
                FROM consent_states s JOIN profiles p ON p.workspace_id = s.workspace_id AND p.id = s.profile_id
                WHERE s.workspace_id = ? AND p.canonical_id IN (\(placeholders(chunk.count)))
                """, [.text(workspaceID)] + chunk.map(SQLValue.int))
            {
                let stored = try decodeConsent(row)
                byCluster[try row.int(10), default: [:]]["\(stored.record.purpose.rawValue) \(stored.record.channel)", default: []]
                    .append(stored)
            }
        }
        return byCluster.mapValues { answers in
            answers.values.compactMap { candidates in
                ConsentLedger.latest(candidates.map { ($0.record.entry, $0.entryID) }).flatMap { best in
                    candidates.first { $0.entryID == best.id }
                }
            }.sorted { ($0.record.purpose.rawValue, $0.record.channel.rawValue) < ($1.record.purpose.rawValue, $1.record.channel.rawValue) }
        }
    }

    /// Rewrites the per-purpose summary (`profile_consents`, read by segment conditions) of each cluster from its
    /// state: after an answer, a merge and an unmerge.
    static func refreshConsentSummaries(_ db: any SQLExecutor, _ workspaceID: String, roots: some Collection<Int64>) async throws {
        guard !roots.isEmpty else { return }
        let ws = SQLValue.text(workspaceID)
        let states = try await clusterConsent(db, workspaceID, roots: roots)
        for root in roots {
            try await db.execute("DELETE FROM profile_consents WHERE workspace_id = ? AND profile_id = ?", ws, .int(root))
            let answers = states[root] ?? []
            let byPurpose = Dictionary(grouping: answers, by: \.record.purpose)
            for (purpose, answers) in byPurpose {
                guard let granted = ConsentLedger.summary(answers.map { ConsentState(latest: $0.record.entry).status }) else {
                    continue
                }
                let updated = answers.map(\.record.entry.at).max()!
                try await db.execute(
                    "INSERT INTO profile_consents (workspace_id, profile_id, purpose, granted, updated_at) VALUES (?, ?, ?, ?, ?)",
                    ws, .int(root), .text(purpose.rawValue), .int(granted ? 1 : 0), updated.sql)
            }
        }
    }

    /// Orders the dispatcher's decisions and consent answers for the same customers across every `pond` process
    /// on one Postgres: a transaction-scoped advisory lock per cluster root, taken in ascending order so two
    /// transactions never wait on each other in a circle. SQLite has one writer, which orders them already.
    static func lockForDispatch(_ db: any SQLExecutor, _ workspaceID: String, roots: Set<Int64>) async throws {
        guard db.dialect == .postgres, !roots.isEmpty else { return }
        let keys = Set(roots.map { dispatchLockKey(workspaceID, $0) }).sorted()
        for chunk in keys.chunked(500) {
            try await db.execute(
                "SELECT pg_advisory_xact_lock(7242010, k) FROM (SELECT unnest(CAST(? AS int[])) AS k ORDER BY 1) AS keys",
                [.text("{" + chunk.map(String.init).joined(separator: ",") + "}")])
        }
    }

    /// A 32-bit key for a cluster (FNV-1a over the workspace and the root): two clusters sharing one only wait for
    /// each other now and then.
    static func dispatchLockKey(_ workspaceID: String, _ root: Int64) -> Int32 {
        var hash: UInt32 = 2_166_136_261
        for byte in workspaceID.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        var value = UInt64(bitPattern: root)
        for _ in 0..<8 {
            hash = (hash ^ UInt32(value & 0xFF)) &* 16_777_619
            value >>= 8
        }
        return Int32(bitPattern: hash)
    }
}
