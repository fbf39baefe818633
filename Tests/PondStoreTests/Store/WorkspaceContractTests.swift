import PondCore
import PondTestSupport
import Testing

@testable import PondStore

@Suite("Workspaces and keys contract")
struct WorkspaceContractTests {
    @Test("keys are found by secret until revoked, and the secret itself is never stored", arguments: TestBackend.available)
    func keysLifecycle(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            let secret = KeySecret.generate(kind: .write)
            let key = APIKey(
                id: "key_1", workspaceID: "ws", kind: .write, name: "pos", source: "pos-01", channel: "offline_store",
                prefix: String(secret.prefix(16)), createdAt: Instant(millisecondsSinceEpoch: 1))
            try await store.createKey(key, secret: secret)
            #expect(try await store.key(secret: secret) == key)
            #expect(try await store.key(secret: secret + "x") == nil)
            let stored = try await store.database.read { db in
                try await db.query("SELECT secret_hash FROM api_keys").map { try $0.text(0) }
            }
            #expect(stored == [KeySecret.hash(secret)])
            #expect(!stored.contains(secret))
            #expect(try await store.revokeKey(workspaceID: "other", keyID: "key_1", at: Instant(millisecondsSinceEpoch: 2)) == .notFound)
            #expect(try await store.revokeKey(workspaceID: "ws", keyID: "key_1", at: Instant(millisecondsSinceEpoch: 2)) == .revoked)
            #expect(try await store.key(secret: secret) == nil)
            #expect(try await store.keys(workspaceID: "ws").first?.revokedAt == Instant(millisecondsSinceEpoch: 2))
        }
    }

    @Test("the last live admin key of a workspace cannot be revoked; any other can", arguments: TestBackend.available)
    func lastAdminKeyStays(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            try await store.makeWorkspace("other")
            func admin(_ id: String, _ workspace: String = "ws") async throws {
                try await store.createKey(
                    APIKey(id: id, workspaceID: workspace, kind: .admin, name: id, source: "api", channel: "server",
                           prefix: id, createdAt: Instant(millisecondsSinceEpoch: 1)),
                    secret: KeySecret.generate(kind: .admin))
            }
            try await admin("a1")
            try await admin("a2")
            try await admin("b1", "other")
            let at = Instant(millisecondsSinceEpoch: 2)
            #expect(try await store.revokeKey(workspaceID: "ws", keyID: "a1", at: at) == .revoked)
            #expect(try await store.revokeKey(workspaceID: "ws", keyID: "a2", at: at) == .lastAdminKey)
            #expect(try await store.revokeKey(workspaceID: "other", keyID: "b1", at: at) == .lastAdminKey)
            let live = try await store.keys(workspaceID: "ws").filter { $0.revokedAt == nil }.map(\.id)
            #expect(live == ["a2"])
        }
    }

    @Test("settings round-trip and shape stitching", arguments: TestBackend.available)
    func settingsRoundTrip(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            try await store.updateSettings(workspaceID: "ws", WorkspaceSettings(uniqueIdentityTypes: ["user_id", "wechat_unionid"]))
            #expect(try await store.workspace(id: "ws")?.settings.uniqueIdentityTypes == ["user_id", "wechat_unionid"])
            var m = Messages()
            try await store.append([
                try m.event("ws", ["type": "identify", "userId": "u1", "traits": ["wechat_unionid": "un-1"]], minutesAgo: 3),
                try m.event("ws", ["type": "identify", "anonymousId": "a2", "traits": ["wechat_unionid": "un-2"]], minutesAgo: 2),
                try m.event("ws", ["type": "track", "event": "x", "userId": "u1", "anonymousId": "a2"], minutesAgo: 1),
            ])
            try await store.stitchAll()
            #expect(try await store.root("ws", "user_id", "u1") != (try await store.root("ws", "anonymous_id", "a2")))
        }
    }
}
