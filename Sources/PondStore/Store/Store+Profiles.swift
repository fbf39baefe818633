import PondCore

/// Reading unified profiles. A profile id of any member of a cluster resolves to the whole cluster.
extension Store {
    /// The cluster root for a profile id, or nil if the workspace has no such profile.
    public func rootProfileID(workspaceID: String, profileID: Int64) async throws -> Int64? {
        try await database.read { db in try await Self.root(db, workspaceID, profileID) }
    }

    static func root(_ db: any SQLExecutor, _ workspaceID: String, _ profileID: Int64) async throws -> Int64? {
        try await db.query(
            "SELECT canonical_id FROM profiles WHERE workspace_id = ? AND id = ?", .text(workspaceID), .int(profileID)
        ).first?.int(0)
    }

    static func members(_ db: any SQLExecutor, _ workspaceID: String, root: Int64) async throws -> [Int64] {
        try await db.query(
            "SELECT id FROM profiles WHERE workspace_id = ? AND canonical_id = ? ORDER BY id", .text(workspaceID), .int(root)
        ).map { try $0.int(0) }
    }

    /// The root profile holding `identity` (after normalisation by the caller).
    public func profileID(workspaceID: String, identity: Identity) async throws -> Int64? {
        try await database.read { db in
            try await db.query(
                """
                SELECT p.canonical_id FROM identities i
                JOIN profiles p ON p.workspace_id = i.workspace_id AND p.id = i.profile_id
                WHERE i.workspace_id = ? AND i.type = ? AND i.value = ?
                """, .text(workspaceID), .text(identity.type), .text(identity.value)
            ).first?.int(0)
        }
    }

    public func profile(workspaceID: String, id: Int64) async throws -> ProfileView? {
        try await database.read { db in try await Self.view(db, workspaceID, id) }
    }

    static func view(_ db: any SQLExecutor, _ workspaceID: String, _ id: Int64) async throws -> ProfileView? {
        guard let root = try await root(db, workspaceID, id) else { return nil }
        let ws = SQLValue.text(workspaceID)
        let memberRows = try await db.query(
            "SELECT id, created_at, first_seen, last_seen FROM profiles WHERE workspace_id = ? AND canonical_id = ? ORDER BY id",
            ws, .int(root))
        let members = try memberRows.map { try $0.int(0) }
        let inList = "(\(placeholders(members.count)))"
        let memberBinds = [ws] + members.map(SQLValue.int)
        let identities = try await db.query(
            "SELECT type, value, profile_id, first_seen FROM identities WHERE workspace_id = ? AND profile_id IN \(inList) ORDER BY type, value",
            memberBinds
        ).map {
            ProfileIdentity(
                identity: Identity(uncheckedType: try $0.text(0), value: try $0.text(1)), profileID: try $0.int(2),
                firstSeen: try $0.instant(3))
        }
        var traits: [String: ProfileTrait] = [:]
        for row in try await db.query(
            "SELECT key, value, ts FROM profile_traits WHERE workspace_id = ? AND profile_id IN \(inList)", memberBinds)
        {
            let trait = ProfileTrait(
                key: try row.text(0), value: (try? JSONParser.parseStored(try row.text(1))) ?? .null, updatedAt: try row.instant(2))
            if let existing = traits[trait.key], existing.updatedAt > trait.updatedAt { continue }
            traits[trait.key] = trait
        }
        var channels: [String: Int] = [:]
        for row in try await db.query(
            "SELECT channel, COUNT(*) FROM events WHERE workspace_id = ? AND profile_id IN \(inList) AND channel <> ? GROUP BY channel",
            memberBinds + [.text(systemChannel)])
        {
            channels[try row.text(0)] = Int(try row.int(1))
        }
        let rootRow = memberRows.first { (try? $0.int(0)) == root }
        return ProfileView(
            id: root, createdAt: try rootRow?.instant(1) ?? memberRows[0].instant(1),
            firstSeen: try memberRows.map { try $0.instant(2) }.min(), lastSeen: try memberRows.map { try $0.instant(3) }.max(),
            mergedProfileIDs: members.filter { $0 != root }, identities: identities,
            traits: traits.values.sorted { $0.key < $1.key }, channels: channels,
            eventCount: channels.values.reduce(0, +))
    }

