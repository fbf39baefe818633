import Hummingbird
import PondCore
import PondEngine

/// Segment definitions (人群): `/api/v1/segments`, previews and on-demand evaluation. The rules are
/// `SegmentService`'s.
struct SegmentController: Sendable {
    let segments: SegmentService

    static let fields: Set<String> = ["id", "name", "description", "kind", "rule", "ruleText"]

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("segments") { _, context in
            let list = try await segments.segments(workspaceID: try context.workspaceID)
            return JSONResponse.make(["segments": .array(list.map(IntelligenceJSON.render))])
        }
        api.post("segments") { request, context in try await save(request, context, pathID: nil) }
        api.post("segments/preview") { request, context in try await preview(request, context) }
        api.get("segments/:id") { _, context in
            let found = try await segments.segmentWithUsage(workspaceID: try context.workspaceID, id: try context.text("id"))
            return JSONResponse.make(
                IntelligenceJSON.render(found.segment).adding([
                    "dependsOn": .array(found.dependsOn.map(JSONValue.string)),
                    "usedBy": .array(found.usedBy.map(JSONValue.string)),
                ]))
        }
        api.put("segments/:id") { request, context in try await save(request, context, pathID: try context.text("id")) }
        api.delete("segments/:id") { _, context in
            let id = try context.text("id")
            let exited = try await segments.delete(workspaceID: try context.workspaceID, id: id)
            return JSONResponse.make(["id": .string(id), "deleted": true, "exited": .int(Int64(exited))])
        }
        api.post("segments/:id/evaluate") { _, context in
            let (segment, evaluation) = try await segments.evaluate(workspaceID: try context.workspaceID, id: try context.text("id"))
            return JSONResponse.make(Self.render(segment, evaluation))
        }
    }

    /// POST (`pathID` nil: create) or PUT (replace an existing segment's definition).
    private func save(_ request: Request, _ context: APIRequestContext, pathID: String?) async throws -> Response {
        let body = try BodyFields(try await request.jsonObject(), allowed: Self.fields)
        let rule = try RuleInput.read(body)
        let draft = SegmentService.Draft(
            id: try body.string("id", maxCharacters: DefinitionNames.maximumIDCharacters),
            name: try body.requiredString("name", maxCharacters: 200),
            description: try body.string("description", maxCharacters: 2000, allowEmpty: true) ?? "",
            kind: SegmentDefinition.Kind(rawValue: try body.choice("kind", ["dynamic", "static"]) ?? "dynamic")!,
            rule: rule?.rule, field: rule?.field ?? "rule")
        let (segment, evaluation) = try await segments.save(workspaceID: try context.workspaceID, draft, replacing: pathID)
        return JSONResponse.make(Self.render(segment, evaluation), status: pathID == nil ? .created : .ok)
    }

    /// The members a rule would have now, and a sample of them, without saving anything.
    private func preview(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try BodyFields(try await request.jsonObject(), allowed: ["rule", "ruleText", "sample"])
        var sample = 10
        if let value = body.members["sample"], !value.isNull {
            guard case .int(let n) = value, let size = Int(exactly: n) else {
                throw APIError.badRequest("'sample' must be an integer from 0 to \(SegmentService.maximumSample)")
            }
            sample = size
        }
        let rule = try RuleInput.require(body)
        let preview = try await segments.preview(
            workspaceID: try context.workspaceID, rule: rule.rule, field: rule.field, sample: sample)
        return JSONResponse.make([
            "size": .int(Int64(preview.size)), "sample": .array(preview.sample.map(IntelligenceJSON.summary)),
            "rule": preview.rule.json, "ruleText": .string(preview.rule.text),
        ])
    }

    private static func render(_ segment: SegmentDefinition, _ evaluation: SegmentService.Evaluation) -> JSONValue {
        IntelligenceJSON.render(segment).adding([
            "evaluation": [
                "entered": .int(Int64(evaluation.entered)), "exited": .int(Int64(evaluation.exited)),
                "dependentsEvaluated": .array(evaluation.dependents.map(JSONValue.string)),
            ]
        ])
    }
}
