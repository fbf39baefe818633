import Crypto
import Foundation
import PondCore

/// Workspaces (brands) and their API keys.
extension Store {
    public func createWorkspace(_ workspace: Workspace) async throws {
        let settings = try encodeSettings(workspace.settings)
        try await database.write { db in
            try await db.execute(
                "INSERT INTO workspaces (id, name, settings, created_at) VALUES (?, ?, ?, ?)",
                .text(workspace.id), .text(workspace.name), .text(settings), workspace.createdAt.sql)
        }
    }

    public func workspace(id: String) async throws -> Workspace? {
        try await database.read { db in
            try await db.query("SELECT id, name, settings, created_at FROM workspaces WHERE id = ?", .text(id))
                .first.map(Self.decodeWorkspace)
        }
    }

    public func workspaces() async throws -> [Workspace] {
        try await database.read { db in
            try await db.query("SELECT id, name, settings, created_at FROM workspaces ORDER BY created_at, id")
                .map(Self.decodeWorkspace)
        }
    }

    /// Renames a workspace and replaces its settings. New settings apply to events stitched from now on.
    public func updateWorkspace(_ workspace: Workspace) async throws {
        let encoded = try encodeSettings(workspace.settings)
        let changed = try await database.write { db in
            try await db.execute(
                "UPDATE workspaces SET name = ?, settings = ? WHERE id = ?", .text(workspace.name), .text(encoded),
                .text(workspace.id))
        }
        if changed == 0 { throw StoreError.notFound("workspace \(workspace.id) not found") }
    }

    public func updateSettings(workspaceID: String, _ settings: WorkspaceSettings) async throws {
        let encoded = try encodeSettings(settings)
        let changed = try await database.write { db in
            try await db.execute("UPDATE workspaces SET settings = ? WHERE id = ?", .text(encoded), .text(workspaceID))
        }
        if changed == 0 { throw StoreError.notFound("workspace \(workspaceID) not found") }
    }

    /// Stores a key; `secret` is hashed here and never persisted.
    public func createKey(_ key: APIKey, secret: String) async throws {
        try await database.write { db in
            try await db.execute(
                """
                INSERT INTO api_keys (id, workspace_id, kind, name, source, channel, prefix, secret_hash, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                .text(key.id), .text(key.workspaceID), .text(key.kind.rawValue), .text(key.name), .text(key.source),
                .text(key.channel), .text(key.prefix), .text(KeySecret.hash(secret)), key.createdAt.sql)
        }
    }

    /// The live (not revoked) key with this secret.
    public func key(secret: String) async throws -> APIKey? {
        let hash = KeySecret.hash(secret)
        return try await database.read { db in
            try await db.query(
                "SELECT \(Self.keyColumns) FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL", .text(hash)
            ).first.map(Self.decodeKey)
        }
    }

    public func keys(workspaceID: String) async throws -> [APIKey] {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.keyColumns) FROM api_keys WHERE workspace_id = ? ORDER BY created_at, id", .text(workspaceID)
            ).map(Self.decodeKey)
        }
    }

    public enum KeyRevocation: Sendable, Equatable {
        case revoked
        /// No live key of that id in the workspace.
        case notFound
        /// It is the workspace's last live admin key, which would leave nobody able to manage the workspace.
        case lastAdminKey
    }

    /// Revokes a live key unless it is the workspace's last live admin key. The admin keys are locked while it
    /// decides, so two admins revoking each other's keys at once cannot both succeed.
    public func revokeKey(workspaceID: String, keyID: String, at: Instant) async throws -> KeyRevocation {
        try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            let lock = self.dialect == .postgres ? " FOR UPDATE" : ""
            let admins = try await db.query(
                "SELECT id FROM api_keys WHERE workspace_id = ? AND kind = 'admin' AND revoked_at IS NULL\(lock)", ws
            ).map { try $0.text(0) }
            if admins == [keyID] { return .lastAdminKey }
            let changed = try await db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL",
                at.sql, ws, .text(keyID))
            return changed > 0 ? .revoked : .notFound
        }
    }

    private static let keyColumns = "id, workspace_id, kind, name, source, channel, prefix, created_at, revoked_at"

    private static func decodeKey(_ row: SQLRow) throws -> APIKey {
        guard let kind = APIKey.Kind(rawValue: try row.text(2)) else { throw StoreError.corrupt("unknown key kind") }
        return APIKey(
            id: try row.text(0), workspaceID: try row.text(1), kind: kind, name: try row.text(3), source: try row.text(4),
            channel: try row.text(5), prefix: try row.text(6), createdAt: try row.instant(7),
            revokedAt: row.optionalInstant(8))
    }

    private static func decodeWorkspace(_ row: SQLRow) throws -> Workspace {
        let settings = try JSONDecoder().decode(WorkspaceSettings.self, from: Data(try row.text(2).utf8))
        return Workspace(id: try row.text(0), name: try row.text(1), settings: settings, createdAt: try row.instant(3))
    }

    private func encodeSettings(_ settings: WorkspaceSettings) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(settings), as: UTF8.self)
    }
}

/// API key secrets: random, shown once, stored only as SHA-256.
///
/// A fast hash is right here (unlike passwords): secrets are 190 random bits, so there is nothing to brute-force,
/// and the tracking API looks a key up on every request.
public enum KeySecret {
    public static func generate(kind: APIKey.Kind) -> String {
        "pk_\(kind.rawValue)_" + randomToken(length: 32)
    }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func randomToken(length: Int) -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

extension Store {
    /// A secret Pond keeps for a workspace (`name`, such as `unsubscribe-links`), made with `generate` the first time
    /// it is asked for. Two nodes asking at once agree on one: the first insert wins and both read it back.
    public func workspaceSecret(workspaceID: String, name: String, at: Instant, generate: @Sendable () -> String) async throws
        -> String
    {
        let ws = SQLValue.text(workspaceID)
        if let existing = try await database.read({ db in
            try await db.query("SELECT secret FROM workspace_secrets WHERE workspace_id = ? AND name = ?", ws, .text(name)).first
        }) {
            return try existing.text(0)
        }
        return try await database.write { db in
            try await db.execute(
                """
                INSERT INTO workspace_secrets (workspace_id, name, secret, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (workspace_id, name) DO NOTHING
                """, ws, .text(name), .text(generate()), at.sql)
            return try await db.query("SELECT secret FROM workspace_secrets WHERE workspace_id = ? AND name = ?", ws, .text(name))[0]
                .text(0)
        }
    }
}
