import PondCore
import PondTestSupport
import Testing

@testable import PondStore

@Suite("Event log contract")
struct EventLogContractTests {
    @Test("a resent batch stores nothing new; the same messageId in another workspace is its own event",
          arguments: TestBackend.available)
    func deduplicatesPerWorkspace(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            try await store.makeWorkspace("ws_b")
            var m = Messages()
            let batch = try (1...3).map { i in
                try m.event("ws_a", ["type": "track", "event": "Viewed", "anonymousId": "a1", "messageId": .string("id-\(i)")])
            }
            #expect(try await store.append(batch) == 3)
            let resend = batch + [try m.event("ws_a", ["type": "track", "event": "Viewed", "anonymousId": "a1", "messageId": "id-4"])]
            #expect(try await store.append(resend) == 1)
            #expect(try await store.eventCount(workspaceID: "ws_a") == 4)
            #expect(try await store.append([try m.event("ws_b", ["type": "track", "event": "Viewed", "anonymousId": "a1", "messageId": "id-1"])]) == 1)
            #expect(try await store.eventCount(workspaceID: "ws_b") == 1)
        }
    }

    @Test("a write transaction that fails leaves nothing behind", arguments: TestBackend.available)
    func failedWriteLeavesNothing(backend: TestBackend) async throws {
        struct Abort: Error {}
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            var m = Messages()
            let row = Store.eventRow(try m.event("ws_a", ["type": "track", "event": "Viewed", "anonymousId": "a1"]))
            await #expect(throws: Abort.self) {
                try await store.database.write { db in
                    try await db.executeMany(Store.insertEventSQL, [row])
                    throw Abort()
                }
            }
            #expect(try await store.eventCount(workspaceID: "ws_a") == 0)
        }
    }

    @Test("accepted events wait as pending until a stitching pass attaches them to profiles", arguments: TestBackend.available)
    func pendingEventsAreStitchedLater(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            var m = Messages()
            try await store.append([
                try m.event("ws_a", ["type": "identify", "userId": "u1", "traits": ["name": "王静"]]),
                try m.event("ws_a", ["type": "track", "event": "Order Completed", "userId": "u1"]),
            ])
            #expect(try await store.pendingEventCount() == 2)
            let restarted = store
            try await restarted.stitchAll()
            #expect(try await restarted.pendingEventCount() == 0)
            let id = try #require(try await restarted.root("ws_a", "user_id", "u1"))
            #expect(try await restarted.timeline(workspaceID: "ws_a", profileID: id).count == 2)
        }
    }
}
