import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Workspaces and their keys: `/api/v1/workspaces` (root key), `/api/v1/workspace` and `/api/v1/keys` (admin key).
struct WorkspaceController: Sendable {
    let auth: AdminAuth
    let provisioner: WorkspaceProvisioner
    let keys: KeyCache

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/v1/workspaces") { request, _ in try await createWorkspace(request) }
        router.get("/api/v1/workspace") { request, _ in
            let key = try await auth.admin(request)
            guard let workspace = try await provisioner.store.workspace(id: key.workspaceID) else {
                throw APIError.notFound("workspace")
            }
            return JSONResponse.make(Self.render(workspace))
        }
        router.patch("/api/v1/workspace") { request, _ in try await updateSettings(request) }
        router.get("/api/v1/keys") { request, _ in
            let key = try await auth.admin(request)
            let all = try await provisioner.store.keys(workspaceID: key.workspaceID)
            return JSONResponse.make(["keys": .array(all.map(Self.render))])
        }
        router.post("/api/v1/keys") { request, _ in try await issueKey(request) }
        router.delete("/api/v1/keys/:id") { request, context in
            let key = try await auth.admin(request)
            let id = try context.parameters.require("id")
            do {
                try await provisioner.revokeKey(workspaceID: key.workspaceID, keyID: id)
            } catch KeyRevocationError.notFound {
                throw APIError.notFound("key \(id)")
            } catch KeyRevocationError.lastAdminKey {
                throw APIError(
                    .conflict, "last_admin_key",
                    "key \(id) is the workspace's last admin key; issue another admin key before revoking it")
            } catch KeyRevocationError.store(let error) {
                throw error
            }
            keys.invalidateAll()
            return JSONResponse.make(["id": .string(id), "revoked": true])
        }
    }

    private func createWorkspace(_ request: Request) async throws -> Response {
        try auth.requireRoot(request)
        let body = try await request.jsonObject()
        guard let name = body["name"]?.stringValue?.trimmingASCIIWhitespace(), !name.isEmpty, name.count <= 200 else {
            throw APIError.badRequest("'name' is required (1 to 200 characters)")
        }
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

    private func updateSettings(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let body = try await request.jsonObject()
        guard var workspace = try await provisioner.store.workspace(id: key.workspaceID) else {
            throw APIError.notFound("workspace")
        }
        if let types = try Self.uniqueTypes(body) { workspace.settings.uniqueIdentityTypes = types }
        if let offset = try Self.utcOffset(body) { workspace.settings.utcOffsetSeconds = offset }
        if let value = body["name"] {
            guard let name = value.stringValue?.trimmingASCIIWhitespace(), (1...200).contains(name.count) else {
                throw APIError.badRequest("'name' must be 1 to 200 characters")
            }
            workspace.name = name
        }
        let unknown = Set(body.keys).subtracting(["name", "uniqueIdentityTypes", "utcOffsetSeconds"])
        guard unknown.isEmpty else { throw APIError.badRequest("unknown fields: \(unknown.sorted().joined(separator: ", "))") }
        try await provisioner.store.updateWorkspace(workspace)
        return JSONResponse.make(Self.render(workspace))
    }

    private func issueKey(_ request: Request) async throws -> Response {
        let admin = try await auth.admin(request)
        let body = try await request.jsonObject()
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
        guard case .object(var rendered) = Self.render(issued.key) else { preconditionFailure() }
        rendered["secret"] = .string(issued.secret)
        return JSONResponse.make(.object(rendered), status: .created)
    }

    private static func uniqueTypes(_ body: [String: JSONValue]) throws -> [String]? {
        guard let value = body["uniqueIdentityTypes"] else { return nil }
        guard let items = value.arrayValue, items.count <= 20 else {
            throw APIError.badRequest("'uniqueIdentityTypes' must be an array of at most 20 identity types")
        }
        return try items.map { item in
            guard let type = item.stringValue, IdentityRules.isValidType(type) else {
                throw APIError.badRequest(
                    "\(JSONWriter.string(item)) is not a valid identity type (lower snake case, optional ':namespace')")
            }
            return type
        }
    }

    private static func utcOffset(_ body: [String: JSONValue]) throws -> Int? {
        guard let value = body["utcOffsetSeconds"] else { return nil }
        guard case .int(let seconds) = value, WorkspaceSettings.utcOffsetRange.contains(Int(seconds)),
            seconds % 900 == 0
        else {
            throw APIError.badRequest(
                "'utcOffsetSeconds' must be a whole number of quarter hours between -43200 and 50400 (China: 28800)")
        }
        return Int(seconds)
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

extension String {
    func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
