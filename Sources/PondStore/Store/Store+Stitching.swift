import PondCore

/// What one stitching pass did.
public struct StitchOutcome: Sendable, Equatable {
    public var events = 0
    public var newProfiles = 0
    public var merges = 0
    public var conflicts = 0
    /// Cluster roots whose identities, traits or timeline changed (for segment and journey maintenance later).
    public var touchedProfiles: Set<Int64> = []

    public init() {}
}

/// Identity stitching: turns accepted events into unified profiles.
///
/// Runs behind ingestion: the tracking API's 200 only waits for the event log, and this pass attaches logged
/// events to profiles shortly after, in log order. Pending events are those whose `profile_id` is still NULL, so
/// a crash mid-pass simply leaves them pending for the next one (the pass is one transaction). Events that carry
/// no usable identity are parked on `parkedProfileID`, which no profile row has.
extension Store {
    /// The `profile_id` of events that carry no usable identity: not pending any more, but nobody's.
    public static let parkedProfileID: Int64 = 0

    /// Stitches the oldest `limit` pending events in one transaction. A failure after they were read is a
    /// `StitchPassError` naming them, so that the caller can find the one that fails (`StitchingService`).
    public func stitchPending(limit: Int = 500) async throws -> StitchOutcome {
        let outcome = try await database.write { db in
            try await self.lockIdentityGraph(db)
            let rows = try await db.query(
                "SELECT seq, workspace_id, payload FROM events WHERE profile_id IS NULL ORDER BY seq LIMIT ?", .int(Int64(limit)))
            do {
                return try await self.stitch(db, rows)
            } catch {
                throw StitchPassError(seqs: rows.compactMap { $0[0].int }, underlying: error)
            }
        }
        if !outcome.touchedProfiles.isEmpty { profileWorkQueued.signal() }
        return outcome
    }

    private func stitch(_ db: any SQLExecutor, _ rows: [SQLRow]) async throws -> StitchOutcome {
        var byWorkspace: [(String, [(Int64, TrackingMessage)])] = []
        var parked: [[SQLValue]] = []
        for row in rows {
            let seq = try row.int(0)
            let workspaceID = try row.text(1)
            guard case .object(let payload)? = try? JSONParser.parseStored(try row.text(2)),
                let message = TrackingMessage(storedPayload: payload)
            else {
                parked.append([.int(Self.parkedProfileID), .text(workspaceID), .int(seq)])
                continue
            }
            if let index = byWorkspace.firstIndex(where: { $0.0 == workspaceID }) {
                byWorkspace[index].1.append((seq, message))
            } else {
                byWorkspace.append((workspaceID, [(seq, message)]))
            }
        }
        var outcome = StitchOutcome()
        // Workspaces in one order, so that concurrent transactions (another node's pass, the intelligence
        // worker) meet the rows they share in one order and cannot deadlock over them.
        byWorkspace.sort { $0.0 < $1.0 }
        for (workspaceID, messages) in byWorkspace {
            try await self.stitch(db, workspaceID: workspaceID, messages: messages, parked: &parked, outcome: &outcome)
        }
        try await db.executeMany("UPDATE events SET profile_id = ? WHERE workspace_id = ? AND seq = ?", parked)
        outcome.events = rows.count
        return outcome
    }

    private func stitch(
        _ db: any SQLExecutor, workspaceID: String, messages: [(Int64, TrackingMessage)], parked: inout [[SQLValue]],
        outcome: inout StitchOutcome
    ) async throws {
        let settingsRow = try await db.query("SELECT settings FROM workspaces WHERE id = ?", .text(workspaceID)).first
        let settings = (try? settingsRow.map { try JSONParser.parseStored(try $0.text(0)) })??["uniqueIdentityTypes"]?
            .arrayValue?.compactMap(\.stringValue) ?? WorkspaceSettings.defaultUniqueIdentityTypes
        let extractor = IdentityExtractor(uniqueTypes: settings)
        let planner = StitchPlanner(uniqueTypes: settings)
        var events: [StitchPlanner.Event] = []
        for (seq, message) in messages {
            let identities = extractor.extract(from: message).identities
            if identities.isEmpty {
                parked.append([.int(Self.parkedProfileID), .text(workspaceID), .int(seq)])
            } else {
                events.append(.init(seq: seq, message: message, identities: identities))
            }
        }
        let slice = try await loadSlice(
            db, workspaceID: workspaceID, identities: StitchPlanner.identitiesToLoad(for: events), planner: planner)
        let plan = planner.plan(events, slice: slice)
        let messagesBySeq = Dictionary(uniqueKeysWithValues: messages)
        try await apply(plan, db, workspaceID: workspaceID, messages: messagesBySeq, outcome: &outcome)
    }

