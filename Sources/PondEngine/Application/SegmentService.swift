import PondCore
import PondStore

/// Segments (人群): definitions, their members and the enter/exit log, previews, on-demand evaluation, and the
/// uploaded lists of static segments.
///
/// Saving a dynamic segment checks its rule against the workspace (stage and RFM layer names become ids; unknown
/// stages, layers, segments and tags are refused with the offending node's path; a segment may not reach itself
/// through `in segment`), stores it, and computes its members at once, then recomputes the segments built on it.
/// A segment another segment or an auto-tag rule names cannot be deleted (`segment_in_use`).
public struct SegmentService: Sendable {
    let definitions: DefinitionContext
    let intelligence: IntelligenceService

    public static let maximumSample = 100

    private var store: Store { definitions.store }

    /// What a full evaluation changed: enters and exits of the segment itself, and the segments built on it that were
    /// recomputed after it.
    public struct Evaluation: Sendable, Equatable {
        public var entered = 0
        public var exited = 0
        public var dependents: [String] = []
    }

    public func segments(workspaceID: String) async throws -> [SegmentDefinition] {
        try await store.segments(workspaceID: workspaceID)
    }

    public func segment(workspaceID: String, id: String) async throws -> SegmentDefinition {
        guard let segment = try await store.segment(workspaceID: workspaceID, id: id) else {
            throw DefinitionError.notFound("segment '\(id)'")
        }
        return segment
    }

    /// A segment with the definitions it reads and those that read it.
    public func segmentWithUsage(workspaceID: String, id: String) async throws -> (
        segment: SegmentDefinition, dependsOn: [String], usedBy: [String]
    ) {
        let catalog = try await definitions.catalog(workspaceID)
        guard let segment = catalog.segments.first(where: { $0.id == id }) else {
            throw DefinitionError.notFound("segment '\(id)'")
        }
        return (segment, segment.rule?.referencedSegments.sorted() ?? [], catalog.referrers(ofSegment: id))
    }

    /// A segment as a caller gives it; `field` names where the rule came from (`rule`, `ruleText`) for errors.
    public struct Draft: Sendable {
        public var id: String?
        public var name: String
        public var description: String
        public var kind: SegmentDefinition.Kind
        public var rule: SegmentRule?
        public var field: String

        public init(
            id: String?, name: String, description: String, kind: SegmentDefinition.Kind, rule: SegmentRule?,
            field: String
        ) {
            self.id = id
            self.name = name
            self.description = description
            self.kind = kind
            self.rule = rule
            self.field = field
        }
    }

    /// Creates a segment (`replacing` nil: `already_exists` if its id is taken; an id is generated from the name
    /// when none is given) or replaces one's definition (`not_found` if there is none; its kind cannot change). A
    /// dynamic segment is evaluated at once, with the segments built on it; saving a static one leaves its members.
    public func save(workspaceID: String, _ draft: Draft, replacing pathID: String?) async throws -> (
        SegmentDefinition, Evaluation
    ) {
        if let id = draft.id, DefinitionNames.reservedSegmentIDs.contains(id) {
            throw DefinitionError.invalid("'\(id)' is reserved (it names an endpoint under /api/v1/segments)")
        }
        switch (draft.kind, draft.rule) {
        case (.dynamic, nil):
            throw DefinitionError.invalid("a dynamic segment needs a rule: 'rule' (JSON form) or 'ruleText' (text form)")
        case (.static, _?):
            throw DefinitionError.invalid(
                "a static segment has no rule; its members are uploaded to /api/v1/segments/{id}/members/import")
        default:
            break
        }
        let now = definitions.clock.now()
        let (saved, catalog) = try await definitions.changing(workspaceID) { catalog in
            var catalog = catalog
            let id = try DefinitionNames.idForSave(
                replacing: pathID, given: draft.id, taken: catalog.segmentIDs, name: draft.name, fallback: "segment",
                what: "segment")
            let existing = catalog.segments.first { $0.id == id }
            if let existing, existing.kind != draft.kind {
                throw DefinitionError.invalid(
                    "segment '\(id)' is \(existing.kind.rawValue); a segment's kind cannot change, create a new one")
            }
            let rule = try draft.rule.map { rule throws(DefinitionError) in
                try catalog.resolve(rule, savingSegment: id, field: draft.field)
            }
            if let chain = catalog.cycle(saving: id, rule: rule) {
                var details: [String: JSONValue] = ["chain": .array(chain.map(JSONValue.string))]
                if draft.rule != nil { details["field"] = .string(draft.field) }
                throw DefinitionError(
                    .invalid, code: SegmentRuleError.Code.segmentCycle.rawValue, SegmentGraphError(chain: chain).message,
                    details: details)
            }
            let segment = SegmentDefinition(
                id: id, name: draft.name, description: draft.description, kind: draft.kind, rule: rule,
                createdAt: existing?.createdAt ?? now, updatedAt: now, evaluatedAt: existing?.evaluatedAt)
            try await store.saveSegment(segment, workspaceID: workspaceID)
            catalog.segments.removeAll { $0.id == id }
            catalog.segments.append(segment)
            return (segment, catalog)
        }
        var evaluation = Evaluation()
        if draft.kind == .dynamic {
            evaluation = try await recompute(
                workspaceID, saved.id, catalog, reason: pathID == nil ? "segment created" : "segment changed")
        }
        return (try await segment(workspaceID: workspaceID, id: saved.id), evaluation)
    }

