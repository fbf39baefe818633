import Hummingbird
import PondCore
import PondStore

/// Who is in a segment, who entered and left it, and uploads of static segments' lists:
/// `/api/v1/segments/{id}/members`, `/changes`, `/members/import`, and `/api/v1/profiles/{id}/segments`.
struct SegmentMemberController: Sendable {
    let auth: AdminAuth
    let runtime: PondRuntime
    let definitions: DefinitionLock
    let segments: SegmentController

    var store: Store { runtime.store }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/segments/:id/members") { request, context in try await members(request, context) }
        router.get("/api/v1/segments/:id/changes") { request, context in try await changes(request, context) }
        router.post("/api/v1/segments/:id/members/import") { request, context in try await importCSV(request, context) }
        router.get("/api/v1/profiles/:id/segments") { request, context in
            let key = try await auth.admin(request)
            guard let root = try await store.rootProfileID(workspaceID: key.workspaceID, profileID: try ProfileController.id(context))
            else { throw APIError.notFound("profile") }
            let definitions = Dictionary(
                try await store.segments(workspaceID: key.workspaceID).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let memberships = try await store.memberships(workspaceID: key.workspaceID, profileID: root)
            return JSONResponse.make([
                "profileId": .int(root),
                "segments": .array(memberships.compactMap { membership -> JSONValue? in
                    guard let segment = definitions[membership.segmentID] else { return nil }
                    return [
                        "id": .string(segment.id), "name": .string(segment.name), "kind": .string(segment.kind.rawValue),
                        "since": membership.since.json,
                    ]
                }),
            ])
        }
    }

    /// Members in ascending profile id order. Page with `after` = the previous page's `nextCursor`.
    private func members(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let id = try await existing(key.workspaceID, context).id
        let limit = try request.intQuery("limit", default: 100, range: 1...1000)
        let after = try Self.cursor(request)
        let page = try await store.segmentMembers(workspaceID: key.workspaceID, segmentID: id, after: after, limit: limit)
        return JSONResponse.make([
            "members": .array(page.map { ["profileId": .int($0.profileID), "since": $0.since.json] }),
            "nextCursor": page.count == limit ? page.last.map { .string(String($0.profileID)) } ?? .null : .null,
        ])
    }

    /// The enter/exit log after sequence number `after`, oldest first. `nextCursor` is always the position to
    /// continue from (the last entry returned, or `after` itself when nothing is new), so a follower — a journey,
    /// an export — polls with it and never misses or repeats an entry.
    private func changes(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let id = try await existing(key.workspaceID, context).id
        let limit = try request.intQuery("limit", default: 100, range: 1...1000)
        let after = try Self.cursor(request) ?? 0
        let changes = try await store.segmentChanges(
            workspaceID: key.workspaceID, segmentID: id, after: after, limit: limit)
        return JSONResponse.make([
            "changes": .array(changes.map(IntelligenceJSON.render)),
            "nextCursor": .string(String(changes.last?.seq ?? after)), "hasMore": .bool(changes.count == limit),
        ])
    }

    /// Sets or extends a static segment's list from a CSV (columns as in `ProfileListUpload`).
    ///
    /// `mode` is required: `replace` makes the list exactly the file's customers (those not in it leave), `append`
    /// adds them. Rows that cannot be used are rejected and reported; the rest are applied in one transaction. A
    /// `replace` whose file has rows but not one usable is refused (400 `no_valid_rows`), because it would empty
    /// the list — usually the sign of a wrong column rather than the intent; a file with only a header does empty it.
    private func importCSV(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        guard let mode = request.query("mode") else {
            throw APIError.badRequest("'mode' is required: replace (the file becomes the list) or append (add to it)")
        }
        guard mode == "replace" || mode == "append" else {
            throw APIError.badRequest("'mode' must be replace or append, got '\(mode)'")
        }
        let segment = try await existing(key.workspaceID, context)
        guard segment.kind == .static else {
            throw APIError(
                .conflict, "segment_is_dynamic", "segment '\(segment.id)' is dynamic: its members follow its rule")
        }
        let upload = try await ProfileListUpload.read(request, store: store, workspaceID: key.workspaceID, tags: nil)
        if mode == "replace", upload.rows > 0, upload.accepted.isEmpty {
            var error = APIError(
                .badRequest, "no_valid_rows", "no row of the file names a known customer; the list was left as it was")
            error.extra = upload.json
            throw error
        }
        let members = Set(upload.accepted.map(\.profileID))
        let reason = "CSV upload (\(mode))"
        let (entered, exited, catalog) = try await definitions.withLock {
            let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
            guard catalog.segments.contains(where: { $0.id == segment.id && $0.kind == .static }) else {
                throw APIError.notFound("segment '\(segment.id)'")
            }
            let now = runtime.clock.now()
            if mode == "replace" {
                let result = try await store.replaceSegmentMembers(
                    workspaceID: key.workspaceID, segmentID: segment.id, members: members, at: now, reason: reason)
                return (result.entered, result.exited, catalog)
            }
            let entered = try await store.addSegmentMembers(
                workspaceID: key.workspaceID, segmentID: segment.id, members: members, at: now, reason: reason)
            return (entered, 0, catalog)
        }
        let dependents = try await segments.recompute(key.workspaceID, segment.id, catalog, reason: reason).dependents
        var response = upload.json
        response["mode"] = .string(mode)
        response["entered"] = .int(Int64(entered))
        response["exited"] = .int(Int64(exited))
        response["memberCount"] = .int(Int64(try await store.segment(workspaceID: key.workspaceID, id: segment.id)?.memberCount ?? 0))
        response["dependentsEvaluated"] = .array(dependents.map(JSONValue.string))
        return JSONResponse.make(.object(response))
    }

    private func existing(_ workspaceID: String, _ context: BasicRequestContext) async throws -> SegmentDefinition {
        let id = try context.parameters.require("id")
        guard let segment = try await store.segment(workspaceID: workspaceID, id: id) else {
            throw APIError.notFound("segment '\(id)'")
        }
        return segment
    }

    private static func cursor(_ request: Request) throws -> Int64? {
        try request.query("after").map { text in
            guard let value = Int64(text), value >= 0 else {
                throw APIError.badRequest("'after' must be a cursor returned by this endpoint")
            }
            return value
        }
    }
}
