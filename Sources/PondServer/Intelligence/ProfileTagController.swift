import Hummingbird
import PondCore
import PondEngine

/// Putting tags on profiles and taking them off: one profile (`/api/v1/profiles/{id}/tags`), many at once
/// (`/api/v1/tags/bulk`), or a CSV list (`/api/v1/tags/import`). The rules are `TaggingService`'s.
struct ProfileTagController: Sendable {
    let tagging: TaggingService

    enum Action: String, CaseIterable {
        case add
        case remove
    }

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("profiles/:id/tags") { _, context in
            JSONResponse.make(
                IntelligenceJSON.render(try await tagging.tags(workspaceID: try context.workspaceID, profileID: try context.integer("id"))))
        }
        api.post("profiles/:id/tags") { request, context in
            let body = try BodyFields(try await request.jsonObject(), allowed: ["tags", "source", "sourceRef"])
            let (tags, added) = try await tagging.tag(
                workspaceID: try context.workspaceID, profileID: try context.integer("id"), tags: try Self.tags(body),
                origin: try Self.origin(body, context))
            return JSONResponse.make(IntelligenceJSON.render(tags).adding(["added": .int(Int64(added))]))
        }
        api.delete("profiles/:id/tags/:tag") { _, context in
            let (tags, removed) = try await tagging.untag(
                workspaceID: try context.workspaceID, profileID: try context.integer("id"), tag: try context.text("tag"),
                actor: try context.actor)
            return JSONResponse.make(IntelligenceJSON.render(tags).adding(["removed": .bool(removed)]))
        }
        api.post("tags/bulk") { request, context in try await bulk(request, context) }
        api.post("tags/import") { request, context in try await importCSV(request, context) }
    }

    /// The same tags on many profiles, named by id (`profiles`) and/or identity (`identities`); all or nothing.
    private func bulk(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try BodyFields(
            try await request.jsonObject(limit: 4 << 20),
            allowed: ["action", "tags", "profiles", "identities", "source", "sourceRef"])
        guard let action = try body.choice("action", Action.allCases.map(\.rawValue)) else {
            throw APIError.badRequest("'action' is required: add or remove")
        }
        var ids: [Int64] = []
        if let value = body.members["profiles"], !value.isNull {
            guard let items = value.arrayValue else { throw APIError.badRequest("'profiles' must be an array of profile ids") }
            ids = try items.map { item in
                guard case .int(let id) = item else { throw APIError.badRequest("'profiles' must hold integer profile ids") }
                return id
            }
        }
        let result = try await tagging.bulk(
            workspaceID: try context.workspaceID, adding: action == Action.add.rawValue, tags: try Self.tags(body),
            profileIDs: ids, identities: try body.strings("identities", maxCount: TaggingService.maximumProfilesPerRequest) ?? [],
            origin: try Self.origin(body, context))
        return JSONResponse.make([
            "action": .string(action), "tags": .array(result.tags.map(JSONValue.string)),
            "profiles": .int(Int64(result.profiles)), "changed": .int(Int64(result.changed)),
        ])
    }

    /// Tags (or untags) the customers of a CSV list; see `ProfileList` for the columns.
    private func importCSV(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let action = try request.choice("action", Action.self, required: true)!
        let csv = try await CSVBody.list(request)
        let result = try await tagging.applyList(
            workspaceID: try context.workspaceID, csv.bytes, delimiter: csv.delimiter, adding: action == .add,
            everyRow: request.uri.queryParameters.getAll("tag").map { String($0) }, reference: request.query("sourceRef"))
        var response = result.list.report
        response["action"] = .string(action.rawValue)
        response["changed"] = .int(Int64(result.changed))
        return JSONResponse.make(.object(response))
    }

    /// `tags` from the body (the service checks they are defined).
    private static func tags(_ body: BodyFields) throws -> [String] {
        guard let tags = try body.strings("tags", maxCount: TaggingService.maximumTagsPerRequest), !tags.isEmpty else {
            throw APIError.badRequest("'tags' must be an array of 1 to \(TaggingService.maximumTagsPerRequest) tag names")
        }
        return tags
    }

    private static func origin(_ body: BodyFields, _ context: APIRequestContext) throws -> TaggingService.Origin {
        try TaggingService.Origin(
            operator: try body.string("source", maxCharacters: 20), reference: try body.string("sourceRef", maxCharacters: 200),
            actor: try context.actor)
    }
}