    /// Deletes a segment, recording its members' exits. Returns how many members it had.
    public func delete(workspaceID: String, id: String) async throws -> Int {
        try await definitions.changing(workspaceID) { catalog in
            guard let segment = catalog.segments.first(where: { $0.id == id }) else {
                throw DefinitionError.notFound("segment '\(id)'")
            }
            let users = catalog.referrers(ofSegment: id)
            guard users.isEmpty else {
                throw DefinitionError(
                    .conflict, .segmentInUse,
                    "segment '\(id)' is used by \(users.joined(separator: ", ")); change or delete them first",
                    details: ["usedBy": .array(users.map(JSONValue.string))])
            }
            guard try await store.deleteSegment(workspaceID: workspaceID, id: id, at: definitions.clock.now()) else {
                throw DefinitionError.notFound("segment '\(id)'")
            }
            return segment.memberCount
        }
    }

    /// Recomputes a dynamic segment's members now (and the segments built on it), e.g. after a bulk import.
    public func evaluate(workspaceID: String, id: String) async throws -> (SegmentDefinition, Evaluation) {
        let catalog = try await definitions.catalog(workspaceID)
        guard let segment = catalog.segments.first(where: { $0.id == id }) else {
            throw DefinitionError.notFound("segment '\(id)'")
        }
        guard segment.kind == .dynamic else {
            throw DefinitionError(.conflict, .segmentIsStatic, "segment '\(id)' is static: its members change only by upload")
        }
        let evaluation = try await recompute(workspaceID, id, catalog, reason: "evaluated on request")
        return (try await self.segment(workspaceID: workspaceID, id: id), evaluation)
    }

    /// The members a rule would have now, and the first `sample` of them (lowest ids first), without saving
    /// anything. The rule is checked as if it were being saved; the resolved rule is returned.
    public func preview(workspaceID: String, rule: SegmentRule, field: String, sample: Int) async throws -> (
        size: Int, sample: [ProfileView], rule: SegmentRule
    ) {
        guard (0...Self.maximumSample).contains(sample) else {
            throw DefinitionError.invalid("'sample' must be an integer from 0 to \(Self.maximumSample)")
        }
        let resolved = try await definitions.catalog(workspaceID).resolve(rule, field: field)
        let members = try await intelligence.preview(workspaceID: workspaceID, rule: resolved)
        var views: [ProfileView] = []
        for id in members.sorted().prefix(sample) {
            if let view = try await store.profile(workspaceID: workspaceID, id: id) { views.append(view) }
        }
        return (members.count, views, resolved)
    }

    // MARK: Members

    /// Members in ascending profile id order, after profile id `after`.
    public func members(workspaceID: String, id: String, after: Int64?, limit: Int) async throws -> [(
        profileID: Int64, since: Instant
    )] {
        let segment = try await segment(workspaceID: workspaceID, id: id)
        return try await store.segmentMembers(workspaceID: workspaceID, segmentID: segment.id, after: after, limit: limit)
    }