    private func loadSlice(
        _ db: any SQLExecutor, workspaceID: String, identities: Set<Identity>, planner: StitchPlanner
    ) async throws -> GraphSlice {
        var slice = GraphSlice()
        let ws = SQLValue.text(workspaceID)
        // An OR of full primary-key equalities: SQLite (multi-index OR) and Postgres (bitmap OR) answer each branch
        // from the key. Keeping `workspace_id` inside every branch matters: outside, SQLite without statistics
        // treats it as selective and scans the whole workspace instead.
        for chunk in Array(identities).chunked(100) {
            let rows = try await db.query(
                """
                SELECT type, value, profile_id FROM identities WHERE \(
                    Array(repeating: "(workspace_id = ? AND type = ? AND value = ?)", count: chunk.count).joined(separator: " OR "))
                """, chunk.flatMap { [ws, SQLValue.text($0.type), .text($0.value)] })
            for row in rows {
                slice.owners[Identity(uncheckedType: try row.text(0), value: try row.text(1))] = ProfileRef(try row.int(2))
            }
        }
        let owners = Array(Set(slice.owners.values.map(\.raw)))
        var roots = Set<Int64>()
        for chunk in owners.chunked(500) {
            let rows = try await db.query(
                "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND id IN (\(placeholders(chunk.count)))",
                [ws] + chunk.map(SQLValue.int))
            for row in rows {
                slice.canonical[ProfileRef(try row.int(0))] = ProfileRef(try row.int(1))
                roots.insert(try row.int(1))
            }
        }
        for chunk in Array(roots).chunked(500) {
            // Members first, then their identities: each step is an index range, whatever the planner's statistics.
            var rootOf: [Int64: Int64] = [:]
            for row in try await db.query(
                "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND canonical_id IN (\(placeholders(chunk.count)))",
                [ws] + chunk.map(SQLValue.int))
            {
                rootOf[try row.int(0)] = try row.int(1)
            }
            for members in Array(rootOf.keys).chunked(500) {
                let rows = try await db.query(
                    "SELECT profile_id, type, value FROM identities WHERE workspace_id = ? AND profile_id IN (\(placeholders(members.count)))",
                    [ws] + members.map(SQLValue.int))
                for row in rows where planner.isUnique(try row.text(1)) {
                    guard let root = rootOf[try row.int(0)] else { continue }
                    slice.uniqueValues[ProfileRef(root), default: [:]][try row.text(1)] = try row.text(2)
                }
            }
            let blocks = try await db.query(
                """
                SELECT pa.canonical_id, pb.canonical_id FROM merge_blocks b
                JOIN profiles pa ON pa.workspace_id = b.workspace_id AND pa.id = b.profile_a
                JOIN profiles pb ON pb.workspace_id = b.workspace_id AND pb.id = b.profile_b
                WHERE b.workspace_id = ? AND (pa.canonical_id IN (\(placeholders(chunk.count)))
                    OR pb.canonical_id IN (\(placeholders(chunk.count))))
                """, [ws] + chunk.map(SQLValue.int) + chunk.map(SQLValue.int))
            for row in blocks {
                slice.blockedPairs.insert(ProfilePair(ProfileRef(try row.int(0)), ProfileRef(try row.int(1))))
            }
        }
        return slice
    }

