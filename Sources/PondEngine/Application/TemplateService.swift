import PondCore
import PondStore

/// Message templates (消息模板) of a workspace: saved after validation against what the workspace's customers
/// have, previewed against a real customer, and filled for sending (`renderer`).
///
/// A template is checked with the workspace's trait keys and `eventAvailable: true` — saved on its own it does not
/// know where it will be used; a journey checks again with its trigger, a broadcast refuses event variables that
/// have no fallback. A template a scheduled or running broadcast sends cannot be deleted, nor changed so that the
/// broadcast could no longer send it (its channel removed, its category made stricter than the broadcast's).
public struct TemplateService: Sendable {
    let definitions: DefinitionContext
    let links: UnsubscribeLinks

    /// Refusal codes of templates that belong to no validator (`DefinitionError.code`).
    public enum Code: String, Sendable, CaseIterable {
        /// A broadcast that is scheduled or running sends the template.
        case templateInUse = "template_in_use"
        /// The template has no body for the channel asked for.
        case templateLacksChannel = "template_lacks_channel"
        /// No template has the id given.
        case unknownTemplate = "unknown_template"
    }

    private var store: Store { definitions.store }

    public func templates(workspaceID: String) async throws -> [StoredTemplate] {
        try await store.templates(workspaceID: workspaceID)
    }

    public func template(workspaceID: String, id: String) async throws -> StoredTemplate {
        guard let template = try await store.template(workspaceID: workspaceID, id: id) else {
            throw DefinitionError.notFound("template '\(id)'")
        }
        return template
    }

    /// What a template saved in the workspace may name.
    public func vocabulary(workspaceID: String) async throws -> TemplateVocabulary {
        TemplateVocabulary(traitKeys: try await store.traitKeys(workspaceID: workspaceID), eventAvailable: true)
    }

    /// Creates a template (`replacing` nil: `already_exists` if `id` is taken; an id is generated from the name when
    /// none is given) or replaces one (`not_found` if there is none). `definition` is the template's JSON form
    /// (`MessageTemplate`); a refusal names the member at fault in `details.path` and lists every problem in
    /// `details.problems`.
    public func save(workspaceID: String, id: String?, definition: JSONValue, replacing pathID: String?) async throws
        -> StoredTemplate
    {
        let template: MessageTemplate
        do {
            template = try MessageTemplate(json: definition)
        } catch {
            throw Self.refusal(error, all: [error])
        }
        let vocabulary = try await vocabulary(workspaceID: workspaceID)
        let problems = template.problems(vocabulary: vocabulary)
        if let first = problems.first { throw Self.refusal(first, all: problems) }
        let now = definitions.clock.now()
        return try await definitions.changing(workspaceID) { _ in
            let taken = try await store.templateIDs(workspaceID: workspaceID)
            let id = try DefinitionNames.idForSave(
                replacing: pathID, given: id, taken: taken, name: template.name, fallback: "template", what: "template")
            if pathID != nil {
                let broken = try await store.activeBroadcasts(workspaceID: workspaceID, templateID: id).filter { broadcast in
                    !template.channels.contains(broadcast.channel) || Self.rank(template.category) > Self.rank(broadcast.category)
                }
                if !broken.isEmpty {
                    throw Self.inUse(
                        id, by: broken.map { "broadcast \($0.id)" },
                        "would no longer be sendable by \(broken.map { "broadcast '\($0.id)'" }.joined(separator: ", ")) (a channel it sends on removed, or a category stricter than its own); cancel them first")
                }
            }
            return try await store.saveTemplate(workspaceID: workspaceID, id: id, template, at: now)
        }
    }

    /// Deletes a template that no scheduled or running broadcast sends and no journey names in its latest or active
    /// version (a run of an older version that meets the deleted template goes on without the message).
    public func delete(workspaceID: String, id: String) async throws {
        try await definitions.changing(workspaceID) { _ in
            let users = try await store.activeBroadcasts(workspaceID: workspaceID, templateID: id)
            if !users.isEmpty {
                throw Self.inUse(
                    id, by: users.map { "broadcast \($0.id)" },
                    "is sent by \(users.map { "broadcast '\($0.id)'" }.joined(separator: ", ")); cancel them or wait for them to complete")
            }
            let journeys = try await journeysNaming(workspaceID, template: id)
            if !journeys.isEmpty {
                throw Self.inUse(
                    id, by: journeys.map { "journey \($0)" },
                    "is sent by \(journeys.map { "journey '\($0)'" }.joined(separator: ", ")); save a version without it first")
            }
            guard try await store.deleteTemplate(workspaceID: workspaceID, id: id) else {
                throw DefinitionError.notFound("template '\(id)'")
            }
        }
    }

