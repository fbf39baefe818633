import PondCore
import Testing

@testable import PondStore

@Suite("Workspaces and keys contract")
struct WorkspaceContractTests {
    @Test("keys are found by secret until revoked, and the secret itself is never stored", arguments: StoreBackend.available)
    func keysLifecycle(backend: StoreBackend) async throws {
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
            #expect(try await store.revokeKey(workspaceID: "other", keyID: "key_1", at: Instant(millisecondsSinceEpoch: 2)) == false)
            #expect(try await store.revokeKey(workspaceID: "ws", keyID: "key_1", at: Instant(millisecondsSinceEpoch: 2)))
            #expect(try await store.key(secret: secret) == nil)
            #expect(try await store.keys(workspaceID: "ws").first?.revokedAt == Instant(millisecondsSinceEpoch: 2))
        }
    }

    @Test("settings round-trip and shape stitching", arguments: StoreBackend.available)
    func settingsRoundTrip(backend: StoreBackend) async throws {
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
