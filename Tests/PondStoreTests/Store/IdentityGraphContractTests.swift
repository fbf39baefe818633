import PondCore
import PondTestSupport
import Testing

@testable import PondStore

@Suite("Identity graph contract")
struct IdentityGraphContractTests {
    @Test("a first login joins the anonymous browsing profile without a merge", arguments: TestBackend.available)
    func firstLoginJoinsAnonymousProfile(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            var m = Messages()
            try await store.append([try m.event("ws", ["type": "page", "name": "首页", "anonymousId": "a1"], minutesAgo: 10)])
            try await store.stitchAll()
            let anonymous = try #require(try await store.root("ws", "anonymous_id", "a1"))
            try await store.append([try m.event("ws", ["type": "identify", "userId": "u1", "anonymousId": "a1",
                                                       "traits": ["phone": "138 0013 8000"]])])
            try await store.stitchAll()
            #expect(try await store.root("ws", "user_id", "u1") == anonymous)
            #expect(try await store.root("ws", "phone", "+8613800138000") == anonymous)
            #expect(try await store.merges(workspaceID: "ws", profileID: anonymous).isEmpty)
            let view = try #require(try await store.profile(workspaceID: "ws", id: anonymous))
            #expect(Set(view.identities.map(\.identity.description)) == ["anonymous_id:a1", "user_id:u1", "phone:+8613800138000"])
            #expect(view.eventCount == 2)
        }
    }

    @Test("an event linking two known profiles merges them, the older surviving, with every event on one timeline",
          arguments: TestBackend.available)
    func linkingEventMerges(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            var m = Messages()
            try await store.append([
                try m.event("ws", ["type": "track", "event": "Order Completed", "anonymousId": "pos-1",
                                   "context": ["identities": ["member_id": "M1"]]], minutesAgo: 30, channel: "offline_store"),
                try m.event("ws", ["type": "identify", "userId": "u1", "traits": ["name": "李娜"]], minutesAgo: 20, channel: "mini_program"),
            ])
            try await store.stitchAll()
            let store1 = try #require(try await store.root("ws", "member_id", "M1"))
            let online = try #require(try await store.root("ws", "user_id", "u1"))
            #expect(store1 != online)
            try await store.append([
                try m.event("ws", ["type": "identify", "userId": "u1", "traits": ["member_id": "M1"]], minutesAgo: 5),
            ])
            try await store.stitchAll()
            let merged = try #require(try await store.root("ws", "user_id", "u1"))
            #expect(merged == min(store1, online))
            #expect(try await store.root("ws", "member_id", "M1") == merged)
            let view = try #require(try await store.profile(workspaceID: "ws", id: max(store1, online)))
            #expect(view.id == merged)
            #expect(view.mergedProfileIDs == [max(store1, online)])
            #expect(view.channels == ["offline_store": 1, "mini_program": 1, "web": 1])
            let merges = try await store.merges(workspaceID: "ws", profileID: merged)
            #expect(merges.count == 1)
            #expect(merges.first?.actor == "stitcher")
            #expect(merges.first?.identity == Identity(uncheckedType: "member_id", value: "M1"))
            #expect(try await store.timeline(workspaceID: "ws", profileID: merged).count == 3)
        }
    }

    @Test("unmerging gives each side back its own events and identities, and the stitcher does not join them again",
          arguments: TestBackend.available)
    func unmergeIsLosslessAndSticky(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            var m = Messages()
            try await store.append([
                try m.event("ws", ["type": "track", "event": "Viewed", "anonymousId": "a1"], minutesAgo: 30),
                try m.event("ws", ["type": "track", "event": "Viewed", "anonymousId": "a1"], minutesAgo: 29),
                try m.event("ws", ["type": "identify", "userId": "u1", "traits": ["city": "上海"]], minutesAgo: 20),
                try m.event("ws", ["type": "identify", "userId": "u1", "anonymousId": "a1"], minutesAgo: 10),
            ])
            try await store.stitchAll()
            let root = try #require(try await store.root("ws", "user_id", "u1"))
            #expect(try await store.root("ws", "anonymous_id", "a1") == root)
            #expect(try await store.timeline(workspaceID: "ws", profileID: root).count == 4)
            let merge = try #require(try await store.merges(workspaceID: "ws", profileID: root).first)

            let undone = try await store.unmerge(workspaceID: "ws", mergeID: merge.id, actor: "key:test", at: m.now)
            #expect(undone.undoneBy == "key:test")
            let user = try #require(try await store.root("ws", "user_id", "u1"))
            let device = try #require(try await store.root("ws", "anonymous_id", "a1"))
            #expect(user != device)
            let userEvents = try await store.timeline(workspaceID: "ws", profileID: user)
            let deviceEvents = try await store.timeline(workspaceID: "ws", profileID: device)
            #expect(userEvents.count + deviceEvents.count == 4)
            #expect(deviceEvents.allSatisfy { $0.message.anonymousID == "a1" && $0.message.userID == nil })
            #expect(try await store.profile(workspaceID: "ws", id: device)?.traits.isEmpty == true)
            #expect(try await store.profile(workspaceID: "ws", id: user)?.traits.map(\.key) == ["city"])

            await #expect(throws: Store.UnmergeError.alreadyUndone) {
                try await store.unmerge(workspaceID: "ws", mergeID: merge.id, actor: "key:test", at: m.now)
            }
            try await store.append([try m.event("ws", ["type": "track", "event": "Viewed", "userId": "u1", "anonymousId": "a1"])])
            try await store.stitchAll()
            #expect(try await store.root("ws", "user_id", "u1") != (try await store.root("ws", "anonymous_id", "a1")))
            let conflicts = try await store.conflicts(workspaceID: "ws", profileID: nil)
            #expect(conflicts.map(\.kind) == ["merge_blocked"])
        }
    }

    @Test("a shared device never joins two brand user ids; the refusal is recorded once with a count",
          arguments: TestBackend.available)
    func uniqueTypesAreNeverDoubled(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            var m = Messages()
            try await store.append([try m.event("ws", ["type": "identify", "userId": "u1", "anonymousId": "tablet"], minutesAgo: 9)])
            try await store.stitchAll()
            try await store.append([
                try m.event("ws", ["type": "identify", "userId": "u2", "anonymousId": "tablet"], minutesAgo: 5),
                try m.event("ws", ["type": "track", "event": "Viewed", "userId": "u2", "anonymousId": "tablet"], minutesAgo: 4),
            ])
            try await store.stitchAll()
            let first = try #require(try await store.root("ws", "user_id", "u1"))
            let second = try #require(try await store.root("ws", "user_id", "u2"))
            #expect(first != second)
            #expect(try await store.root("ws", "anonymous_id", "tablet") == first)
            #expect(try await store.timeline(workspaceID: "ws", profileID: second).count == 2)
            let conflicts = try await store.conflicts(workspaceID: "ws", profileID: second)
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.kind == "unique_type")
            #expect(conflicts.first?.reason.contains("user_id") == true)
            let occurrences = try await store.database.read { db in
                try await db.query("SELECT occurrences FROM identity_conflicts").first?.int(0)
            }
            #expect(occurrences == 2)
        }
    }

    @Test("alias merges previousId's profile into userId's", arguments: TestBackend.available)
    func aliasMerges(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            var m = Messages()
            try await store.append([
                try m.event("ws", ["type": "track", "event": "Viewed", "anonymousId": "guest-9"], minutesAgo: 9),
                try m.event("ws", ["type": "identify", "userId": "u9"], minutesAgo: 8),
                try m.event("ws", ["type": "alias", "previousId": "guest-9", "userId": "u9"], minutesAgo: 1),
            ])
            try await store.stitchAll()
            let root = try #require(try await store.root("ws", "user_id", "u9"))
            #expect(try await store.root("ws", "anonymous_id", "guest-9") == root)
            #expect(try await store.merges(workspaceID: "ws", profileID: root).first?.reason.hasPrefix("alias") == true)
        }
    }

    @Test("events with no usable identity are parked, not left pending forever", arguments: TestBackend.available)
    func unattributableEventsAreParked(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            // The tracking API refuses such messages; rows written by older versions or other producers may still have them.
            let now = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
            let payload: [String: JSONValue] = [
                "type": "track", "event": "Viewed", "messageId": "legacy-1", "anonymousId": "   ",
                "timestamp": .string(ISO8601.format(now)), "receivedAt": .string(ISO8601.format(now)),
            ]
            let message = TrackingMessage(
                type: .track, messageID: "legacy-1", anonymousID: "   ", event: "Viewed", timestamp: now, receivedAt: now,
                payload: payload)
            try await store.append([IncomingEvent(workspaceID: "ws", source: "legacy", channel: "web", message: message)])
            #expect(try await store.pendingEventCount() == 1)
            try await store.stitchAll()
            #expect(try await store.pendingEventCount() == 0)
            #expect(try await store.profileCount(workspaceID: "ws") == 0)
        }
    }

    @Test("one workspace never sees another's profiles", arguments: TestBackend.available)
    func workspacesAreIsolated(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            try await store.makeWorkspace("ws_b")
            var m = Messages()
            try await store.append([try m.event("ws_a", ["type": "identify", "userId": "u1", "traits": ["email": "A@Example.com"]])])
            try await store.stitchAll()
            let id = try #require(try await store.root("ws_a", "email", "a@example.com"))
            #expect(try await store.root("ws_b", "email", "a@example.com") == nil)
            #expect(try await store.profile(workspaceID: "ws_b", id: id) == nil)
            #expect(try await store.timeline(workspaceID: "ws_b", profileID: id).isEmpty)
            #expect(try await store.profiles(workspaceID: "ws_b", search: nil, after: nil, limit: 10).isEmpty)
        }
    }
}
