import Hummingbird
import PondCore
import PondEngine

/// The consent ledger over HTTP: a profile's state and history, recording an answer, importing existing records.
/// The rules are `ConsentService`'s.
struct ConsentController: Sendable {
    let consent: ConsentService

    static let answerFields: Set<String> = ["purpose", "channel", "action", "at", "noticeVersion", "source", "evidence"]

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("profiles/:id/consent") { _, context in
            JSONResponse.make(
                DispatchJSON.render(try await consent.consent(workspaceID: try context.workspaceID, profileID: try context.integer("id"))))
        }
        api.post("profiles/:id/consent") { request, context in
            let body = try BodyFields(try await request.jsonObject(), allowed: Self.answerFields)
            let (state, entryID) = try await consent.record(
                workspaceID: try context.workspaceID, profileID: try context.integer("id"), try Self.answer(body))
            return JSONResponse.make(DispatchJSON.render(state).adding(["entryId": .int(entryID)]), status: .created)
        }
        api.get("profiles/:id/consent/history") { request, context in
            let limit = try request.intQuery("limit", default: 50, range: 1...500)
            let entries = try await consent.history(
                workspaceID: try context.workspaceID, profileID: try context.integer("id"), before: try Self.before(request),
                limit: limit)
            return JSONResponse.make([
                "entries": .array(entries.map(DispatchJSON.render)),
                "nextCursor": entries.count == limit ? entries.last.map { .string(String($0.entryID)) } ?? .null : .null,
            ])
        }
        api.post("channels/:channel/replies") { request, context in
            let body = try BodyFields(try await request.jsonObject(), allowed: ["from", "text", "messageId"])
            let unsubscribed = try await consent.reply(
                workspaceID: try context.workspaceID, channel: ChannelID(try context.text("channel")),
                from: try body.requiredString("from", maxCharacters: 300), text: try body.requiredString("text", maxCharacters: 2000),
                messageID: try body.string("messageId", maxCharacters: 300))
            return JSONResponse.make(["unsubscribed": .bool(unsubscribed)])
        }
        api.post("consent/import") { request, context in
            let body = try BodyFields(try await request.jsonObject(limit: 16 << 20), allowed: ["records"])
            guard let records = body.members["records"]?.arrayValue else {
                throw APIError.badRequest("'records' is required: an array of consent records")
            }
            let rows = try records.enumerated().map { index, item in
                guard let object = item.objectValue else { throw APIError.badRequest("records[\(index)] must be an object") }
                let fields = try BodyFields(object, allowed: Self.answerFields.union(["profileId", "identity", "key"]))
                var profileID: Int64?
                if let value = fields.members["profileId"], !value.isNull {
                    guard case .int(let id) = value else { throw APIError.badRequest("records[\(index)].profileId must be an integer") }
                    profileID = id
                }
                return ConsentService.ImportRow(
                    profileID: profileID, identity: try fields.string("identity", maxCharacters: 300),
                    answer: try Self.answer(fields), key: try fields.string("key", maxCharacters: 300))
            }
            let report = try await consent.importAnswers(workspaceID: try context.workspaceID, rows)
            return JSONResponse.make([
                "recorded": .int(Int64(report.recorded)), "duplicates": .int(Int64(report.duplicates)),
                "superseded": .int(Int64(report.superseded)),
            ])
        }
    }

    static func answer(_ body: BodyFields) throws -> ConsentService.Answer {
        var at: Instant?
        if let text = try body.string("at", maxCharacters: 64) {
            guard let instant = ISO8601.parse(text) else { throw APIError.badRequest("'at' must be an ISO 8601 time, got '\(text)'") }
            at = instant
        }
        return ConsentService.Answer(
            purpose: try body.requiredString("purpose", maxCharacters: 64),
            channel: try body.requiredString("channel", maxCharacters: 64),
            action: try body.requiredString("action", maxCharacters: 16), at: at,
            noticeVersion: try body.string("noticeVersion", maxCharacters: 1000),
            source: try body.requiredString("source", maxCharacters: 1000),
            evidence: try body.string("evidence", maxCharacters: 10_000))
    }

    /// `?cursor=`: the id of the last entry of the previous page (lists newest first).
    static func before(_ request: Request) throws -> Int64? {
        try request.query("cursor").map { text in
            guard let value = Int64(text), value > 0 else { throw APIError.badRequest("'cursor' is not a cursor returned by this endpoint") }
            return value
        }
    }
}
