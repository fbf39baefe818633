import PondCore

extension Store {
    private static let segmentColumns = """
        s.id, s.name, s.description, s.kind, s.rule, s.created_at, s.updated_at, s.evaluated_at,
        (SELECT COUNT(*) FROM segment_members m WHERE m.workspace_id = s.workspace_id AND m.segment_id = s.id)
        """

    public func segments(workspaceID: String) async throws -> [SegmentDefinition] {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.segmentColumns) FROM segments s WHERE s.workspace_id = ? ORDER BY s.id", .text(workspaceID)
            ).map(Self.segment)
        }
    }

    public func segment(workspaceID: String, id: String) async throws -> SegmentDefinition? {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.segmentColumns) FROM segments s WHERE s.workspace_id = ? AND s.id = ?",
                .text(workspaceID), .text(id)
            ).first.map(Self.segment)
        }
    }

    /// Creates or replaces a definition. Members are left as they are; the caller re-evaluates.
    public func saveSegment(_ segment: SegmentDefinition, workspaceID: String) async throws {
        try await database.write { db in
            try await db.execute(
                """
                INSERT INTO segments (workspace_id, id, name, description, kind, rule, time_dependent, created_at,
                    updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, id) DO UPDATE SET name = excluded.name, description = excluded.description,
                    kind = excluded.kind, rule = excluded.rule, time_dependent = excluded.time_dependent,
                    updated_at = excluded.updated_at
                """, .text(workspaceID), .text(segment.id), .text(segment.name), .text(segment.description),
                .text(segment.kind.rawValue), SQLValue(segment.rule.map { JSONWriter.string($0.json) }),
                .int(segment.rule?.isTimeDependent == true ? 1 : 0), segment.createdAt.sql, segment.updatedAt.sql)
        }
    }

    /// Deletes a segment and its members, recording their exits. Returns false if there was no such segment.
    public func deleteSegment(workspaceID: String, id: String, at: Instant) async throws -> Bool {
        try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            let members = try await db.query(
                "SELECT profile_id FROM segment_members WHERE workspace_id = ? AND segment_id = ?", ws, .text(id)
            ).map { try $0.int(0) }
            try await Self.recordSegmentChanges(
                db, workspaceID,
                members.map { SegmentChange(segmentID: id, profileID: $0, entered: false, reason: "segment deleted") },
                at: at)
            try await db.execute("DELETE FROM segment_members WHERE workspace_id = ? AND segment_id = ?", ws, .text(id))
            return try await db.execute("DELETE FROM segments WHERE workspace_id = ? AND id = ?", ws, .text(id)) > 0
        }
    }

    /// Member ids in ascending order, after `after`.
    public func segmentMembers(workspaceID: String, segmentID: String, after: Int64?, limit: Int) async throws -> [(
        profileID: Int64, since: Instant
    )] {
        try await database.read { db in
            try await db.query(
                """
                SELECT profile_id, since FROM segment_members
                WHERE workspace_id = ? AND segment_id = ? AND profile_id > ? ORDER BY profile_id LIMIT ?
                """, .text(workspaceID), .text(segmentID), .int(after ?? Int64.min), .int(Int64(limit))
            ).map { (try $0.int(0), try $0.instant(1)) }
        }
    }

    /// The segments a profile (cluster root) is in.
    public func memberships(workspaceID: String, profileID: Int64) async throws -> [(segmentID: String, since: Instant)] {
        try await database.read { db in
            try await db.query(
                "SELECT segment_id, since FROM segment_members WHERE workspace_id = ? AND profile_id = ? ORDER BY segment_id",
                .text(workspaceID), .int(profileID)
            ).map { (try $0.text(0), try $0.instant(1)) }
        }
    }

    /// The segments each of many profiles (cluster roots) is in; a profile in none has no entry.
    public func memberships(workspaceID: String, profileIDs: [Int64]) async throws -> [Int64: Set<String>] {
        guard !profileIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var segments: [Int64: Set<String>] = [:]
            for chunk in Array(Set(profileIDs)).chunked(500) {
                for row in try await db.query(
                    "SELECT profile_id, segment_id FROM segment_members WHERE workspace_id = ? AND profile_id IN (\(placeholders(chunk.count)))",
                    [.text(workspaceID)] + chunk.map(SQLValue.int))
                {
                    segments[try row.int(0), default: []].insert(try row.text(1))
                }
            }
            return segments
        }
    }

    /// Sets a segment's members to exactly `members`, recording every enter and exit with `reason`, and stamps the
    /// evaluation time. Returns how many entered and left.
    @discardableResult
    public func replaceSegmentMembers(
        workspaceID: String, segmentID: String, members: Set<Int64>, at: Instant, reason: String
    ) async throws -> (entered: Int, exited: Int) {
        try await database.write { db in
            let current = Set(
                try await db.query(
                    "SELECT profile_id FROM segment_members WHERE workspace_id = ? AND segment_id = ?",
                    .text(workspaceID), .text(segmentID)
                ).map { try $0.int(0) })
            let entering = members.subtracting(current).sorted()
            let leaving = current.subtracting(members).sorted()
            try await Self.applyMembership(db, workspaceID, segmentID, entering: entering, leaving: leaving, at: at, reason: reason)
            try await db.execute(
                "UPDATE segments SET evaluated_at = ? WHERE workspace_id = ? AND id = ?", at.sql, .text(workspaceID),
                .text(segmentID))
            return (entering.count, leaving.count)
        }
    }

    /// Adds members to a (static) segment; those already in it are left alone. Returns how many entered.
    public func addSegmentMembers(workspaceID: String, segmentID: String, members: Set<Int64>, at: Instant, reason: String)
        async throws -> Int
    {
        try await database.write { db in
            let current = Set(
                try await db.query(
                    "SELECT profile_id FROM segment_members WHERE workspace_id = ? AND segment_id = ?",
                    .text(workspaceID), .text(segmentID)
                ).map { try $0.int(0) })
            let entering = members.subtracting(current).sorted()
            try await Self.applyMembership(db, workspaceID, segmentID, entering: entering, leaving: [], at: at, reason: reason)
            try await db.execute(
                "UPDATE segments SET evaluated_at = ? WHERE workspace_id = ? AND id = ?", at.sql, .text(workspaceID),
                .text(segmentID))
            return entering.count
        }
    }

    static func applyMembership(
        _ db: any SQLExecutor, _ workspaceID: String, _ segmentID: String, entering: [Int64], leaving: [Int64],
        at: Instant, reason: String
    ) async throws {
        let ws = SQLValue.text(workspaceID)
        let segment = SQLValue.text(segmentID)
        try await db.executeMany(
            "INSERT INTO segment_members (workspace_id, segment_id, profile_id, since) VALUES (?, ?, ?, ?)",
            entering.map { [ws, segment, .int($0), at.sql] })
        try await db.executeMany(
            "DELETE FROM segment_members WHERE workspace_id = ? AND segment_id = ? AND profile_id = ?",
            leaving.map { [ws, segment, .int($0)] })
        try await recordSegmentChanges(
            db, workspaceID,
            entering.map { SegmentChange(segmentID: segmentID, profileID: $0, entered: true, reason: reason) }
                + leaving.map { SegmentChange(segmentID: segmentID, profileID: $0, entered: false, reason: reason) },
            at: at)
    }

    /// Logs transitions, and hands those journeys listen for to the journey inbox — unless `feedingJourneys` is
    /// false: a merged profile's exits are bookkeeping (its cluster lives on in the survivor), not a customer leaving.
    static func recordSegmentChanges(
        _ db: any SQLExecutor, _ workspaceID: String, _ changes: [SegmentChange], at: Instant, feedingJourneys: Bool = true
    ) async throws {
        try await db.executeMany(
            "INSERT INTO segment_changes (workspace_id, segment_id, profile_id, change, at, reason) VALUES (?, ?, ?, ?, ?, ?)",
            changes.map {
                [.text(workspaceID), .text($0.segmentID), .int($0.profileID), .text($0.entered ? "enter" : "exit"), at.sql,
                 .text($0.reason)]
            })
        if feedingJourneys { try await feedJourneyInbox(db, workspaceID, changes: changes, at: at) }
    }

    /// The enter/exit log in order, after sequence number `after`: a cursor journeys and exports follow.
    public func segmentChanges(workspaceID: String, segmentID: String?, profileID: Int64? = nil, after: Int64, limit: Int)
        async throws -> [SegmentChange]
    {
        try await database.read { db in
            var sql = "SELECT seq, segment_id, profile_id, change, at, reason FROM segment_changes WHERE workspace_id = ? AND seq > ?"
            var binds: [SQLValue] = [.text(workspaceID), .int(after)]
            if let segmentID {
                sql += " AND segment_id = ?"
                binds.append(.text(segmentID))
            }
            if let profileID {
                sql += " AND profile_id = ?"
                binds.append(.int(profileID))
            }
            return try await db.query(sql + " ORDER BY seq LIMIT ?", binds + [.int(Int64(limit))]).map {
                SegmentChange(
                    seq: try $0.int(0), segmentID: try $0.text(1), profileID: try $0.int(2), entered: try $0.text(3) == "enter",
                    at: try $0.instant(4), reason: try $0.text(5))
            }
        }
    }

    private static func segment(_ row: SQLRow) throws -> SegmentDefinition {
        let rule = try row[4].text.map { text -> SegmentRule in
            guard let rule = try? SegmentRule(json: try JSONParser.parse(text)) else {
                throw StoreError.corrupt("segment rule does not parse: \(text.prefix(80))")
            }
            return rule
        }
        return SegmentDefinition(
            id: try row.text(0), name: try row.text(1), description: try row.text(2),
            kind: SegmentDefinition.Kind(rawValue: try row.text(3)) ?? .dynamic, rule: rule, createdAt: try row.instant(5),
            updatedAt: try row.instant(6), evaluatedAt: row.optionalInstant(7), memberCount: Int(try row.int(8)))
    }
}
