import Hummingbird
import PondCore
import PondStore

/// Auto-tag rules (自动打标签): `/api/v1/tag-rules`.
///
/// A rule is applied to the whole workspace as soon as it is saved (the response says how many tags that
/// changed), then kept up to date in real time as profiles change and by the hourly sweep as time passes. Tags a
/// rule put on stay on profiles when the rule is disabled, deleted or pointed at another tag: they are ordinary
/// tags from then on, with source `rule`.
struct TagRuleController: Sendable {
    let auth: AdminAuth
    let runtime: PondRuntime
    let definitions: DefinitionLock

    var store: Store { runtime.store }

    static let fields: Set<String> = ["id", "name", "tag", "action", "rule", "ruleText", "enabled"]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/tag-rules") { request, _ in
            let key = try await auth.admin(request)
            let rules = try await store.tagRules(workspaceID: key.workspaceID)
            return JSONResponse.make(["rules": .array(rules.map(IntelligenceJSON.render))])
        }
        router.post("/api/v1/tag-rules") { request, _ in try await save(request, pathID: nil) }
        router.get("/api/v1/tag-rules/:id") { request, context in
            let key = try await auth.admin(request)
            let id = try context.parameters.require("id")
            guard let rule = try await store.tagRules(workspaceID: key.workspaceID).first(where: { $0.id == id }) else {
                throw APIError.notFound("tag rule '\(id)'")
            }
            return JSONResponse.make(IntelligenceJSON.render(rule))
        }
        router.put("/api/v1/tag-rules/:id") { request, context in
            try await save(request, pathID: try context.parameters.require("id"))
        }
        router.delete("/api/v1/tag-rules/:id") { request, context in
            let key = try await auth.admin(request)
            let id = try context.parameters.require("id")
            let deleted = try await definitions.withLock { try await store.deleteTagRule(workspaceID: key.workspaceID, id: id) }
            guard deleted else { throw APIError.notFound("tag rule '\(id)'") }
            return JSONResponse.make(["id": .string(id), "deleted": true])
        }
    }

    /// POST (`pathID` nil: create, 409 if the id is taken) or PUT (replace an existing rule, 404 if there is none).
    private func save(_ request: Request, pathID: String?) async throws -> Response {
        let key = try await auth.admin(request)
        let body = try BodyFields(try await request.jsonObject(), allowed: Self.fields)
        let bodyID = try body.string("id", maxCharacters: Naming.maximumIDCharacters).map { try Naming.id($0) }
        if let pathID, let bodyID, bodyID != pathID {
            throw APIError.badRequest("'id' in the body ('\(bodyID)') differs from the id in the path ('\(pathID)')")
        }
        let name = try body.requiredString("name", maxCharacters: 200)
        let tag = try body.requiredString("tag", maxCharacters: Naming.maximumNameCharacters)
        let action = TagRule.Action(rawValue: try body.choice("action", ["add", "remove"]) ?? "add")!
        let enabled = try body.bool("enabled") ?? true
        let parsed = try RuleInput.require(body)
        let field = body.has("rule") ? "rule" : "ruleText"
        let now = runtime.clock.now()

        let saved = try await definitions.withLock {
            let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
            let rule = try catalog.resolve(parsed, field: field)
            guard catalog.tags.contains(tag) else { throw ProfileTagController.unknownTag(tag) }
            let existing = catalog.tagRules.first { $0.id == (pathID ?? bodyID) }
            let id: String
            if let pathID {
                guard existing != nil else { throw APIError.notFound("tag rule '\(pathID)'") }
                id = pathID
            } else if let bodyID {
                guard existing == nil else {
                    throw APIError(.conflict, "already_exists", "tag rule '\(bodyID)' already exists; change it with PUT")
                }
                id = bodyID
            } else {
                id = Naming.generateID(from: name, fallback: "tag-rule", taken: Set(catalog.tagRules.map(\.id)))
            }
            let saved = TagRule(
                id: id, name: name, tag: tag, action: action, rule: rule, enabled: enabled,
                createdAt: existing?.createdAt ?? now, updatedAt: now)
            do {
                try await store.saveTagRule(saved, workspaceID: key.workspaceID)
            } catch StoreError.notFound {
                throw ProfileTagController.unknownTag(tag)
            }
            return saved
        }
        let changes = try await runtime.intelligence.sweepTagRules(workspaceID: key.workspaceID)
        runtime.intelligence.notify()
        guard case .object(var rendered) = IntelligenceJSON.render(saved) else { preconditionFailure() }
        rendered["applied"] = ["tagChanges": .int(Int64(changes))]
        return JSONResponse.make(.object(rendered), status: pathID == nil ? .created : .ok)
    }
}
