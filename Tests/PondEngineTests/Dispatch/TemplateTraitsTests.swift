import Foundation
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// What templates are filled from: `Store.profileTraits`, many customers at a time, must read a cluster's traits
/// exactly as `Store.profileFacts` (the reference segment rules use) does — latest write per key across the
/// cluster's members, ties to the higher member id — for whichever member id it is asked about.
@Suite("Template traits")
struct TemplateTraitsTests {
    @Test("the batch trait reader agrees with the profile facts of merged and single clusters", arguments: TestBackend.available)
    func agreesWithProfileFacts(_ backend: TestBackend) async throws {
        try await DispatchWorld.with(backend) { world in
            var events = EventFactory(clock: world.clock, workspaceID: DispatchWorld.workspace)
            // An anonymous visitor and a member, each with traits of their own, then linked: one cluster of two.
            try await world.store.append([
                try events.make(["type": "identify", "anonymousId": "a1", "traits": ["name": "游客", "city": "杭州"]], daysAgo: 3),
                try events.make(["type": "identify", "userId": "u1", "traits": ["name": "李雷", "tier": "gold"]], daysAgo: 2),
                try events.make(["type": "identify", "userId": "u2", "traits": ["name": "韩梅梅"]], daysAgo: 1),
            ])
            while try await world.store.stitchPending(limit: 100).events > 0 {}
            try await world.store.append([
                try events.make(["type": "identify", "anonymousId": "a1", "userId": "u1", "traits": ["city": "上海"]])
            ])
            while try await world.store.stitchPending(limit: 100).events > 0 {}
            let u1 = try #require(try await world.store.profileID(
                workspaceID: DispatchWorld.workspace, identity: IdentityRules.make(type: "user_id", value: "u1")))
            let u2 = try #require(try await world.store.profileID(
                workspaceID: DispatchWorld.workspace, identity: IdentityRules.make(type: "user_id", value: "u2")))
            let members = try await world.store.database.read { db in
                try await db.query(
                    "SELECT id FROM profiles WHERE workspace_id = ? AND canonical_id = ? ORDER BY id", .text(DispatchWorld.workspace),
                    .int(u1)
                ).map { try $0.int(0) }
            }
            #expect(members.count == 2, "the visitor and the member are one cluster")

            let asked = members + [u2, 999_999]
            let read = try await world.store.profileTraits(workspaceID: DispatchWorld.workspace, profileIDs: asked)
            let reference = try #require(try await world.store.profileFacts(workspaceID: DispatchWorld.workspace, profileID: u1)).traits
            for member in members { #expect(read[member] == reference, "member \(member) reads the whole cluster") }
            #expect(read[u1]?["city"] == "上海", "the latest write wins")
            #expect(read[u1]?["name"] == "李雷")
            #expect(read[u1]?["tier"] == "gold")
            #expect(read[u2] == (try await world.store.profileFacts(workspaceID: DispatchWorld.workspace, profileID: u2))?.traits)
            #expect(read[999_999] == nil, "no such profile")
        }
    }

    @Test("the trait keys of a workspace are what its templates may name", arguments: TestBackend.available)
    func traitKeys(_ backend: TestBackend) async throws {
        try await DispatchWorld.with(backend) { world in
            _ = try await world.customer("u1", ["name": "李雷", "city": "上海"])
            _ = try await world.customer("u2", ["name": "韩梅梅", "birthday": "1990-01-01"])
            let keys = try await world.store.traitKeys(workspaceID: DispatchWorld.workspace)
            #expect(keys.isSuperset(of: ["name", "city", "birthday"]))
            #expect(try await world.store.traitKeys(workspaceID: "elsewhere").isEmpty)
            let vocabulary = try await world.services.templates.vocabulary(workspaceID: DispatchWorld.workspace)
            #expect(vocabulary.eventAvailable)
            #expect(vocabulary.traitKeys == keys)
        }
    }
}
