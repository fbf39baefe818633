import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Message templates over HTTP: `/api/v1/templates`, and a preview against a real customer. The rules are
/// `TemplateService`'s.
struct TemplateController: Sendable {
    let templates: TemplateService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("templates") { _, context in
            let list = try await templates.templates(workspaceID: try context.workspaceID)
            return JSONResponse.make(["templates": .array(list.map(Self.render))])
        }
        api.post("templates") { request, context in try await save(request, context, pathID: nil) }
        api.get("templates/:id") { _, context in
            JSONResponse.make(
                Self.render(try await templates.template(workspaceID: try context.workspaceID, id: try context.text("id"))))
        }
        api.put("templates/:id") { request, context in try await save(request, context, pathID: try context.text("id")) }
        api.delete("templates/:id") { _, context in
            let id = try context.text("id")
            try await templates.delete(workspaceID: try context.workspaceID, id: id)
            return JSONResponse.make(["id": .string(id), "deleted": true])
        }
        api.post("templates/:id/preview") { request, context in try await preview(request, context) }
    }

    /// POST (`pathID` nil: create) or PUT (replace). The body is the template's JSON form (`MessageTemplate`), with
    /// an optional `id`.
    private func save(_ request: Request, _ context: APIRequestContext, pathID: String?) async throws -> Response {
        var members = try await request.jsonObject()
        var id: String?
        if let value = members.removeValue(forKey: "id"), !value.isNull {
            guard let text = value.stringValue else { throw APIError.badRequest("'id' must be a string, got \(value.kindName)") }
            id = text
        }
        let saved = try await templates.save(
            workspaceID: try context.workspaceID, id: id, definition: .object(members), replacing: pathID)
        return JSONResponse.make(Self.render(saved), status: pathID == nil ? .created : .ok)
    }

    private func preview(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try BodyFields(try await request.jsonObject(), allowed: ["profileId", "channel", "event"])
        guard case .int(let profileID)? = body.members["profileId"] else {
            throw APIError.badRequest("'profileId' is required: the id of the customer to fill the template for")
        }
        var event: [String: JSONValue]?
        if let value = body.members["event"], !value.isNull {
            guard let object = value.objectValue else {
                throw APIError.badRequest("'event' must be an object of the trigger event's properties, got \(value.kindName)")
            }
            event = object
        }
        let preview = try await templates.preview(
            workspaceID: try context.workspaceID, templateID: try context.text("id"), profileID: profileID,
            channel: try body.requiredString("channel", maxCharacters: 64), event: event)
        return JSONResponse.make([
            "profileId": .int(preview.profileID), "channel": .string(preview.channel.rawValue),
            "category": .string(preview.category.rawValue), "body": Self.render(preview.body),
            "missing": .array(preview.missing.map(JSONValue.string)),
        ])
    }

    static func render(_ stored: StoredTemplate) -> JSONValue {
        stored.template.json.adding([
            "id": .string(stored.id), "version": .int(Int64(stored.version)), "createdAt": stored.createdAt.json,
            "updatedAt": stored.updatedAt.json,
            "variables": .array(stored.template.variables.map { .string($0.name) }),
        ])
    }

    static func render(_ body: RenderedBody) -> JSONValue {
        [
            "subject": body.subject.map(JSONValue.string) ?? .null, "text": .string(body.text),
            "html": body.html.map(JSONValue.string) ?? .null,
            "providerTemplate": body.providerTemplate.map { provider in
                ["code": .string(provider.code), "parameters": .object(provider.parameters.mapValues(JSONValue.string))]
            } ?? .null,
        ]
    }
}
