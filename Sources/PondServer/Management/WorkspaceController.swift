import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Workspaces and their keys: `/api/v1/workspaces` (root key), `/api/v1/workspace` and `/api/v1/keys` (admin key).
struct WorkspaceController: Sendable {
    let root: RootAuth
    let provisioner: WorkspaceProvisioner
    let keys: KeyCache

    /// Creating workspaces, which only the root key may.
    func register(root router: RouterGroup<APIRequestContext>) {
        router.post("workspaces") { request, _ in try await createWorkspace(request) }
    }

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("workspace") { _, context in
            JSONResponse.make(Self.render(try await provisioner.workspace(id: try context.workspaceID)))
        }
        api.patch("workspace") { request, context in try await updateSettings(request, context) }
        api.get("keys") { _, context in
            let all = try await provisioner.keys(workspaceID: try context.workspaceID)
            return JSONResponse.make(["keys": .array(all.map(Self.render))])
        }
        api.post("keys") { request, context in try await issueKey(request, context) }
        api.delete("keys/:id") { _, context in
            let id = try context.text("id")
            do {
                try await provisioner.revokeKey(workspaceID: try context.workspaceID, keyID: id)
            } catch KeyRevocationError.notFound {
                throw APIError.notFound("key \(id)")
            } catch KeyRevocationError.lastAdminKey {
                throw APIError(
                    .conflict, .lastAdminKey,
                    "key \(id) is the workspace's last admin key; issue another admin key before revoking it")
            } catch KeyRevocationError.store(let error) {
                throw error
            }
            keys.invalidateAll()
            return JSONResponse.make(["id": .string(id), "revoked": true])
        }
    }

    static let workspaceFields: Set<String> = ["name", "uniqueIdentityTypes", "utcOffsetSeconds"]

    private func createWorkspace(_ request: Request) async throws -> Response {
        try root.require(request)
        let body = try BodyFields(try await request.jsonObject(), allowed: Self.workspaceFields).members
        guard let name = body["name"]?.stringValue else { throw APIError.badRequest("'name' is required (1 to 200 characters)") }
        let settings = WorkspaceSettings(
            uniqueIdentityTypes: try Self.uniqueTypes(body) ?? WorkspaceSettings.defaultUniqueIdentityTypes,
            utcOffsetSeconds: try Self.utcOffset(body) ?? WorkspaceSettings.defaultUTCOffsetSeconds)
        let created = try await provisioner.createWorkspace(name: name, settings: settings)
        return JSONResponse.make(
            [
                "workspace": Self.render(created.workspace), "adminKey": .string(created.adminKey.secret),
                "writeKey": .string(created.writeKey.secret),
            ], status: .created)
    }

    private func updateSettings(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try BodyFields(try await request.jsonObject(), allowed: Self.workspaceFields).members
        let types = try Self.uniqueTypes(body)
        let offset = try Self.utcOffset(body)
        var name: String?
        if let value = body["name"] {
            guard let text = value.stringValue else { throw APIError.badRequest("'name' must be 1 to 200 characters") }
            name = text
        }
        let workspace = try await provisioner.updateWorkspace(id: try context.workspaceID) { [name] workspace in
            if let types { workspace.settings.uniqueIdentityTypes = types }
            if let offset { workspace.settings.utcOffsetSeconds = offset }
            if let name { workspace.name = name }
        }
        return JSONResponse.make(Self.render(workspace))
    }

    private func issueKey(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let admin = try context.admin
        let body = try BodyFields(try await request.jsonObject(), allowed: ["kind", "name", "source", "channel"]).members
        guard let kindName = body["kind"]?.stringValue, let kind = APIKey.Kind(rawValue: kindName) else {
            throw APIError.badRequest("'kind' must be \"write\" or \"admin\"")
        }
        func field(_ name: String, _ fallback: String) throws -> String {
            guard let value = body[name] else { return fallback }
            guard let text = value.stringValue, (1...100).contains(text.count) else {
                throw APIError.badRequest("'\(name)' must be a string of 1 to 100 characters")
            }
            return text
        }
        let issued = try await provisioner.issueKey(
            workspaceID: admin.workspaceID, kind: kind, name: try field("name", "\(kind.rawValue) key"),
            source: try field("source", "api"), channel: try field("channel", "server"))
        return JSONResponse.make(Self.render(issued.key).adding(["secret": .string(issued.secret)]), status: .created)
    }

    /// The members' shapes; their values are the provisioner's to check (`WorkspaceSettings.validate`).
    private static func uniqueTypes(_ body: [String: JSONValue]) throws -> [String]? {
        guard let value = body["uniqueIdentityTypes"] else { return nil }
        guard let items = value.arrayValue else {
            throw APIError.badRequest("'uniqueIdentityTypes' must be an array of at most 20 identity types")
        }
        return try items.map { item in
            guard let type = item.stringValue else {
                throw APIError.badRequest("\(JSONWriter.string(item)) is not a valid identity type (lower snake case, optional ':namespace')")
            }
            return type
        }
    }

    private static func utcOffset(_ body: [String: JSONValue]) throws -> Int? {
        guard let value = body["utcOffsetSeconds"] else { return nil }
        guard case .int(let seconds) = value, let offset = Int(exactly: seconds) else {
            throw APIError.badRequest(
                "'utcOffsetSeconds' must be a whole number of quarter hours between -43200 and 50400 (China: 28800)")
        }
        return offset
    }

    static func render(_ workspace: Workspace) -> JSONValue {
        [
            "id": .string(workspace.id), "name": .string(workspace.name), "createdAt": workspace.createdAt.json,
            "settings": [
                "uniqueIdentityTypes": .array(workspace.settings.uniqueIdentityTypes.map(JSONValue.string)),
                "utcOffsetSeconds": .int(Int64(workspace.settings.utcOffsetSeconds)),
            ],
        ]
    }

    static func render(_ key: APIKey) -> JSONValue {
        [
            "id": .string(key.id), "kind": .string(key.kind.rawValue), "name": .string(key.name),
            "source": .string(key.source), "channel": .string(key.channel), "prefix": .string(key.prefix),
            "createdAt": key.createdAt.json, "revokedAt": key.revokedAt?.json ?? .null,
        ]
    }
}
