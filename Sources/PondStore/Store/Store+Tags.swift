import PondCore

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

    /// The names of the defined tags, without counting their holders (what checking a rule needs).
    public func tagNames(workspaceID: String) async throws -> Set<String> {
        try await database.read { db in
            Set(try await db.query("SELECT name FROM tags WHERE workspace_id = ?", .text(workspaceID)).map { try $0.text(0) })
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

    /// Deletes a tag and takes it off every profile (recording each removal), and queues the former holders for
    /// re-evaluation in the same transaction: the removals are events (`Tag Removed`) rules may count. Refused
    /// while an auto-tag rule maintains it (`StoreError.conflict`). Returns the former holders, or nil if there was
    /// no such tag.
    public func deleteTag(workspaceID: String, name: String, at: Instant) async throws -> [Int64]? {
        try await writeQueuingProfileWork { db in
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
            guard try await db.execute("DELETE FROM tags WHERE workspace_id = ? AND name = ?", ws, .text(name)) > 0 else {
                return nil
            }
            try await Self.queueProfileWork(db, workspaceID, holders, at: at)
            return holders
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
                ProfileTag(tag: try $0.text(0), source: try tagSource($0.text(1)), sourceRef: $0[2].text, taggedAt: try $0.instant(3))
            }
        }
    }

    /// Puts the same tags on profiles, or takes them off (whatever put them there); see `applyTagChanges`.
    public func changeTags(
        workspaceID: String, profileIDs: [Int64], tags: [String], adding: Bool, source: TagSource, sourceRef: String?,
        at: Instant
    ) async throws -> Int {
        try await applyTagChanges(
            workspaceID: workspaceID, pairs: profileIDs.flatMap { id in tags.map { (profileID: id, tag: $0) } },
            adding: adding, source: source, sourceRef: sourceRef, at: at)
    }

    /// Adds the pairs not present yet and writes a `Tag Added` timeline entry for each; returns those added.
    static func addTags(
        _ db: any SQLExecutor, _ workspaceID: String, _ pairs: [(Int64, String)], source: TagSource, sourceRef: String?,
        at: Instant
    ) async throws -> [(Int64, String)] {
        var added: [(Int64, String)] = []
        for (profile, tag) in pairs {
            let inserted = try await db.execute(
                """
                INSERT INTO profile_tags (workspace_id, profile_id, tag, source, source_ref, tagged_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, profile_id, tag) DO NOTHING
                """, .text(workspaceID), .int(profile), .text(tag), .text(source.rawValue), SQLValue(sourceRef), at.sql)
            if inserted > 0 { added.append((profile, tag)) }
        }
        try await appendSystemEvents(
            db, workspaceID,
            added.map {
                SystemEvent(
                    profileID: $0.0, name: SystemEvent.tagAdded,
                    properties: ["tag": .string($0.1), "source": .string(source.rawValue), "sourceRef": sourceRef.map(JSONValue.string) ?? .null])
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
                return SystemEvent(profileID: $0.0, name: SystemEvent.tagRemoved, properties: properties)
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

/// Why a change to profiles' tags was refused as a whole.
public enum TagChangeError: Error, Sendable, Equatable {
    /// A tag is not defined (deleted since the caller checked, say).
    case undefinedTag(String)
    /// A profile does not exist in the workspace.
    case missingProfile(Int64)
}

func tagSource(_ text: String?) throws -> TagSource {
    guard let text, let source = TagSource(rawValue: text) else {
        throw StoreError.corrupt("unknown tag source '\(text ?? "")'")
    }
    return source
}
