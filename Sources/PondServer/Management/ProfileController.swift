import Hummingbird
import PondCore
import PondStore

/// Unified profiles: look-up by id or any identity, search, timeline, trait history, merges and their undo.
struct ProfileController: Sendable {
    let auth: AdminAuth
    let store: Store
    let clock: any Clock

    /// Types whose values are only unique within a namespace, written `type:namespace:value` in `?identity=`.
    static let namespacedTypes: Set<String> = [IdentityType.wechatOpenID]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/profiles") { request, _ in try await list(request) }
        router.get("/api/v1/profiles/:id") { request, context in
            let key = try await auth.admin(request)
            guard let view = try await store.profile(workspaceID: key.workspaceID, id: try Self.id(context)) else {
                throw APIError.notFound("profile")
            }
            return JSONResponse.make(ProfileJSON.render(view))
        }
        router.get("/api/v1/profiles/:id/events") { request, context in try await timeline(request, context) }
        router.get("/api/v1/profiles/:id/traits/:key/history") { request, context in
            let key = try await auth.admin(request)
            let id = try Self.id(context)
            try await requireProfile(key.workspaceID, id)
            let changes = try await store.traitHistory(
                workspaceID: key.workspaceID, profileID: id, key: try context.parameters.require("key"))
            return JSONResponse.make(["history": .array(changes.map(ProfileJSON.render))])
        }
        router.get("/api/v1/profiles/:id/merges") { request, context in
            let key = try await auth.admin(request)
            let id = try Self.id(context)
            try await requireProfile(key.workspaceID, id)
            let merges = try await store.merges(workspaceID: key.workspaceID, profileID: id)
            return JSONResponse.make(["merges": .array(merges.map(ProfileJSON.render))])
        }
        router.get("/api/v1/profiles/:id/conflicts") { request, context in
            let key = try await auth.admin(request)
            let id = try Self.id(context)
            try await requireProfile(key.workspaceID, id)
            let conflicts = try await store.conflicts(workspaceID: key.workspaceID, profileID: id)
            return JSONResponse.make(["conflicts": .array(conflicts.map(ProfileJSON.render))])
        }
        router.get("/api/v1/identity-conflicts") { request, _ in
            let key = try await auth.admin(request)
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let conflicts = try await store.conflicts(workspaceID: key.workspaceID, profileID: nil, limit: limit)
            return JSONResponse.make(["conflicts": .array(conflicts.map(ProfileJSON.render))])
        }
        router.get("/api/v1/merges/:id") { request, context in
            let key = try await auth.admin(request)
            guard let merge = try await store.merge(workspaceID: key.workspaceID, id: try Self.id(context)) else {
                throw APIError.notFound("merge")
            }
            return JSONResponse.make(ProfileJSON.render(merge))
        }
        router.post("/api/v1/merges/:id/undo") { request, context in
            let key = try await auth.admin(request)
            do {
                let merge = try await store.unmerge(
                    workspaceID: key.workspaceID, mergeID: try Self.id(context), actor: "key:\(key.id)", at: clock.now())
                return JSONResponse.make(ProfileJSON.render(merge))
            } catch Store.UnmergeError.notFound {
                throw APIError.notFound("merge")
            } catch Store.UnmergeError.alreadyUndone {
                throw APIError(.conflict, "already_undone", "this merge was already undone")
            }
        }
    }

    private func list(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        if let raw = request.query("identity") {
            let identity = try Self.parseIdentity(raw)
            guard let id = try await store.profileID(workspaceID: key.workspaceID, identity: identity),
                let view = try await store.profile(workspaceID: key.workspaceID, id: id)
            else { throw APIError.notFound("profile with \(identity)") }
            return JSONResponse.make(ProfileJSON.render(view))
        }
        let limit = try request.intQuery("limit", default: 50, range: 1...200)
        let after = try request.query("after").map { text -> Int64 in
            guard let value = Int64(text) else { throw APIError.badRequest("'after' must be a profile id") }
            return value
        }
        let views = try await store.profiles(workspaceID: key.workspaceID, search: request.query("q"), after: after, limit: limit)
        return JSONResponse.make([
            "profiles": .array(views.map(ProfileJSON.render)),
            "nextCursor": views.count == limit ? views.last.map { .string(String($0.id)) } ?? .null : .null,
        ])
    }

    private func timeline(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let id = try Self.id(context)
        try await requireProfile(key.workspaceID, id)
        let limit = try request.intQuery("limit", default: 50, range: 1...500)
        var before: (Instant, Int64)?
        if let cursor = request.query("cursor") {
            let parts = cursor.split(separator: "_")
            guard parts.count == 2, let ts = Int64(parts[0]), let seq = Int64(parts[1]) else {
                throw APIError.badRequest("'cursor' is not a cursor returned by this endpoint")
            }
            before = (Instant(millisecondsSinceEpoch: ts), seq)
        }
        let events = try await store.timeline(workspaceID: key.workspaceID, profileID: id, before: before, limit: limit)
        let next: JSONValue = events.count == limit
            ? events.last.map { .string("\($0.message.timestamp.millisecondsSinceEpoch)_\($0.seq)") } ?? .null : .null
        return JSONResponse.make(["events": .array(events.map(ProfileJSON.render)), "nextCursor": next])
    }

    private func requireProfile(_ workspaceID: String, _ id: Int64) async throws {
        guard try await store.rootProfileID(workspaceID: workspaceID, profileID: id) != nil else {
            throw APIError.notFound("profile")
        }
    }

    static func id(_ context: BasicRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.badRequest("id must be an integer") }
        return id
    }

    /// `type:value`, or `type:namespace:value` for namespaced types such as `wechat_openid:wx123:o-abc`.
    static func parseIdentity(_ raw: String) throws -> Identity {
        var parts = raw.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw APIError.badRequest("'identity' must look like type:value, e.g. phone:13800138000") }
        if namespacedTypes.contains(parts[0]) {
            let rest = parts[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard rest.count == 2 else { throw APIError.badRequest("'\(parts[0])' identities are written \(parts[0]):APPID:VALUE") }
            parts = [parts[0] + ":" + rest[0], rest[1]]
        }
        do {
            return try IdentityRules.make(type: parts[0], value: parts[1])
        } catch {
            throw APIError(.badRequest, "invalid_identity", "\(error)")
        }
    }
}
