import Hummingbird
import PondCore
import PondEngine

/// Auto-tag rules (自动打标签): `/api/v1/tag-rules`. The rules are `TagService`'s; the response to a save says how
/// many tags applying the rule changed.
struct TagRuleController: Sendable {
    let tags: TagService

    static let fields: Set<String> = ["id", "name", "tag", "action", "rule", "ruleText", "enabled"]

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("tag-rules") { _, context in
            let rules = try await tags.rules(workspaceID: try context.workspaceID)
            return JSONResponse.make(["rules": .array(rules.map(IntelligenceJSON.render))])
        }
        api.post("tag-rules") { request, context in try await save(request, context, pathID: nil) }
        api.get("tag-rules/:id") { _, context in
            JSONResponse.make(IntelligenceJSON.render(try await tags.rule(workspaceID: try context.workspaceID, id: try context.text("id"))))
        }
        api.put("tag-rules/:id") { request, context in try await save(request, context, pathID: try context.text("id")) }
        api.delete("tag-rules/:id") { _, context in
            let id = try context.text("id")
            try await tags.deleteRule(workspaceID: try context.workspaceID, id: id)
            return JSONResponse.make(["id": .string(id), "deleted": true])
        }
    }

    /// POST (`pathID` nil: create) or PUT (replace).
    private func save(_ request: Request, _ context: APIRequestContext, pathID: String?) async throws -> Response {
        let body = try BodyFields(try await request.jsonObject(), allowed: Self.fields)
        let rule = try RuleInput.require(body)
        let draft = TagService.RuleDraft(
            id: try body.string("id", maxCharacters: DefinitionNames.maximumIDCharacters),
            name: try body.requiredString("name", maxCharacters: 200),
            tag: try body.requiredString("tag", maxCharacters: DefinitionNames.maximumNameCharacters),
            action: TagRule.Action(rawValue: try body.choice("action", ["add", "remove"]) ?? "add")!,
            rule: rule.rule, field: rule.field, enabled: try body.bool("enabled") ?? true)
        let saved = try await tags.saveRule(workspaceID: try context.workspaceID, draft, replacing: pathID)
        return JSONResponse.make(
            IntelligenceJSON.render(saved.rule).adding(["applied": ["tagChanges": .int(Int64(saved.tagChanges))]]),
            status: pathID == nil ? .created : .ok)
    }
}
