import PondCore

/// A message template as stored in a workspace.
public struct StoredTemplate: Sendable, Hashable {
    public var id: String
    public var template: MessageTemplate
    /// 1 when created, one more with every save: a broadcast records the version it sent.
    public var version: Int
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(id: String, template: MessageTemplate, version: Int, createdAt: Instant, updatedAt: Instant) {
        self.id = id
        self.template = template
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Templates (`message_templates`) and what filling them reads of customers: their traits, many at a time, and the
/// trait keys a workspace knows.
extension Store {
    /// At most this many trait keys are read for a template's vocabulary.
    public static let maximumTraitKeys = 10_000

    public func templates(workspaceID: String) async throws -> [StoredTemplate] {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.templateColumns) FROM message_templates WHERE workspace_id = ? ORDER BY id", .text(workspaceID)
            ).map(Self.decodeTemplate)
        }
    }

    public func template(workspaceID: String, id: String) async throws -> StoredTemplate? {
        try await database.read { db in try await Self.template(db, workspaceID, id) }
    }

    public func templateIDs(workspaceID: String) async throws -> Set<String> {
        try await database.read { db in
            Set(try await db.query("SELECT id FROM message_templates WHERE workspace_id = ?", .text(workspaceID)).map { try $0.text(0) })
        }
    }

    /// Creates or replaces a template; a replacement keeps its creation time and takes the next version. Returns
    /// the template as stored.
    @discardableResult
    public func saveTemplate(workspaceID: String, id: String, _ template: MessageTemplate, at now: Instant) async throws
        -> StoredTemplate
    {
        try await database.write { db in
            try await db.execute(
                """
                INSERT INTO message_templates (workspace_id, id, name, category, definition, version, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 1, ?, ?)
                ON CONFLICT (workspace_id, id) DO UPDATE SET name = excluded.name, category = excluded.category,
                    definition = excluded.definition, version = message_templates.version + 1, updated_at = excluded.updated_at
                """, .text(workspaceID), .text(id), .text(template.name), .text(template.category.rawValue),
                .text(JSONWriter.string(template.json)), now.sql, now.sql)
            guard let saved = try await Self.template(db, workspaceID, id) else { throw StoreError.corrupt("template \(id) vanished") }
            return saved
        }
    }

    /// Whether there was a template to delete.
    public func deleteTemplate(workspaceID: String, id: String) async throws -> Bool {
        try await database.write { db in
            try await db.execute("DELETE FROM message_templates WHERE workspace_id = ? AND id = ?", .text(workspaceID), .text(id)) > 0
        }
    }

    /// The trait keys some customer of the workspace has, at most `limit` of them: what a template's variables may
    /// name. There is no catalog of trait keys, so this reads the workspace's range of `profile_traits`; it runs when
    /// a template is saved, not per message.
    public func traitKeys(workspaceID: String, limit: Int = Store.maximumTraitKeys) async throws -> Set<String> {
        try await database.read { db in
            Set(
                try await db.query(
                    "SELECT DISTINCT key FROM profile_traits WHERE workspace_id = ? LIMIT ?", .text(workspaceID), .int(Int64(limit))
                ).map { try $0.text(0) })
        }
    }

    /// The traits of each profile's cluster, keyed by the profile ids asked for (any member of a cluster reads the
    /// whole cluster): per key, the value written with the latest event time among the members, a tie going to the
    /// higher member id — what `profileFacts` reads, without the events. Profiles the workspace does not have are
    /// absent; profiles without traits map to `[:]`.
    public func profileTraits(workspaceID: String, profileIDs: [Int64]) async throws -> [Int64: [String: JSONValue]] {
        guard !profileIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var traits: [Int64: [String: JSONValue]] = [:]
            for chunk in profileIDs.chunked(500) {
                let ws = SQLValue.text(workspaceID)
                var latest: [Int64: [String: (ts: Int64, member: Int64)]] = [:]
                for row in try await db.query(
                    """
                    SELECT a.id, t.key, t.value, t.ts, t.profile_id FROM profiles a
                    JOIN profiles m ON m.workspace_id = a.workspace_id AND m.canonical_id = a.canonical_id
                    LEFT JOIN profile_traits t ON t.workspace_id = m.workspace_id AND t.profile_id = m.id
                    WHERE a.workspace_id = ? AND a.id IN (\(placeholders(chunk.count)))
                    """, [ws] + chunk.map(SQLValue.int))
                {
                    let profile = try row.int(0)
                    guard let key = row[1].text else {
                        if traits[profile] == nil { traits[profile] = [:] }
                        continue
                    }
                    let stamp = (ts: try row.int(3), member: try row.int(4))
                    if let current = latest[profile]?[key], (current.ts, current.member) > (stamp.ts, stamp.member) { continue }
                    latest[profile, default: [:]][key] = stamp
                    traits[profile, default: [:]][key] = (try? JSONParser.parseStored(try row.text(2))) ?? .null
                }
            }
            return traits
        }
    }

    static let templateColumns = "id, definition, version, created_at, updated_at"

    static func template(_ db: any SQLExecutor, _ workspaceID: String, _ id: String) async throws -> StoredTemplate? {
        try await db.query(
            "SELECT \(templateColumns) FROM message_templates WHERE workspace_id = ? AND id = ?", .text(workspaceID), .text(id)
        ).first.map(decodeTemplate)
    }

    static func decodeTemplate(_ row: SQLRow) throws -> StoredTemplate {
        let id = try row.text(0)
        return StoredTemplate(
            id: id, template: try decodeTemplateDefinition(try row.text(1), id: id), version: Int(try row.int(2)),
            createdAt: try row.instant(3), updatedAt: try row.instant(4))
    }

    /// A template's stored JSON form, read back (it was checked when saved).
    static func decodeTemplateDefinition(_ text: String, id: String) throws -> MessageTemplate {
        do {
            return try MessageTemplate(json: try JSONParser.parseStored(text))
        } catch {
            throw StoreError.corrupt("template \(id) does not read back: \(error)")
        }
    }
}
