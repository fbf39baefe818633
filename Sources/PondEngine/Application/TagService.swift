import PondCore
import PondStore

/// Tag groups, tag definitions and auto-tag rules (自动打标签): what may be created, changed and deleted, and what
/// that does.
///
/// A tag must be defined before anything can put it on a profile or a rule can read it, so a typo in a rule or an
/// upload is an error instead of a second, silently empty tag. A tag that a segment or auto-tag rule still names
/// cannot be deleted (`tag_in_use`); a group that still files tags neither (`tag_group_in_use`). A rule is applied
/// to the whole workspace as soon as it is saved; the tags it put on stay when it is disabled, deleted or pointed at
/// another tag (ordinary tags from then on, with source `rule`).
public struct TagService: Sendable {
    let definitions: DefinitionContext
    let intelligence: IntelligenceService

    init(definitions: DefinitionContext, intelligence: IntelligenceService) {
        self.definitions = definitions
        self.intelligence = intelligence
    }

    private var store: Store { definitions.store }

    // MARK: Groups

    public func groups(workspaceID: String) async throws -> [TagGroup] {
        try await store.tagGroups(workspaceID: workspaceID)
    }

    public func createGroup(workspaceID: String, name rawName: String, description: String) async throws -> TagGroup {
        let group = TagGroup(
            name: try DefinitionNames.tagName(rawName), description: description, createdAt: definitions.clock.now())
        try await definitions.changing(workspaceID) { _ in
            guard try await !store.tagGroups(workspaceID: workspaceID).contains(where: { $0.name == group.name }) else {
                throw DefinitionError(.conflict, .alreadyExists, "tag group '\(group.name)' already exists")
            }
            try await store.saveTagGroup(group, workspaceID: workspaceID)
        }
        return group
    }

    public func deleteGroup(workspaceID: String, name: String) async throws {
        let deleted = try await definitions.changing(workspaceID) { _ in
            do {
                return try await store.deleteTagGroup(workspaceID: workspaceID, name: name)
            } catch StoreError.conflict(let message) {
                throw DefinitionError(.conflict, .tagGroupInUse, "\(message); move or delete them first")
            }
        }
        guard deleted else { throw DefinitionError.notFound("tag group '\(name)'") }
    }

    // MARK: Tags

    /// Every tag, or those filed under `group`.
    public func tags(workspaceID: String, group: String? = nil) async throws -> [TagDefinition] {
        let tags = try await store.tags(workspaceID: workspaceID)
        guard let group else { return tags }
        return tags.filter { $0.group == group }
    }

    /// A tag with the auto-tag rules that maintain it and the definitions that read it.
    public struct TagUsage: Sendable {
        public var tag: TagDefinition
        public var maintainedBy: [String]
        public var usedBy: [String]
    }

    public func tag(workspaceID: String, name: String) async throws -> TagUsage {
        guard let tag = try await store.tags(workspaceID: workspaceID).first(where: { $0.name == name }) else {
            throw DefinitionError.notFound("tag '\(name)'")
        }
        let catalog = try await definitions.catalog(workspaceID)
        return TagUsage(
            tag: tag, maintainedBy: catalog.tagRules.filter { $0.tag == name }.map(\.id),
            usedBy: catalog.referrers(ofTag: name))
    }

    public func createTag(workspaceID: String, name rawName: String, group: String?, description: String) async throws
        -> TagDefinition
    {
        let tag = TagDefinition(
            name: try DefinitionNames.newTagName(rawName), group: group, description: description,
            createdAt: definitions.clock.now())
        try await definitions.changing(workspaceID) { catalog in
            guard !catalog.tags.contains(tag.name) else {
                throw DefinitionError(
                    .conflict, .alreadyExists, "tag '\(tag.name)' already exists; change it with PUT /api/v1/tags/{name}")
            }
            try await save(tag, workspaceID)
        }
        return tag
    }

    /// Replaces a tag's group and description (a tag is renamed by creating the new one and moving profiles).
    public func updateTag(workspaceID: String, name: String, group: String?, description: String) async throws
        -> TagDefinition
    {
        try await definitions.changing(workspaceID) { _ in
            guard var tag = try await store.tags(workspaceID: workspaceID).first(where: { $0.name == name }) else {
                throw DefinitionError.notFound("tag '\(name)'")
            }
            tag.group = group
            tag.description = description
            try await save(tag, workspaceID)
            return tag
        }
    }

