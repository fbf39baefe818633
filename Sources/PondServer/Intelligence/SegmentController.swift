import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Segment definitions (人群): `/api/v1/segments`, previews and on-demand evaluation.
///
/// Saving a dynamic segment checks its rule against the workspace (stage and RFM layer names become ids; unknown
/// stages, layers, segments and tags are refused with the offending node's path; a segment may not reach itself
/// through `in segment`), stores it, and computes its members at once, then recomputes the segments built on it.
/// A segment another segment or an auto-tag rule names cannot be deleted (409 `segment_in_use`).
struct SegmentController: Sendable {
    let auth: AdminAuth
    let runtime: PondRuntime
    let definitions: DefinitionLock

    var store: Store { runtime.store }

    static let fields: Set<String> = ["id", "name", "description", "kind", "rule", "ruleText"]
    static let maximumSample = 100

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/segments") { request, _ in
            let key = try await auth.admin(request)
            let segments = try await store.segments(workspaceID: key.workspaceID)
            return JSONResponse.make(["segments": .array(segments.map(IntelligenceJSON.render))])
        }
        router.post("/api/v1/segments") { request, _ in try await save(request, pathID: nil) }
        router.post("/api/v1/segments/preview") { request, _ in try await preview(request) }
        router.get("/api/v1/segments/:id") { request, context in try await get(request, context) }
        router.put("/api/v1/segments/:id") { request, context in
            try await save(request, pathID: try context.parameters.require("id"))
        }
        router.delete("/api/v1/segments/:id") { request, context in try await delete(request, context) }
        router.post("/api/v1/segments/:id/evaluate") { request, context in try await evaluate(request, context) }
    }

    private func get(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let id = try context.parameters.require("id")
        let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
        guard let segment = catalog.segments.first(where: { $0.id == id }) else { throw APIError.notFound("segment '\(id)'") }
        guard case .object(var rendered) = IntelligenceJSON.render(segment) else { preconditionFailure() }
        rendered["dependsOn"] = .array((segment.rule?.referencedSegments.sorted() ?? []).map(JSONValue.string))
        rendered["usedBy"] = .array(catalog.referrers(ofSegment: id).map(JSONValue.string))
        return JSONResponse.make(.object(rendered))
    }

    /// POST (`pathID` nil: create, 409 if the id is taken) or PUT (replace an existing segment's definition, 404 if
    /// there is none; its kind cannot change). Members are not touched by saving a static segment.
    private func save(_ request: Request, pathID: String?) async throws -> Response {
        let key = try await auth.admin(request)
        let body = try BodyFields(try await request.jsonObject(), allowed: Self.fields)
        let bodyID = try body.string("id", maxCharacters: Naming.maximumIDCharacters).map { try Naming.id($0) }
        if let pathID, let bodyID, bodyID != pathID {
            throw APIError.badRequest("'id' in the body ('\(bodyID)') differs from the id in the path ('\(pathID)')")
        }
        if let bodyID, Naming.reservedSegmentIDs.contains(bodyID) {
            throw APIError.badRequest("'\(bodyID)' is reserved (it names an endpoint under /api/v1/segments)")
        }
        let name = try body.requiredString("name", maxCharacters: 200)
        let description = try body.string("description", maxCharacters: 2000, allowEmpty: true) ?? ""
        let kind = SegmentDefinition.Kind(rawValue: try body.choice("kind", ["dynamic", "static"]) ?? "dynamic")!
        let parsed = try RuleInput.read(body)
        let field = body.has("rule") ? "rule" : "ruleText"
        switch (kind, parsed) {
        case (.dynamic, nil):
            throw APIError.badRequest("a dynamic segment needs a rule: 'rule' (JSON form) or 'ruleText' (text form)")
        case (.static, _?):
            throw APIError.badRequest("a static segment has no rule; its members are uploaded to /api/v1/segments/{id}/members/import")
        default:
            break
        }
        let now = runtime.clock.now()

        let (saved, catalog) = try await definitions.withLock {
            var catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
            let existing = catalog.segments.first { $0.id == (pathID ?? bodyID) }
            let id: String
            if let pathID {
                guard let existing else { throw APIError.notFound("segment '\(pathID)'") }
                guard existing.kind == kind else {
                    throw APIError.badRequest(
                        "segment '\(pathID)' is \(existing.kind.rawValue); a segment's kind cannot change, create a new one")
                }
                id = pathID
            } else if let bodyID {
                guard existing == nil else {
                    throw APIError(.conflict, "already_exists", "segment '\(bodyID)' already exists; change it with PUT")
                }
                id = bodyID
            } else {
                id = Naming.generateID(from: name, fallback: "segment", taken: catalog.segmentIDs)
            }
            let rule = try parsed.map { try catalog.resolve($0, savingSegment: id, field: field) }
            if let chain = catalog.cycle(saving: id, rule: rule) {
                var error = APIError(
                    .badRequest, SegmentRuleError.Code.segmentCycle.rawValue,
                    SegmentGraphError(chain: chain).message)
                error.extra["chain"] = .array(chain.map(JSONValue.string))
                if let field = parsed == nil ? nil : field { error.extra["field"] = .string(field) }
                throw error
            }
            let segment = SegmentDefinition(
                id: id, name: name, description: description, kind: kind, rule: rule,
                createdAt: existing?.createdAt ?? now, updatedAt: now, evaluatedAt: existing?.evaluatedAt)
            try await store.saveSegment(segment, workspaceID: key.workspaceID)
            catalog.segments.removeAll { $0.id == id }
            catalog.segments.append(segment)
            return (segment, catalog)
        }
        var evaluation: (entered: Int, exited: Int, dependents: [String]) = (0, 0, [])
        if kind == .dynamic {
            evaluation = try await recompute(
                key.workspaceID, saved.id, catalog, reason: pathID == nil ? "segment created" : "segment changed")
        }
        return JSONResponse.make(
            try await rendered(key.workspaceID, saved.id, evaluation: evaluation), status: pathID == nil ? .created : .ok)
    }

    private func delete(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let id = try context.parameters.require("id")
        let memberCount = try await definitions.withLock {
            let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
            guard let segment = catalog.segments.first(where: { $0.id == id }) else {
                throw APIError.notFound("segment '\(id)'")
            }
            let users = catalog.referrers(ofSegment: id)
            guard users.isEmpty else {
                var error = APIError(
                    .conflict, "segment_in_use",
                    "segment '\(id)' is used by \(users.joined(separator: ", ")); change or delete them first")
                error.extra["usedBy"] = .array(users.map(JSONValue.string))
                throw error
            }
            guard try await store.deleteSegment(workspaceID: key.workspaceID, id: id, at: runtime.clock.now()) else {
                throw APIError.notFound("segment '\(id)'")
            }
            return segment.memberCount
        }
        return JSONResponse.make(["id": .string(id), "deleted": true, "exited": .int(Int64(memberCount))])
    }

    /// Recomputes a dynamic segment's members now (and the segments built on it), e.g. after a bulk import.
    private func evaluate(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let id = try context.parameters.require("id")
        let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
        guard let segment = catalog.segments.first(where: { $0.id == id }) else { throw APIError.notFound("segment '\(id)'") }
        guard segment.kind == .dynamic else {
            throw APIError(
                .conflict, "segment_is_static", "segment '\(id)' is static: its members change only by upload")
        }
        let evaluation = try await recompute(key.workspaceID, id, catalog, reason: "evaluated on request")
        return JSONResponse.make(try await rendered(key.workspaceID, id, evaluation: evaluation))
    }

    /// The members a rule would have now, and the first `sample` of them (lowest ids first), without saving
    /// anything. The rule is checked as if it were being saved.
    private func preview(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let body = try BodyFields(try await request.jsonObject(), allowed: ["rule", "ruleText", "sample"])
        var sampleSize = 10
        if let value = body.members["sample"], !value.isNull {
            guard case .int(let n) = value, (0...Int64(Self.maximumSample)).contains(n) else {
                throw APIError.badRequest("'sample' must be an integer from 0 to \(Self.maximumSample)")
            }
            sampleSize = Int(n)
        }
        let parsed = try RuleInput.require(body)
        let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
        let rule = try catalog.resolve(parsed, field: body.has("rule") ? "rule" : "ruleText")
        let members = try await runtime.intelligence.preview(workspaceID: key.workspaceID, rule: rule)
        var sample: [JSONValue] = []
        for id in members.sorted().prefix(sampleSize) {
            if let view = try await store.profile(workspaceID: key.workspaceID, id: id) {
                sample.append(IntelligenceJSON.summary(view))
            }
        }
        return JSONResponse.make([
            "size": .int(Int64(members.count)), "sample": .array(sample), "rule": rule.json, "ruleText": .string(rule.text),
        ])
    }

    // MARK: Shared

    /// Evaluates segment `id` in full, then every dynamic segment that reads it, in dependency order.
    func recompute(_ workspaceID: String, _ id: String, _ catalog: RuleCatalog, reason: String) async throws -> (
        entered: Int, exited: Int, dependents: [String]
    ) {
        var result = (entered: 0, exited: 0, dependents: [String]())
        if catalog.segments.first(where: { $0.id == id })?.kind == .dynamic {
            let own = try await runtime.intelligence.evaluateSegment(workspaceID: workspaceID, id: id, reason: reason)
            result.entered = own.entered
            result.exited = own.exited
        }
        for dependent in catalog.dependents(of: id) {
            _ = try await runtime.intelligence.evaluateSegment(
                workspaceID: workspaceID, id: dependent, reason: "segment \(id) changed")
            result.dependents.append(dependent)
        }
        return result
    }

    private func rendered(
        _ workspaceID: String, _ id: String, evaluation: (entered: Int, exited: Int, dependents: [String])
    ) async throws -> JSONValue {
        guard let segment = try await store.segment(workspaceID: workspaceID, id: id) else {
            throw APIError.notFound("segment '\(id)'")
        }
        guard case .object(var rendered) = IntelligenceJSON.render(segment) else { preconditionFailure() }
        rendered["evaluation"] = [
            "entered": .int(Int64(evaluation.entered)), "exited": .int(Int64(evaluation.exited)),
            "dependentsEvaluated": .array(evaluation.dependents.map(JSONValue.string)),
        ]
        return .object(rendered)
    }
}