    private func apply(
        _ plan: StitchPlan, _ db: any SQLExecutor, workspaceID: String, messages: [Int64: TrackingMessage],
        outcome: inout StitchOutcome
    ) async throws {
        let ws = SQLValue.text(workspaceID)
        var real: [ProfileRef: Int64] = [:]
        for profile in plan.newProfiles {
            let row = try await db.query(
                """
                INSERT INTO profiles (workspace_id, canonical_id, created_at, first_seen, last_seen)
                VALUES (?, 0, ?, ?, ?) RETURNING id
                """, ws, profile.firstSeen.sql, profile.firstSeen.sql, profile.firstSeen.sql)
            let id = try row[0].int(0)
            try await db.execute("UPDATE profiles SET canonical_id = ? WHERE workspace_id = ? AND id = ?", .int(id), ws, .int(id))
            real[profile.ref] = id
        }
        func id(_ ref: ProfileRef) -> SQLValue { .int(ref.isProvisional ? real[ref]! : ref.raw) }

        try await db.executeMany(
            """
            INSERT INTO identities (workspace_id, type, value, profile_id, first_seen, message_id)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, type, value) DO NOTHING
            """,
            plan.attachments.map {
                [ws, .text($0.identity.type), .text($0.identity.value), id($0.profile), $0.firstSeen.sql, .text($0.messageID)]
            })

        for merge in plan.merges {
            let survivor = id(merge.survivor)
            let merged = id(merge.merged)
            try await db.execute(
                "UPDATE profiles SET canonical_id = ? WHERE workspace_id = ? AND canonical_id = ?", survivor, ws, merged)
            try await db.execute("UPDATE profiles SET merged_into = ? WHERE workspace_id = ? AND id = ?", survivor, ws, merged)
            try await Self.absorbIntelligence(db, workspaceID, merged: merged.int!, into: survivor.int!, at: merge.at)
            try await db.execute(
                """
                INSERT INTO merges (workspace_id, survivor_id, merged_id, identity_type, identity_value, actor, reason,
                    message_id, created_at)
                VALUES (?, ?, ?, ?, ?, 'stitcher', ?, ?, ?)
                """, ws, survivor, merged, .text(merge.identity.type), .text(merge.identity.value), .text(merge.reason),
                .text(merge.messageID), merge.at.sql)
        }

        try await db.executeMany(
            """
            INSERT INTO identity_conflicts (workspace_id, kind, profile_id, other_profile_id, identity_type,
                identity_value, reason, message_id, created_at, last_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, profile_id, kind, identity_type, identity_value)
            DO UPDATE SET occurrences = identity_conflicts.occurrences + 1, last_at = excluded.last_at,
                message_id = excluded.message_id, other_profile_id = excluded.other_profile_id, reason = excluded.reason
            """,
            plan.conflicts.map {
                [ws, .text($0.kind.rawValue), id($0.profile), $0.otherProfile.map(id) ?? .null, .text($0.identity.type),
                 .text($0.identity.value), .text($0.reason), .text($0.messageID), $0.at.sql, $0.at.sql]
            })

        var seen: [Int64: (first: Instant, last: Instant)] = [:]
        var assignments: [[SQLValue]] = []
        var traitRows: [[SQLValue]] = []
        var historyRows: [[SQLValue]] = []
        for assignment in plan.assignments {
            let profile = id(assignment.profile)
            let raw = profile.int!
            assignments.append([profile, ws, .int(assignment.seq)])
            let previous = seen[raw]
            seen[raw] = (min(previous?.first ?? assignment.timestamp, assignment.timestamp),
                         max(previous?.last ?? assignment.timestamp, assignment.timestamp))
            guard let message = messages[assignment.seq] else { continue }
            for (key, value) in message.personTraits.sorted(by: { $0.key < $1.key }) {
                let json = SQLValue.text(JSONWriter.string(value))
                historyRows.append([ws, profile, .text(key), json, message.timestamp.sql, .text(message.messageID),
                                    ws, profile, .text(key), json])
                traitRows.append([ws, profile, .text(key), json, message.timestamp.sql])
            }
        }
        try await db.executeMany("UPDATE events SET profile_id = ? WHERE workspace_id = ? AND seq = ?", assignments)
        try await Self.feedJourneyInbox(db, workspaceID, seqs: plan.assignments.map(\.seq))
        try await db.executeMany(
            """
            UPDATE profiles SET
                first_seen = CASE WHEN first_seen > ? THEN ? ELSE first_seen END,
                last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END
            WHERE workspace_id = ? AND id = ?
            """,
            seen.map { [$0.value.first.sql, $0.value.first.sql, $0.value.last.sql, $0.value.last.sql, ws, .int($0.key)] })
        // One statement per trait, in event order: history first (only when the value differs from the profile's
        // current one), then the last-write-wins upsert by event time.
        for (history, trait) in zip(historyRows, traitRows) {
            try await db.execute(
                """
                INSERT INTO trait_history (workspace_id, profile_id, key, value, ts, message_id)
                SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (
                    SELECT 1 FROM profile_traits WHERE workspace_id = ? AND profile_id = ? AND key = ? AND value = ?)
                """, history)
            try await db.execute(
                """
                INSERT INTO profile_traits (workspace_id, profile_id, key, value, ts) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, profile_id, key)
                DO UPDATE SET value = excluded.value, ts = excluded.ts WHERE excluded.ts >= profile_traits.ts
                """, trait)
        }

        outcome.newProfiles += plan.newProfiles.count
        outcome.merges += plan.merges.count
        outcome.conflicts += plan.conflicts.count
        let touched = Set(seen.keys)
        if !touched.isEmpty {
            let list = Array(touched)
            let roots = try await db.query(
                "SELECT canonical_id FROM profiles WHERE workspace_id = ? AND id IN (\(placeholders(list.count)))",
                [ws] + list.map(SQLValue.int))
            let touchedRoots = try roots.map { try $0.int(0) }
            outcome.touchedProfiles.formUnion(touchedRoots)
            try await Self.queueProfileWork(db, workspaceID, Set(touchedRoots), at: plan.assignments.map(\.timestamp).max() ?? Instant(millisecondsSinceEpoch: 0))
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
