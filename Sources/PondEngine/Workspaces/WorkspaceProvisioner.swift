import PondCore
import PondStore

/// Creates workspaces and keys. Secrets are returned exactly once, here; the store keeps only their hashes.
public struct WorkspaceProvisioner: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock) {
        self.store = store
        self.clock = clock
    }

    public struct IssuedKey: Sendable {
        public var key: APIKey
        public var secret: String
    }

    public struct NewWorkspace: Sendable {
        public var workspace: Workspace
        public var adminKey: IssuedKey
        public var writeKey: IssuedKey
    }

    /// A workspace with one admin key and one write key to start with.
    public func createWorkspace(name: String, settings: WorkspaceSettings = WorkspaceSettings()) async throws -> NewWorkspace {
        try settings.validate()
        let workspace = Workspace(
            id: "ws_" + KeySecret.randomToken(length: 12), name: try Workspace.name(name), settings: settings,
            createdAt: clock.now())
        try await store.createWorkspace(workspace)
        let admin = try await issueKey(workspaceID: workspace.id, kind: .admin, name: "default admin")
        let write = try await issueKey(workspaceID: workspace.id, kind: .write, name: "default write", source: "default")
        return NewWorkspace(workspace: workspace, adminKey: admin, writeKey: write)
    }

    public func issueKey(
        workspaceID: String, kind: APIKey.Kind, name: String, source: String = "api", channel: String = "server"
    ) async throws -> IssuedKey {
        let secret = KeySecret.generate(kind: kind)
        let key = APIKey(
            id: "key_" + KeySecret.randomToken(length: 12), workspaceID: workspaceID, kind: kind, name: name,
            source: source, channel: channel, prefix: String(secret.prefix(16)),
            createdAt: clock.now())
        try await store.createKey(key, secret: secret)
        return IssuedKey(key: key, secret: secret)
    }

    public func workspace(id: String) async throws -> Workspace {
        guard let workspace = try await store.workspace(id: id) else { throw DefinitionError.notFound("workspace") }
        return workspace
    }

    /// Renames a workspace or changes its settings (refused, changing nothing, when the result is invalid); returns
    /// it as saved.
    public func updateWorkspace(id: String, _ change: @Sendable (inout Workspace) -> Void) async throws -> Workspace {
        var workspace = try await workspace(id: id)
        change(&workspace)
        workspace.name = try Workspace.name(workspace.name)
        try workspace.settings.validate()
        try await store.updateWorkspace(workspace)
        return workspace
    }

    /// The live key a secret belongs to, or nil (unknown or revoked keys alike).
    public func key(secret: String) async throws -> APIKey? {
        try await store.key(secret: secret)
    }

    /// The workspace's keys, revoked ones included (secrets are never stored, so never listed).
    public func keys(workspaceID: String) async throws -> [APIKey] {
        try await store.keys(workspaceID: workspaceID)
    }

    /// Revokes a key, refusing the workspace's last admin key (issue another first): nothing could issue a new
    /// one over the API afterwards.
    public func revokeKey(workspaceID: String, keyID: String) async throws(KeyRevocationError) {
        let outcome: Store.KeyRevocation
        do {
            outcome = try await store.revokeKey(workspaceID: workspaceID, keyID: keyID, at: clock.now())
        } catch {
            throw .store(error)
        }
        switch outcome {
        case .revoked: return
        case .notFound: throw .notFound
        case .lastAdminKey: throw .lastAdminKey
        }
    }
}

public enum KeyRevocationError: Error, Sendable {
    case notFound
    case lastAdminKey
    case store(any Error)
}
