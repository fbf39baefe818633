import PondCore

/// A heading tags are filed under in the console (会员等级, 兴趣偏好, 渠道来源).
public struct TagGroup: Sendable, Equatable {
    public var name: String
    public var description: String
    public var createdAt: Instant

    public init(name: String, description: String = "", createdAt: Instant) {
        self.name = name
        self.description = description
        self.createdAt = createdAt
    }
}

/// A tag a brand has defined. Tags are referred to by name everywhere (rules, segments, CSV), so a name is its key.
public struct TagDefinition: Sendable, Equatable {
    public var name: String
    public var group: String?
    public var description: String
    public var createdAt: Instant
    /// Filled when read from the store.
    public var profileCount: Int

    public init(name: String, group: String? = nil, description: String = "", createdAt: Instant, profileCount: Int = 0) {
        self.name = name
        self.group = group
        self.description = description
        self.createdAt = createdAt
        self.profileCount = profileCount
    }
}

/// A tag on a profile, with where it came from: `manual` (an operator), `rule` (an auto-tag rule, `sourceRef` is its
/// id), `import` (a CSV upload), `channel` (a channel code, e.g. the WeCom contact-me QR code it came through).
public struct ProfileTag: Sendable, Equatable {
    public var tag: String
    public var source: String
    public var sourceRef: String?
    public var taggedAt: Instant

    public init(tag: String, source: String, sourceRef: String? = nil, taggedAt: Instant) {
        self.tag = tag
        self.source = source
        self.sourceRef = sourceRef
        self.taggedAt = taggedAt
    }

    public static let sources: Set<String> = ["manual", "rule", "import", "channel"]
}

/// An auto-tag rule: while `rule` holds for a profile, `add` keeps the tag on it (and takes it off again, if this
/// rule put it there, once the rule stops holding); `remove` takes the tag off whoever it holds for.
public struct TagRule: Sendable, Equatable {
    public enum Action: String, Sendable { case add, remove }

