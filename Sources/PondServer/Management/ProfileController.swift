import Hummingbird
import PondCore
import PondEngine

/// Unified profiles: look-up by id or any identity, search, timeline, trait history, merges and their undo. The
/// rules are `ProfileService`'s.
struct ProfileController: Sendable {
    let profiles: ProfileService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("profiles") { request, context in try await list(request, context) }
        api.get("profiles/:id") { _, context in
            JSONResponse.make(
                ProfileJSON.render(try await profiles.profile(workspaceID: try context.workspaceID, id: try context.integer("id"))))
        }
        api.get("profiles/:id/events") { request, context in try await timeline(request, context) }
        api.get("profiles/:id/traits/:key/history") { _, context in
            let changes = try await profiles.traitHistory(
                workspaceID: try context.workspaceID, profileID: try context.integer("id"), key: try context.parameters.require("key"))
            return JSONResponse.make(["history": .array(changes.map(ProfileJSON.render))])
        }
        api.get("profiles/:id/merges") { _, context in
            let merges = try await profiles.merges(workspaceID: try context.workspaceID, profileID: try context.integer("id"))
            return JSONResponse.make(["merges": .array(merges.map(ProfileJSON.render))])
        }
        api.get("profiles/:id/conflicts") { _, context in
            let conflicts = try await profiles.conflicts(workspaceID: try context.workspaceID, profileID: try context.integer("id"))
            return JSONResponse.make(["conflicts": .array(conflicts.map(ProfileJSON.render))])
        }
        api.get("identity-conflicts") { request, context in
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let conflicts = try await profiles.conflicts(workspaceID: try context.workspaceID, profileID: nil, limit: limit)
            return JSONResponse.make(["conflicts": .array(conflicts.map(ProfileJSON.render))])
        }
        api.get("merges/:id") { _, context in
            JSONResponse.make(
                ProfileJSON.render(try await profiles.merge(workspaceID: try context.workspaceID, id: try context.integer("id"))))
        }
        api.post("merges/:id/undo") { _, context in
            let merge = try await profiles.undoMerge(
                workspaceID: try context.workspaceID, id: try context.integer("id"), actor: try context.actor)
            return JSONResponse.make(ProfileJSON.render(merge))
        }
    }

    private func list(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        if let identity = request.query("identity") {
            return JSONResponse.make(
                ProfileJSON.render(try await profiles.profile(workspaceID: try context.workspaceID, identity: identity)))
        }
        let limit = try request.intQuery("limit", default: 50, range: 1...200)
        let after = try request.query("after").map { text -> Int64 in
            guard let value = Int64(text) else { throw APIError.badRequest("'after' must be a profile id") }
            return value
        }
        let views = try await profiles.profiles(
            workspaceID: try context.workspaceID, search: request.query("q"), after: after, limit: limit)
        return JSONResponse.make([
            "profiles": .array(views.map(ProfileJSON.render)),
            "nextCursor": views.count == limit ? views.last.map { .string(String($0.id)) } ?? .null : .null,
        ])
    }

    private func timeline(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let limit = try request.intQuery("limit", default: 50, range: 1...500)
        var before: (Instant, Int64)?
        if let cursor = request.query("cursor") {
            let parts = cursor.split(separator: "_")
            guard parts.count == 2, let ts = Int64(parts[0]), let seq = Int64(parts[1]) else {
                throw APIError.badRequest("'cursor' is not a cursor returned by this endpoint")
            }
            before = (Instant(millisecondsSinceEpoch: ts), seq)
        }
        let events = try await profiles.timeline(
            workspaceID: try context.workspaceID, profileID: try context.integer("id"), before: before, limit: limit)
        let next: JSONValue = events.count == limit
            ? events.last.map { .string("\($0.message.timestamp.millisecondsSinceEpoch)_\($0.seq)") } ?? .null : .null
        return JSONResponse.make(["events": .array(events.map(ProfileJSON.render)), "nextCursor": next])
    }
}
