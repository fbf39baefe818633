import PondCore

/// The audit trail of stitching (merges and refused links) and the operator's undo.
extension Store {
    private static let mergeColumns = """
        id, survivor_id, merged_id, identity_type, identity_value, actor, reason, message_id, created_at, undone_at, undone_by
        """

    /// Merges that involve any profile currently or formerly in this profile's cluster, newest first.
    public func merges(workspaceID: String, profileID: Int64) async throws -> [MergeRecord] {
        try await database.read { db in
            guard let root = try await Self.root(db, workspaceID, profileID) else { return [] }
            let members = try await Self.members(db, workspaceID, root: root)
            let list = placeholders(members.count)
            let ids = members.map(SQLValue.int)
            return try await db.query(
                """
                SELECT \(Self.mergeColumns) FROM merges
                WHERE workspace_id = ? AND (survivor_id IN (\(list)) OR merged_id IN (\(list))) ORDER BY id DESC
                """, [.text(workspaceID)] + ids + ids
            ).map(Self.decodeMerge)
        }
    }

    public func merge(workspaceID: String, id: Int64) async throws -> MergeRecord? {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.mergeColumns) FROM merges WHERE workspace_id = ? AND id = ?", .text(workspaceID), .int(id)
            ).first.map(Self.decodeMerge)
        }
    }

    public enum UnmergeError: Error, Sendable, Equatable {
        case notFound
        case alreadyUndone
    }

    /// Separates the merged side of a merge from its survivor again.
    ///
    /// Nothing is moved back, because nothing was moved: events, identities and traits always stay on the profile
    /// that first held them, and merging only pointed one cluster root at another. Undoing re-roots the merged
    /// profile (and whatever was merged into it before) and records a block so the stitcher does not join the two
    /// again on the next event that links them.
    public func unmerge(workspaceID: String, mergeID: Int64, actor: String, at: Instant) async throws -> MergeRecord {
        let outcome: Result<MergeRecord, UnmergeError> = try await writeQueuingProfileWork { db in
            try await self.lockIdentityGraph(db)
            let ws = SQLValue.text(workspaceID)
            guard let merge = try await db.query(
                "SELECT \(Self.mergeColumns) FROM merges WHERE workspace_id = ? AND id = ?", ws, .int(mergeID)
            ).first.map(Self.decodeMerge) else { return .failure(.notFound) }
            guard merge.undoneAt == nil else { return .failure(.alreadyUndone) }
            guard let root = try await Self.root(db, workspaceID, merge.survivorID) else { return .failure(.notFound) }
            let rows = try await db.query(
                "SELECT id, merged_into FROM profiles WHERE workspace_id = ? AND canonical_id = ?", ws, .int(root))
            var children: [Int64: [Int64]] = [:]
            for row in rows {
                if let parent = row[1].int { children[parent, default: []].append(try row.int(0)) }
            }
            var subtree: [Int64] = []
            var queue = [merge.mergedID]
            while let next = queue.popLast() {
                subtree.append(next)
                queue += children[next] ?? []
            }
            try await db.execute("UPDATE profiles SET merged_into = NULL WHERE workspace_id = ? AND id = ?", ws, .int(merge.mergedID))
            try await db.execute(
                "UPDATE profiles SET canonical_id = ? WHERE workspace_id = ? AND id IN (\(placeholders(subtree.count)))",
                [.int(merge.mergedID), ws] + subtree.map(SQLValue.int))
            let pair = ProfilePair(ProfileRef(merge.survivorID), ProfileRef(merge.mergedID))
            try await db.execute(
                """
                INSERT INTO merge_blocks (workspace_id, profile_a, profile_b, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (workspace_id, profile_a, profile_b) DO NOTHING
                """, ws, .int(pair.low.raw), .int(pair.high.raw), at.sql)
            try await db.execute(
                "UPDATE merges SET undone_at = ?, undone_by = ? WHERE workspace_id = ? AND id = ?",
                at.sql, .text(actor), ws, .int(mergeID))
            try await Self.refreshConsentSummaries(db, workspaceID, roots: [root, merge.mergedID])
            try await Self.queueProfileWork(db, workspaceID, [root, merge.mergedID], at: at)
            var undone = merge
            undone.undoneAt = at
            undone.undoneBy = actor
            return .success(undone)
        }
        return try outcome.get()
    }

    /// Links the stitcher refused, newest first; for one cluster when `profileID` is given.
    public func conflicts(workspaceID: String, profileID: Int64?, limit: Int = 100) async throws -> [ConflictRecord] {
        try await database.read { db in
            var sql = """
                SELECT id, kind, profile_id, other_profile_id, identity_type, identity_value, reason, message_id, last_at,
                    created_at, occurrences
                FROM identity_conflicts WHERE workspace_id = ?
                """
            var binds: [SQLValue] = [.text(workspaceID)]
            if let profileID {
                guard let root = try await Self.root(db, workspaceID, profileID) else { return [] }
                let members = try await Self.members(db, workspaceID, root: root)
                sql += " AND profile_id IN (\(placeholders(members.count)))"
                binds += members.map(SQLValue.int)
            }
            sql += " ORDER BY last_at DESC, id DESC LIMIT ?"
            binds.append(.int(Int64(limit)))
            return try await db.query(sql, binds).map {
                ConflictRecord(
                    id: try $0.int(0), kind: try $0.text(1), profileID: try $0.int(2), otherProfileID: $0[3].int,
                    identity: Identity(uncheckedType: try $0.text(4), value: try $0.text(5)), reason: try $0.text(6),
                    messageID: try $0.text(7), at: try $0.instant(8), firstAt: try $0.instant(9),
                    occurrences: Int(try $0.int(10)))
            }
        }
    }

    private static func decodeMerge(_ row: SQLRow) throws -> MergeRecord {
        MergeRecord(
            id: try row.int(0), survivorID: try row.int(1), mergedID: try row.int(2),
            identity: Identity(uncheckedType: try row.text(3), value: try row.text(4)), actor: try row.text(5),
            reason: try row.text(6), messageID: row[7].text, at: try row.instant(8), undoneAt: row.optionalInstant(9),
            undoneBy: row[10].text)
    }
}