    /// The enter/exit log after sequence number `after`, oldest first.
    public func changes(workspaceID: String, id: String, after: Int64, limit: Int) async throws -> [SegmentChange] {
        let segment = try await segment(workspaceID: workspaceID, id: id)
        return try await store.segmentChanges(workspaceID: workspaceID, segmentID: segment.id, after: after, limit: limit)
    }

    /// The segments a profile is in, with when it entered each.
    public func memberships(workspaceID: String, profileID: Int64) async throws -> (
        profileID: Int64, segments: [(segment: SegmentDefinition, since: Instant)]
    ) {
        let root = try await definitions.root(workspaceID, profileID)
        let definitions = Dictionary(
            try await store.segments(workspaceID: workspaceID).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let memberships = try await store.memberships(workspaceID: workspaceID, profileID: root)
        return (root, memberships.compactMap { m in definitions[m.segmentID].map { ($0, m.since) } })
    }

    public enum ListMode: String, Sendable, CaseIterable {
        /// The file becomes the list: members not in it leave.
        case replace
        /// The file's customers are added.
        case append
    }

    public struct ListUpload: Sendable {
        public var list: ProfileList
        public var entered: Int
        public var exited: Int
        public var memberCount: Int
        public var dependents: [String]
    }

    /// Sets or extends a static segment's list from a CSV (columns as in `ProfileList`). Rows that cannot be used
    /// are rejected and reported; the rest are applied in one transaction. A `replace` whose file has rows but not
    /// one usable is refused (`no_valid_rows`), because it would empty the list — usually the sign of a wrong column
    /// rather than the intent; a file with only a header does empty it.
    public func uploadMembers(
        workspaceID: String, id: String, _ bytes: [UInt8], delimiter: CSVDelimiter, mode: ListMode
    ) async throws -> ListUpload {
        let segment = try await segment(workspaceID: workspaceID, id: id)
        guard segment.kind == .static else {
            throw DefinitionError(.conflict, .segmentIsDynamic, "segment '\(segment.id)' is dynamic: its members follow its rule")
        }
        let list = try await ProfileList.read(bytes, delimiter: delimiter, store: store, workspaceID: workspaceID, tags: nil)
        if mode == .replace, list.rows > 0, list.accepted.isEmpty {
            throw DefinitionError(
                .invalid, .noValidRows, "no row of the file names a known customer; the list was left as it was",
                details: list.report)
        }
        let members = Set(list.accepted.map(\.profileID))
        let reason = "CSV upload (\(mode.rawValue))"
        let (entered, exited, catalog) = try await definitions.changing(workspaceID) { catalog in
            guard catalog.segments.contains(where: { $0.id == segment.id && $0.kind == .static }) else {
                throw DefinitionError.notFound("segment '\(segment.id)'")
            }
            let now = definitions.clock.now()
            switch mode {
            case .replace:
                let result = try await store.replaceSegmentMembers(
                    workspaceID: workspaceID, segmentID: segment.id, members: members, at: now, reason: reason)
                return (result.entered, result.exited, catalog)
            case .append:
                let entered = try await store.addSegmentMembers(
                    workspaceID: workspaceID, segmentID: segment.id, members: members, at: now, reason: reason)
                return (entered, 0, catalog)
            }
        }
        let dependents = try await recompute(workspaceID, segment.id, catalog, reason: reason).dependents
        return ListUpload(
            list: list, entered: entered, exited: exited,
            memberCount: try await self.segment(workspaceID: workspaceID, id: segment.id).memberCount, dependents: dependents)
    }

    /// Evaluates segment `id` in full if it is dynamic, then every dynamic segment that reads it, in dependency
    /// order.
    private func recompute(_ workspaceID: String, _ id: String, _ catalog: RuleCatalog, reason: String) async throws
        -> Evaluation
    {
        var result = Evaluation()
        if catalog.segments.first(where: { $0.id == id })?.kind == .dynamic {
            let own = try await intelligence.evaluateSegment(workspaceID: workspaceID, id: id, reason: reason)
            result.entered = own.entered
            result.exited = own.exited
        }
        for dependent in catalog.dependents(of: id) {
            _ = try await intelligence.evaluateSegment(workspaceID: workspaceID, id: dependent, reason: "segment \(id) changed")
            result.dependents.append(dependent)
        }
        return result
    }
}