    /// Root profiles in id order, optionally only those holding an identity whose value starts with `search`.
    public func profiles(workspaceID: String, search: String?, after: Int64?, limit: Int) async throws -> [ProfileView] {
        try await database.read { db in
            let ws = SQLValue.text(workspaceID)
            let ids: [Int64]
            if let search, !search.isEmpty {
                func pattern(_ prefix: String) -> SQLValue {
                    .text(prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                        .replacingOccurrences(of: "_", with: "\\_") + "%")
                }
                // Mainland phones are stored as +86…, so "138…" also searches "+86138…".
                let phone = search.first == "1" && search.allSatisfy(\.isNumber) ? "+86" + search : search
                ids = try await db.query(
                    """
                    SELECT DISTINCT p.canonical_id FROM identities i
                    JOIN profiles p ON p.workspace_id = i.workspace_id AND p.id = i.profile_id
                    WHERE i.workspace_id = ? AND (i.value LIKE ? ESCAPE '\\' OR i.value LIKE ? ESCAPE '\\')
                        AND p.canonical_id > ?
                    ORDER BY p.canonical_id LIMIT ?
                    """, ws, pattern(search), pattern(phone), .int(after ?? 0), .int(Int64(limit))
                ).map { try $0.int(0) }
            } else {
                ids = try await db.query(
                    "SELECT id FROM profiles WHERE workspace_id = ? AND canonical_id = id AND id > ? ORDER BY id LIMIT ?",
                    ws, .int(after ?? 0), .int(Int64(limit))
                ).map { try $0.int(0) }
            }
            var views: [ProfileView] = []
            for id in ids {
                if let view = try await Self.view(db, workspaceID, id) { views.append(view) }
            }
            return views
        }
    }

    /// Root profiles in the workspace.
    public func profileCount(workspaceID: String) async throws -> Int {
        try await database.read { db in
            Int(try await db.query(
                "SELECT COUNT(*) FROM profiles WHERE workspace_id = ? AND canonical_id = id", .text(workspaceID)
            ).first?.int(0) ?? 0)
        }
    }

    /// A page of the cluster's events across all channels, newest first. `before` is the `(timestamp, seq)` of the
    /// last event of the previous page.
    public func timeline(
        workspaceID: String, profileID: Int64, before: (Instant, Int64)? = nil, limit: Int = 50
    ) async throws -> [StoredEvent] {
        try await database.read { db in
            guard let root = try await Self.root(db, workspaceID, profileID) else { return [] }
            let members = try await Self.members(db, workspaceID, root: root)
            var sql = "SELECT seq, profile_id, source, channel, payload FROM events WHERE workspace_id = ? AND profile_id IN (\(placeholders(members.count)))"
            var binds = [SQLValue.text(workspaceID)] + members.map(SQLValue.int)
            if let (ts, seq) = before {
                sql += " AND (ts < ? OR (ts = ? AND seq < ?))"
                binds += [ts.sql, ts.sql, .int(seq)]
            }
            sql += " ORDER BY ts DESC, seq DESC LIMIT ?"
            binds.append(.int(Int64(limit)))
            return try await db.query(sql, binds).compactMap { row in
                guard case .object(let payload)? = try? JSONParser.parseStored(try row.text(4)),
                    let message = TrackingMessage(storedPayload: payload)
                else { return nil }
                return StoredEvent(
                    seq: try row.int(0), workspaceID: workspaceID, profileID: row[1].int, source: try row.text(2),
                    channel: try row.text(3), message: message)
            }
        }
    }

    /// Every recorded value of one trait across the cluster, oldest first.
    public func traitHistory(workspaceID: String, profileID: Int64, key: String) async throws -> [TraitChange] {
        try await database.read { db in
            guard let root = try await Self.root(db, workspaceID, profileID) else { return [] }
            let members = try await Self.members(db, workspaceID, root: root)
            return try await db.query(
                """
                SELECT profile_id, key, value, ts, message_id FROM trait_history
                WHERE workspace_id = ? AND key = ? AND profile_id IN (\(placeholders(members.count))) ORDER BY ts, id
                """, [.text(workspaceID), .text(key)] + members.map(SQLValue.int)
            ).map {
                TraitChange(
                    profileID: try $0.int(0), key: try $0.text(1), value: (try? JSONParser.parseStored(try $0.text(2))) ?? .null,
                    at: try $0.instant(3), messageID: try $0.text(4))
            }
        }
    }
}