    /// A renderer for the workspace's sends, holding its name and link secret.
    public func renderer(workspaceID: String) async throws -> TemplateRenderer {
        TemplateRenderer(
            workspaceID: workspaceID, workspaceName: try await store.workspace(id: workspaceID)?.name ?? workspaceID,
            unsubscribeLink: try await links.signer(workspaceID: workspaceID))
    }

    /// A template filled for one customer, as the console shows it before anything is sent.
    public struct Preview: Sendable, Hashable {
        /// The customer's cluster root.
        public var profileID: Int64
        public var channel: ChannelID
        public var category: MessageCategory
        /// What is missing shows as `{{name}}`.
        public var body: RenderedBody
        /// Variables with neither a value nor a fallback for this customer: a send to them would fail.
        public var missing: [String]
    }

    /// Fills template `templateID`'s body for `channel` with a real customer's traits, the given event
    /// properties and the real unsubscribe link.
    public func preview(
        workspaceID: String, templateID: String, profileID: Int64, channel: String, event: [String: JSONValue]?
    ) async throws -> Preview {
        let stored = try await template(workspaceID: workspaceID, id: templateID)
        let root = try await definitions.root(workspaceID, profileID)
        let channel = ChannelID(channel)
        let traits = try await store.profileTraits(workspaceID: workspaceID, profileIDs: [root])[root] ?? [:]
        let renderer = try await renderer(workspaceID: workspaceID)
        let values = renderer.values(
            profileID: root, channel: channel, category: stored.template.category, traits: traits, event: event)
        guard let (body, missing) = stored.template.preview(channel: channel, values: values) else {
            throw Self.lacksChannel(stored, channel)
        }
        return Preview(profileID: root, channel: channel, category: stored.template.category, body: body, missing: missing)
    }

    // MARK: Refusals

    static func refusal(_ error: TemplateError, all problems: [TemplateError]) -> DefinitionError {
        var details: [String: JSONValue] = ["path": .string(error.path)]
        if let offset = error.offset { details["offset"] = .int(Int64(offset)) }
        details["problems"] = .array(
            problems.map { problem in
                var members: [String: JSONValue] = [
                    "code": .string(problem.code.rawValue), "path": .string(problem.path), "message": .string(problem.message),
                ]
                if let offset = problem.offset { members["offset"] = .int(Int64(offset)) }
                return .object(members)
            })
        return DefinitionError(.invalid, code: error.code.rawValue, error.message, details: details)
    }

    static func inUse(_ id: String, by users: [String], _ why: String) -> DefinitionError {
        DefinitionError(
            .conflict, code: Code.templateInUse.rawValue, "template '\(id)' \(why)", details: ["usedBy": .array(users.map(JSONValue.string))])
    }

    /// The journeys whose latest or active version sends `template`.
    private func journeysNaming(_ workspaceID: String, template: String) async throws -> [String] {
        var names: [String] = []
        for journey in try await store.journeys(workspaceID: workspaceID) {
            for version in Set([journey.latestVersion, journey.activeVersion].compactMap { $0 }) {
                guard let text = try await store.journeyVersion(workspaceID: workspaceID, id: journey.id, version: version),
                    let definition = try? JourneyDefinition(json: try JSONParser.parse(Array(text.utf8))),
                    definition.references().templates.contains(template)
                else { continue }
                names.append(journey.id)
                break
            }
        }
        return names
    }

    static func lacksChannel(_ stored: StoredTemplate, _ channel: ChannelID, path: String = "channel") -> DefinitionError {
        DefinitionError(
            .invalid, code: Code.templateLacksChannel.rawValue,
            "template '\(stored.id)' has no body for channel \"\(channel.rawValue)\" (it has: \(stored.template.channels.map(\.rawValue).sorted().joined(separator: ", ")))",
            details: ["path": .string(path)])
    }

    /// How much a category asks of the dispatcher: a send may be stricter than its template, never laxer.
    static func rank(_ category: MessageCategory) -> Int {
        switch category {
        case .service: return 0
        case .content: return 1
        case .marketing: return 2
        }
    }
}