    public var id: String
    public var name: String
    public var tag: String
    public var action: Action
    public var rule: SegmentRule
    public var enabled: Bool
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(
        id: String, name: String, tag: String, action: Action, rule: SegmentRule, enabled: Bool = true, createdAt: Instant,
        updatedAt: Instant
    ) {
        self.id = id
        self.name = name
        self.tag = tag
        self.action = action
        self.rule = rule
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Store {
    // MARK: Groups and definitions

    public func saveTagGroup(_ group: TagGroup, workspaceID: String) async throws {
        try await database.write { db in
            try await db.execute(
                """
                INSERT INTO tag_groups (workspace_id, name, description, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (workspace_id, name) DO UPDATE SET description = excluded.description
                """, .text(workspaceID), .text(group.name), .text(group.description), group.createdAt.sql)
        }
    }

    public func tagGroups(workspaceID: String) async throws -> [TagGroup] {
        try await database.read { db in
            try await db.query(
                "SELECT name, description, created_at FROM tag_groups WHERE workspace_id = ? ORDER BY name",
                .text(workspaceID)
            ).map { TagGroup(name: try $0.text(0), description: try $0.text(1), createdAt: try $0.instant(2)) }
        }
    }

    /// Deletes an empty group; a group that still files tags is refused (`StoreError.conflict`).
    public func deleteTagGroup(workspaceID: String, name: String) async throws -> Bool {
        try await database.write { db in
            let used = try await db.query(
                "SELECT COUNT(*) FROM tags WHERE workspace_id = ? AND group_name = ?", .text(workspaceID), .text(name)
            ).first?.int(0) ?? 0
            guard used == 0 else { throw StoreError.conflict("tag group '\(name)' still holds \(used) tags") }
            return try await db.execute(
                "DELETE FROM tag_groups WHERE workspace_id = ? AND name = ?", .text(workspaceID), .text(name)) > 0
        }
    }

    /// Creates or updates a tag. Its group must exist (`StoreError.notFound`).
    public func saveTag(_ tag: TagDefinition, workspaceID: String) async throws {
        try await database.write { db in
            if let group = tag.group {
                guard
                    try await !db.query(
                        "SELECT 1 FROM tag_groups WHERE workspace_id = ? AND name = ?", .text(workspaceID), .text(group)
                    ).isEmpty
                else { throw StoreError.notFound("tag group '\(group)' not found") }
            }
            try await db.execute(
                """
                INSERT INTO tags (workspace_id, name, group_name, description, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, name) DO UPDATE SET group_name = excluded.group_name,
                    description = excluded.description
                """, .text(workspaceID), .text(tag.name), SQLValue(tag.group), .text(tag.description), tag.createdAt.sql)
        }
    }

    public func tags(workspaceID: String) async throws -> [TagDefinition] {
        try await database.read { db in
            try await db.query(
                """
                SELECT t.name, t.group_name, t.description, t.created_at,
                    (SELECT COUNT(*) FROM profile_tags p WHERE p.workspace_id = t.workspace_id AND p.tag = t.name)
                FROM tags t WHERE t.workspace_id = ? ORDER BY t.name
                """, .text(workspaceID)
            ).map {
                TagDefinition(
                    name: try $0.text(0), group: $0[1].text, description: try $0.text(2), createdAt: try $0.instant(3),
                    profileCount: Int(try $0.int(4)))
            }
        }
    }

    /// Which of `names` are defined tags.
    public func existingTags(workspaceID: String, names: Set<String>) async throws -> Set<String> {
        guard !names.isEmpty else { return [] }
        return try await database.read { db in
            Set(
                try await db.query(
                    "SELECT name FROM tags WHERE workspace_id = ? AND name IN (\(placeholders(names.count)))",
                    [.text(workspaceID)] + names.map(SQLValue.text)
                ).map { try $0.text(0) })
        }
    }

    /// Deletes a tag and takes it off every profile (recording each removal). Refused while an auto-tag rule
    /// maintains it (`StoreError.conflict`).
    public func deleteTag(workspaceID: String, name: String, at: Instant) async throws -> Bool {
        try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            let rules = try await db.query(
                "SELECT id FROM tag_rules WHERE workspace_id = ? AND tag = ?", ws, .text(name)
            ).map { try $0.text(0) }
            guard rules.isEmpty else {
                throw StoreError.conflict("tag '\(name)' is maintained by rules \(rules.joined(separator: ", "))")
            }
            let holders = try await db.query(
                "SELECT profile_id FROM profile_tags WHERE workspace_id = ? AND tag = ?", ws, .text(name)
            ).map { try $0.int(0) }
            _ = try await Self.removeTags(
                db, workspaceID, holders.map { ($0, name) }, reason: ["source": "manual", "why": "tag deleted"], at: at)
            return try await db.execute("DELETE FROM tags WHERE workspace_id = ? AND name = ?", ws, .text(name)) > 0
        }
    }

    // MARK: Tagging profiles

    public func profileTags(workspaceID: String, profileID: Int64) async throws -> [ProfileTag] {
        try await database.read { db in
            try await db.query(
                """
                SELECT tag, source, source_ref, tagged_at FROM profile_tags
                WHERE workspace_id = ? AND profile_id = ? ORDER BY tag
                """, .text(workspaceID), .int(profileID)
            ).map {
                ProfileTag(tag: try $0.text(0), source: try $0.text(1), sourceRef: $0[2].text, taggedAt: try $0.instant(3))
            }
        }
    }

    /// Puts tags on profiles (any member id is taken to its cluster root). Tags already on a profile keep their
    /// original source and time. Every profile must exist and every tag be defined, or nothing is stored
    /// (`StoreError.notFound`). Returns how many (profile, tag) pairs were added.
    public func tagProfiles(
        workspaceID: String, profileIDs: [Int64], tags: [String], source: String, sourceRef: String?, at: Instant
    ) async throws -> Int {
        try await changeTags(workspaceID: workspaceID, profileIDs: profileIDs, tags: tags, adding: true, source: source, sourceRef: sourceRef, at: at)
    }

    /// Takes tags off profiles, whatever put them there. Returns how many (profile, tag) pairs were removed.
    public func untagProfiles(
        workspaceID: String, profileIDs: [Int64], tags: [String], source: String, sourceRef: String?, at: Instant
    ) async throws -> Int {
        try await changeTags(workspaceID: workspaceID, profileIDs: profileIDs, tags: tags, adding: false, source: source, sourceRef: sourceRef, at: at)
    }

    private func changeTags(
        workspaceID: String, profileIDs: [Int64], tags: [String], adding: Bool, source: String, sourceRef: String?,
        at: Instant
    ) async throws -> Int {
        try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            let wanted = Set(tags)
            for chunk in Array(wanted).chunked(500) {
                let known = try await db.query(
                    "SELECT name FROM tags WHERE workspace_id = ? AND name IN (\(placeholders(chunk.count)))",
                    [ws] + chunk.map(SQLValue.text)
                ).map { try $0.text(0) }
                if let unknown = Set(chunk).subtracting(known).sorted().first {
                    throw StoreError.notFound("tag '\(unknown)' is not defined")
                }
            }
            var roots: [Int64] = []
            var seen = Set<Int64>()
            for chunk in Array(Set(profileIDs)).chunked(500) {
                let rows = try await db.query(
                    "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND id IN (\(placeholders(chunk.count)))",
                    [ws] + chunk.map(SQLValue.int))
                let found = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.int(0), try $0.int(1)) })
                if let missing = chunk.first(where: { found[$0] == nil }) {
                    throw StoreError.notFound("profile \(missing) not found")
                }
                for id in chunk { if let root = found[id], seen.insert(root).inserted { roots.append(root) } }
            }
            let pairs = roots.flatMap { root in tags.map { (root, $0) } }
            let changed =
                adding
                ? try await Self.addTags(db, workspaceID, pairs, source: source, sourceRef: sourceRef, at: at)
                : try await Self.removeTags(
                    db, workspaceID, pairs, reason: ["source": .string(source), "sourceRef": sourceRef.map(JSONValue.string) ?? .null],
                    at: at)
            try await Self.queueProfileWork(db, workspaceID, Set(changed.map(\.0)), at: at)
            return changed.count
        }
    }

    /// Adds the pairs not present yet and writes a `Tag Added` timeline entry for each; returns those added.
    static func addTags(
        _ db: any SQLExecutor, _ workspaceID: String, _ pairs: [(Int64, String)], source: String, sourceRef: String?,
        at: Instant
    ) async throws -> [(Int64, String)] {
        var added: [(Int64, String)] = []
        for (profile, tag) in pairs {
            let inserted = try await db.execute(
                """
                INSERT INTO profile_tags (workspace_id, profile_id, tag, source, source_ref, tagged_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, profile_id, tag) DO NOTHING
                """, .text(workspaceID), .int(profile), .text(tag), .text(source), SQLValue(sourceRef), at.sql)
            if inserted > 0 { added.append((profile, tag)) }
        }
        try await appendSystemEvents(
            db, workspaceID,
            added.map {
                SystemEventRow(
                    profileID: $0.0, name: SystemEvent.tagAdded,
                    properties: ["tag": .string($0.1), "source": .string(source), "sourceRef": sourceRef.map(JSONValue.string) ?? .null])
            }, at: at)
        return added
    }

    /// Removes the pairs present and writes a `Tag Removed` timeline entry (with `reason` as its properties) for
    /// each; returns those removed.
    static func removeTags(
        _ db: any SQLExecutor, _ workspaceID: String, _ pairs: [(Int64, String)], reason: [String: JSONValue], at: Instant
    ) async throws -> [(Int64, String)] {
        var removed: [(Int64, String)] = []
        for (profile, tag) in pairs {
            let deleted = try await db.execute(
                "DELETE FROM profile_tags WHERE workspace_id = ? AND profile_id = ? AND tag = ?", .text(workspaceID),
                .int(profile), .text(tag))
            if deleted > 0 { removed.append((profile, tag)) }
        }
        try await appendSystemEvents(
            db, workspaceID,
            removed.map {
                var properties = reason
                properties["tag"] = .string($0.1)
                return SystemEventRow(profileID: $0.0, name: SystemEvent.tagRemoved, properties: properties)
            }, at: at)
        return removed
    }

    // MARK: Auto-tag rules

    public func saveTagRule(_ rule: TagRule, workspaceID: String) async throws {
        try await database.write { db in
            guard
                try await !db.query(
                    "SELECT 1 FROM tags WHERE workspace_id = ? AND name = ?", .text(workspaceID), .text(rule.tag)
                ).isEmpty
            else { throw StoreError.notFound("tag '\(rule.tag)' is not defined") }
            try await db.execute(
                """
                INSERT INTO tag_rules (workspace_id, id, name, tag, action, rule, enabled, time_dependent, created_at,
                    updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, id) DO UPDATE SET name = excluded.name, tag = excluded.tag,
                    action = excluded.action, rule = excluded.rule, enabled = excluded.enabled,
                    time_dependent = excluded.time_dependent, updated_at = excluded.updated_at
                """, .text(workspaceID), .text(rule.id), .text(rule.name), .text(rule.tag), .text(rule.action.rawValue),
                .text(JSONWriter.string(rule.rule.json)), .int(rule.enabled ? 1 : 0),
                .int(rule.rule.isTimeDependent ? 1 : 0), rule.createdAt.sql, rule.updatedAt.sql)
        }
    }

    public func tagRules(workspaceID: String) async throws -> [TagRule] {
        try await database.read { db in try await Self.tagRules(db, workspaceID) }
    }

    static func tagRules(_ db: any SQLExecutor, _ workspaceID: String) async throws -> [TagRule] {
        try await db.query(
            """
            SELECT id, name, tag, action, rule, enabled, created_at, updated_at FROM tag_rules
            WHERE workspace_id = ? ORDER BY id
            """, .text(workspaceID)
        ).map { row in
            guard let rule = try? SegmentRule(json: try JSONParser.parse(try row.text(4))),
                let action = TagRule.Action(rawValue: try row.text(3))
            else { throw StoreError.corrupt("tag rule \(try row.text(0)) does not parse") }
            return TagRule(
                id: try row.text(0), name: try row.text(1), tag: try row.text(2), action: action, rule: rule,
                enabled: try row.int(5) != 0, createdAt: try row.instant(6), updatedAt: try row.instant(7))
        }
    }

    /// Deletes a rule. Tags it put on profiles stay until removed by hand (they are ordinary tags from then on).
    public func deleteTagRule(workspaceID: String, id: String) async throws -> Bool {
        try await database.write { db in
            try await db.execute("DELETE FROM tag_rules WHERE workspace_id = ? AND id = ?", .text(workspaceID), .text(id)) > 0
        }
    }
}
