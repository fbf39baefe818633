import Hummingbird
import PondCore
import PondEngine
import PondStore

/// The dispatcher over HTTP: the workspace's policy (caps, quiet hours, marketing share, consent rules), sending a
/// message through it, a message's status, the decision log and the sandbox channel's deliveries. The rules are
/// `DispatchService`'s.
struct DispatchController: Sendable {
    let dispatch: DispatchService
    let profiles: ProfileService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("dispatch/policy") { _, context in
            JSONResponse.make(try ConfigurationJSON.encode(try await dispatch.policy(workspaceID: try context.workspaceID)))
        }
        api.put("dispatch/policy") { request, context in
            let policy = try ConfigurationJSON.decode(DispatchPolicy.self, from: try await request.jsonObject())
            let saved = try await dispatch.savePolicy(workspaceID: try context.workspaceID, policy)
            return JSONResponse.make(try ConfigurationJSON.encode(saved))
        }
        api.post("messages") { request, context in try await send(request, context) }
        api.get("messages/:key") { _, context in
            JSONResponse.make(
                DispatchJSON.render(try await dispatch.message(workspaceID: try context.workspaceID, key: try context.text("key"))))
        }
        api.get("dispatch/decisions") { request, context in
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            var filter = DispatchService.DecisionFilter(
                decision: request.query("decision"), reason: try request.choice("reason", DispatchReason.self, required: false),
                origin: request.query("origin"))
            if let text = request.query("profileId") {
                guard let id = Int64(text) else { throw APIError.badRequest("'profileId' must be an integer") }
                filter.profileID = id
            }
            let records = try await dispatch.decisions(
                workspaceID: try context.workspaceID, filter: filter, before: try ConsentController.before(request), limit: limit)
            return JSONResponse.make([
                "decisions": .array(records.map(DispatchJSON.render)),
                "nextCursor": records.count == limit ? records.last.map { .string(String($0.id)) } ?? .null : .null,
            ])
        }
        api.get("sandbox/deliveries") { request, context in
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            var profileID: Int64?
            if let text = request.query("profileId") {
                guard let id = Int64(text) else { throw APIError.badRequest("'profileId' must be an integer") }
                profileID = id
            }
            let deliveries = try await dispatch.sandboxDeliveries(
                workspaceID: try context.workspaceID, profileID: profileID, before: try ConsentController.before(request),
                limit: limit)
            return JSONResponse.make([
                "deliveries": .array(deliveries.map(DispatchJSON.render)),
                "nextCursor": deliveries.count == limit ? deliveries.last.map { .string(String($0.id)) } ?? .null : .null,
            ])
        }
    }

    /// One message through the dispatcher: 202 once decided (the hand-over to the channel follows), 200 when the
    /// idempotency key was decided before.
    private func send(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let workspaceID = try context.workspaceID
        let body = try BodyFields(
            try await request.jsonObject(),
            allowed: ["idempotencyKey", "profileId", "identity", "channel", "category", "content", "expiresAt"])
        let profileID: Int64
        switch (body.members["profileId"], try body.string("identity", maxCharacters: 300)) {
        case (.int(let id)?, nil): profileID = id
        case (nil, let identity?), (.null?, let identity?):
            profileID = try await profiles.profile(workspaceID: workspaceID, identity: identity).id
        default: throw APIError.badRequest("name the profile by 'profileId' (an integer) or by 'identity', one of them")
        }
        guard let category = MessageCategory(rawValue: try body.requiredString("category", maxCharacters: 32)) else {
            throw APIError.badRequest("'category' must be one of \(MessageCategory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let content = body.members["content"]?.objectValue else {
            throw APIError.badRequest("'content' is required: {\"text\": …} with subject, html, providerTemplate, parameters as the channel needs")
        }
        let decoded = try ConfigurationJSON.decode(MessageContent.self, from: content)
        var expiresAt: Instant?
        if let text = try body.string("expiresAt", maxCharacters: 64) {
            guard let instant = ISO8601.parse(text) else { throw APIError.badRequest("'expiresAt' must be an ISO 8601 time") }
            expiresAt = instant
        }
        let ticket = MessageTicket(
            key: try body.requiredString("idempotencyKey", maxCharacters: 1000), profileID: profileID,
            channel: ChannelID(try body.requiredString("channel", maxCharacters: 64)), category: category, origin: "api",
            originRef: try context.actor, content: decoded, createdAt: dispatch.now(), expiresAt: expiresAt)
        guard let outcome = try await dispatch.send(workspaceID: workspaceID, [ticket]).first else {
            throw APIError.notFound("profile")
        }
        guard outcome.profileID != nil else { throw APIError.notFound("profile") }
        return JSONResponse.make(DispatchJSON.render(outcome), status: outcome.decision == nil ? .ok : .accepted)
    }
}
