import Hummingbird
import PondChannels
import PondCore
import PondEngine

/// The workspace's channels over HTTP: which provider serves each channel id, with its send rate. The rules are
/// `ChannelService`'s; what goes out is always the redacted configuration, every secret `"set"` (or `null`), so no
/// response ever holds a secret.
struct ChannelController: Sendable {
    let channels: ChannelService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("channels") { _, context in
            let list = try await channels.list(workspaceID: try context.workspaceID)
            return JSONResponse.make(["channels": .array(list.map(Self.render))])
        }
        api.get("channels/:channel") { _, context in
            let settings = try await channels.get(workspaceID: try context.workspaceID, id: try context.text("channel"))
            return JSONResponse.make(Self.render(settings))
        }
        api.put("channels/:channel") { request, context in
            let body = try BodyFields(
                try await request.jsonObject(), allowed: ["configuration", "ratePerSecond", "enabled"])
            guard let configuration = body.members["configuration"], !configuration.isNull else {
                throw APIError.badRequest(
                    "'configuration' is required: {\"type\": …} with the settings of its channel kind")
            }
            var ratePerSecond: Double?
            if let value = body.members["ratePerSecond"], !value.isNull {
                guard let number = value.doubleValue else {
                    throw APIError.badRequest("'ratePerSecond' must be a number or null, got \(value.kindName)")
                }
                ratePerSecond = number
            }
            let saved = try await channels.put(
                workspaceID: try context.workspaceID, id: try context.text("channel"), configuration: configuration,
                ratePerSecond: ratePerSecond, enabled: try body.bool("enabled") ?? true)
            return JSONResponse.make(Self.render(saved))
        }
        api.delete("channels/:channel") { _, context in
            let id = try context.text("channel")
            try await channels.delete(workspaceID: try context.workspaceID, id: id)
            return JSONResponse.make(["id": .string(id), "deleted": true])
        }
    }

    static func render(_ settings: ChannelSettings) -> JSONValue {
        [
            "id": .string(settings.id.rawValue), "type": .string(settings.configuration.type),
            "configuration": settings.configuration.redacted(),
            "ratePerSecond": settings.ratePerSecond.map(JSONValue.double) ?? .null, "enabled": .bool(settings.enabled),
            "updatedAt": settings.updatedAt.json,
        ]
    }
}
