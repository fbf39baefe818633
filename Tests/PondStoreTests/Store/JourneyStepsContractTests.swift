import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// What a batch of journey steps reads in set queries is what reading profile by profile gives.
@Suite("Journey step reads")
struct JourneyStepsContractTests {
    @Test("profile facts of many roots read together are each root's facts; members and unknown ids have none",
          arguments: TestBackend.available)
    func batchFactsAgree(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            var m = Messages()
            var random = SplitMix64(seed: 12)
            var events: [IncomingEvent] = []
            for user in 0..<40 {
                events.append(try m.event("ws", ["type": "identify", "userId": .string("u\(user)"), "traits": [
                    "city": .string(["北京", "上海", "广州"][user % 3]), "level": .int(Int64(user % 5)),
                ]], minutesAgo: Int64(random.next() % 500)))
                for n in 0..<Int(random.next() % 4) {
                    events.append(try m.event("ws", ["type": "track", "userId": .string("u\(user)"), "event": "Order Completed",
                        "properties": ["revenue": .int(Int64(n * 10 + user))]], minutesAgo: Int64(random.next() % 500),
                        channel: ["web", "wecom", "tmall"][n % 3]))
                }
                // Every fifth customer also browsed anonymously first, then logged in: two profiles, one cluster.
                if user % 5 == 0 {
                    events.append(try m.event("ws", ["type": "track", "anonymousId": .string("a\(user)"), "event": "Viewed",
                        "properties": [:]], minutesAgo: 600, channel: "mini_program"))
                    events.append(try m.event("ws", ["type": "identify", "anonymousId": .string("a\(user)"), "userId": .string("u\(user)"),
                        "traits": ["city": "深圳"]], minutesAgo: 1))
                }
            }
            try await store.append(events)
            try await store.stitchAll()
            let ids = try await store.database.read { db in
                try await db.query("SELECT id, canonical_id FROM profiles WHERE workspace_id = 'ws' ORDER BY id", []).map {
                    (try $0.int(0), try $0.int(1))
                }
            }
            let roots = ids.filter { $0.0 == $0.1 }.map(\.0)
            #expect(ids.count > roots.count, "some profiles were merged")
            try await store.saveTag(TagDefinition(name: "vip", createdAt: m.now), workspaceID: "ws")
            _ = try await store.changeTags(
                workspaceID: "ws", profileIDs: roots.filter { $0 % 2 == 0 }, tags: ["vip"], adding: true, source: .manual,
                sourceRef: nil, at: m.now)
            let asked = ids.map(\.0) + [999_999]
            let together = try await store.profileFacts(workspaceID: "ws", roots: asked)
            #expect(Set(together.keys) == Set(roots))
            for id in asked {
                var one = try await store.profileFacts(workspaceID: "ws", profileID: id)
                var batch = together[id]
                // Events come in any order: compared as multisets.
                let counted = { (facts: ProfileFacts?) in Dictionary(facts?.events.map { ($0, 1) } ?? [], uniquingKeysWith: +) }
                #expect(counted(one) == counted(batch), "profile \(id)'s events")
                one?.events = []
                batch?.events = []
                #expect(one == batch, "profile \(id)")
            }
            #expect(together.values.contains { !$0.tags.isEmpty && $0.events.count > 1 && $0.channels.count > 1 }, "not vacuous")
        }
    }
}