    /// Deletes a tag and takes it off every profile (each removal is on the profile's timeline, and the former
    /// holders are re-evaluated). Refused while a segment or an auto-tag rule names it. Returns how many profiles
    /// held it.
    public func deleteTag(workspaceID: String, name: String) async throws -> Int {
        try await definitions.changing(workspaceID) { catalog in
            let users = catalog.referrers(ofTag: name)
            guard users.isEmpty else {
                throw DefinitionError(
                    .conflict, .tagInUse, "tag '\(name)' is used by \(users.joined(separator: ", ")); change or delete them first",
                    details: ["usedBy": .array(users.map(JSONValue.string))])
            }
            do {
                guard let holders = try await store.deleteTag(workspaceID: workspaceID, name: name, at: definitions.clock.now())
                else { throw DefinitionError.notFound("tag '\(name)'") }
                return holders.count
            } catch StoreError.conflict(let message) {
                throw DefinitionError(.conflict, .tagInUse, message)
            }
        }
    }

    private func save(_ tag: TagDefinition, _ workspaceID: String) async throws {
        do {
            try await store.saveTag(tag, workspaceID: workspaceID)
        } catch StoreError.notFound {
            throw DefinitionError(
                .invalid, .unknownTagGroup, "no tag group named '\(tag.group ?? "")'; create it with POST /api/v1/tag-groups")
        }
    }

    // MARK: Auto-tag rules

    public func rules(workspaceID: String) async throws -> [TagRule] {
        try await store.tagRules(workspaceID: workspaceID)
    }

    public func rule(workspaceID: String, id: String) async throws -> TagRule {
        guard let rule = try await store.tagRules(workspaceID: workspaceID).first(where: { $0.id == id }) else {
            throw DefinitionError.notFound("tag rule '\(id)'")
        }
        return rule
    }

    /// An auto-tag rule as a caller gives it; `field` names where the rule came from (`rule`, `ruleText`) for errors.
    public struct RuleDraft: Sendable {
        public var id: String?
        public var name: String
        public var tag: String
        public var action: TagRule.Action
        public var rule: SegmentRule
        public var field: String
        public var enabled: Bool

        public init(
            id: String?, name: String, tag: String, action: TagRule.Action, rule: SegmentRule, field: String, enabled: Bool
        ) {
            self.id = id
            self.name = name
            self.tag = tag
            self.action = action
            self.rule = rule
            self.field = field
            self.enabled = enabled
        }
    }

    /// Creates a rule (`replacing` nil: `already_exists` if its id is taken; an id is generated from the name when
    /// none is given) or replaces one (`not_found` if there is none), then applies every rule to the workspace.
    /// Returns the rule and the number of tag changes applying it made.
    public func saveRule(workspaceID: String, _ draft: RuleDraft, replacing pathID: String?) async throws -> (
        rule: TagRule, tagChanges: Int
    ) {
        let now = definitions.clock.now()
        let saved = try await definitions.changing(workspaceID) { catalog in
            let rule = try catalog.resolve(draft.rule, field: draft.field)
            guard catalog.tags.contains(draft.tag) else { throw DefinitionError.unknownTag(draft.tag) }
            let id = try DefinitionNames.idForSave(
                replacing: pathID, given: draft.id, taken: Set(catalog.tagRules.map(\.id)), name: draft.name,
                fallback: "tag-rule", what: "tag rule")
            let existing = catalog.tagRules.first { $0.id == id }
            let saved = TagRule(
                id: id, name: draft.name, tag: draft.tag, action: draft.action, rule: rule, enabled: draft.enabled,
                createdAt: existing?.createdAt ?? now, updatedAt: now)
            do {
                try await store.saveTagRule(saved, workspaceID: workspaceID)
            } catch StoreError.notFound {
                throw DefinitionError.unknownTag(draft.tag)
            }
            return saved
        }
        return (saved, try await intelligence.sweepTagRules(workspaceID: workspaceID))
    }

    public func deleteRule(workspaceID: String, id: String) async throws {
        let deleted = try await definitions.changing(workspaceID) { _ in
            try await store.deleteTagRule(workspaceID: workspaceID, id: id)
        }
        guard deleted else { throw DefinitionError.notFound("tag rule '\(id)'") }
    }
}
