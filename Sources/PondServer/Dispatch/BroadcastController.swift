import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Broadcasts (群发) over HTTP: `/api/v1/broadcasts`, each with its progress and report, and cancelling one. The
/// rules are `BroadcastService`'s.
struct BroadcastController: Sendable {
    let broadcasts: BroadcastService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.post("broadcasts") { request, context in try await create(request, context) }
        api.get("broadcasts") { request, context in
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let list = try await broadcasts.broadcasts(
                workspaceID: try context.workspaceID, status: try request.choice("status", BroadcastStatus.self, required: false),
                before: try ConsentController.before(request), limit: limit)
            return JSONResponse.make([
                "broadcasts": .array(list.map(Self.render)),
                "nextCursor": list.count == limit ? list.last.map { .string(String($0.seq)) } ?? .null : .null,
            ])
        }
        api.get("broadcasts/:id") { _, context in
            let workspaceID = try context.workspaceID
            let broadcast = try await broadcasts.broadcast(workspaceID: workspaceID, id: try context.text("id"))
            return JSONResponse.make(try await withReport(workspaceID, broadcast))
        }
        api.post("broadcasts/:id/cancel") { _, context in
            let workspaceID = try context.workspaceID
            let broadcast = try await broadcasts.cancel(workspaceID: workspaceID, id: try context.text("id"))
            return JSONResponse.make(try await withReport(workspaceID, broadcast))
        }
    }

    private func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try BodyFields(
            try await request.jsonObject(),
            allowed: ["id", "name", "segmentId", "templateId", "channel", "category", "scheduledAt", "expiresAt"])
        var category: MessageCategory?
        if let name = try body.choice("category", MessageCategory.allCases.map(\.rawValue)) {
            category = MessageCategory(rawValue: name)
        }
        func instant(_ name: String) throws -> Instant? {
            guard let text = try body.string(name, maxCharacters: 64) else { return nil }
            guard let instant = ISO8601.parse(text) else { throw APIError.badRequest("'\(name)' must be an ISO 8601 time") }
            return instant
        }
        let draft = BroadcastService.Draft(
            id: try body.string("id", maxCharacters: DefinitionNames.maximumIDCharacters),
            name: try body.requiredString("name", maxCharacters: BroadcastService.maximumNameCharacters),
            segmentID: try body.requiredString("segmentId", maxCharacters: DefinitionNames.maximumIDCharacters),
            templateID: try body.requiredString("templateId", maxCharacters: DefinitionNames.maximumIDCharacters),
            channel: try body.requiredString("channel", maxCharacters: 64), category: category,
            scheduledAt: try instant("scheduledAt"), expiresAt: try instant("expiresAt"), createdBy: try context.actor)
        let workspaceID = try context.workspaceID
        let created = try await broadcasts.create(workspaceID: workspaceID, draft)
        return JSONResponse.make(try await withReport(workspaceID, created), status: .created)
    }

    private func withReport(_ workspaceID: String, _ broadcast: Broadcast) async throws -> JSONValue {
        Self.render(broadcast).adding(["report": Self.render(try await broadcasts.report(workspaceID: workspaceID, broadcast))])
    }

    static func render(_ broadcast: Broadcast) -> JSONValue {
        let progress = broadcast.progress
        return [
            "id": .string(broadcast.id), "name": .string(broadcast.name), "segmentId": .string(broadcast.segmentID),
            "templateId": .string(broadcast.templateID),
            "templateVersion": broadcast.templateVersion.map { .int(Int64($0)) } ?? .null,
            "channel": .string(broadcast.channel.rawValue), "category": .string(broadcast.category.rawValue),
            "status": .string(broadcast.status.rawValue), "scheduledAt": broadcast.scheduledAt?.json ?? .null,
            "expiresAt": broadcast.expiresAt?.json ?? .null, "createdAt": broadcast.createdAt.json,
            "createdBy": .string(broadcast.createdBy), "startedAt": broadcast.startedAt?.json ?? .null,
            "finishedAt": broadcast.finishedAt?.json ?? .null, "cancelledAt": broadcast.cancelledAt?.json ?? .null,
            "progress": [
                "audienceEstimate": broadcast.audienceEstimate.map { .int(Int64($0)) } ?? .null,
                "audienceRead": .int(Int64(progress.audienceRead)), "slices": .int(Int64(progress.slices)),
                "afterProfileId": progress.afterProfile.map(JSONValue.int) ?? .null,
            ],
        ]
    }

    static func render(_ report: BroadcastService.Report) -> JSONValue {
        var byStatus: [String: JSONValue] = [:]
        for status in MessageStatus.allCases { byStatus[status.rawValue] = .int(Int64(report.byStatus[status] ?? 0)) }
        return [
            "messages": .int(Int64(report.messages)), "byStatus": .object(byStatus),
            "byReason": .object(Dictionary(uniqueKeysWithValues: report.byReason.map { ($0.key.rawValue, .int(Int64($0.value))) })),
            "renderFailures": [
                "count": .int(Int64(report.renderFailures)),
                "missingVariables": .object(report.missingVariables.mapValues { .int(Int64($0)) }),
                "sampleProfileIds": .array(report.failedSample.map(JSONValue.int)),
            ],
            "refused": .int(Int64(report.refused)),
        ]
    }
}
