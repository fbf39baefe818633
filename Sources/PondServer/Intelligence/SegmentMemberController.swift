import Hummingbird
import PondCore
import PondEngine

/// Who is in a segment, who entered and left it, and uploads of static segments' lists:
/// `/api/v1/segments/{id}/members`, `/changes`, `/members/import`, and `/api/v1/profiles/{id}/segments`.
struct SegmentMemberController: Sendable {
    let segments: SegmentService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("segments/:id/members") { request, context in try await members(request, context) }
        api.get("segments/:id/changes") { request, context in try await changes(request, context) }
        api.post("segments/:id/members/import") { request, context in try await importCSV(request, context) }
        api.get("profiles/:id/segments") { _, context in
            let found = try await segments.memberships(workspaceID: try context.workspaceID, profileID: try context.integer("id"))
            return JSONResponse.make([
                "profileId": .int(found.profileID),
                "segments": .array(found.segments.map { membership -> JSONValue in
                    let segment = membership.segment
                    return [
                        "id": .string(segment.id), "name": .string(segment.name), "kind": .string(segment.kind.rawValue),
                        "since": membership.since.json,
                    ]
                }),
            ])
        }
    }

    /// Members in ascending profile id order. Page with `after` = the previous page's `nextCursor`.
    private func members(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let limit = try request.intQuery("limit", default: 100, range: 1...1000)
        let page = try await segments.members(
            workspaceID: try context.workspaceID, id: try context.text("id"), after: try request.cursor(), limit: limit)
        return JSONResponse.make([
            "members": .array(page.map { ["profileId": .int($0.profileID), "since": $0.since.json] }),
            "nextCursor": page.count == limit ? page.last.map { .string(String($0.profileID)) } ?? .null : .null,
        ])
    }

    /// The enter/exit log after sequence number `after`, oldest first. `nextCursor` is always the position to
    /// continue from (the last entry returned, or `after` itself when nothing is new), so a follower — a journey,
    /// an export — polls with it and never misses or repeats an entry.
    private func changes(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let limit = try request.intQuery("limit", default: 100, range: 1...1000)
        let after = try request.cursor() ?? 0
        let changes = try await segments.changes(
            workspaceID: try context.workspaceID, id: try context.text("id"), after: after, limit: limit)
        return JSONResponse.make([
            "changes": .array(changes.map(IntelligenceJSON.render)),
            "nextCursor": .string(String(changes.last?.seq ?? after)), "hasMore": .bool(changes.count == limit),
        ])
    }

    /// Sets (`mode=replace`) or extends (`mode=append`) a static segment's list from a CSV.
    private func importCSV(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let mode = try request.choice("mode", SegmentService.ListMode.self, required: true)!
        let csv = try await CSVBody.list(request)
        let upload = try await segments.uploadMembers(
            workspaceID: try context.workspaceID, id: try context.text("id"), csv.bytes, delimiter: csv.delimiter, mode: mode)
        var response = upload.list.report
        response["mode"] = .string(mode.rawValue)
        response["entered"] = .int(Int64(upload.entered))
        response["exited"] = .int(Int64(upload.exited))
        response["memberCount"] = .int(Int64(upload.memberCount))
        response["dependentsEvaluated"] = .array(upload.dependents.map(JSONValue.string))
        return JSONResponse.make(.object(response))
    }
}
