import PondCore
import PondTestSupport
import Testing

@testable import PondStore

@Suite("Profile traits contract")
struct TraitsContractTests {
    @Test("the newest value by event time wins, even when an older event arrives later; history keeps the changes",
          arguments: TestBackend.available)
    func lastWriteWinsByEventTime(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            var m = Messages()
            try await store.append([
                try m.event("ws", ["type": "identify", "userId": "u1", "traits": ["city": "北京", "level": "silver"]], minutesAgo: 60),
                try m.event("ws", ["type": "identify", "userId": "u1", "traits": ["city": "上海"]], minutesAgo: 10),
                try m.event("ws", ["type": "identify", "userId": "u1", "traits": ["city": "上海"]], minutesAgo: 5),
            ])
            try await store.stitchAll()
            try await store.append([try m.event("ws", ["type": "identify", "userId": "u1", "traits": ["city": "广州"]], minutesAgo: 30)])
            try await store.stitchAll()
            let id = try #require(try await store.root("ws", "user_id", "u1"))
            let traits = try #require(try await store.profile(workspaceID: "ws", id: id)).traits
            #expect(traits.first { $0.key == "city" }?.value == "上海")
            #expect(traits.first { $0.key == "level" }?.value == "silver")
            let history = try await store.traitHistory(workspaceID: "ws", profileID: id, key: "city")
            #expect(history.map(\.value) == ["北京", "广州", "上海"])
        }
    }

    @Test("rudder-style context.traits count as person traits; a group call's traits do not", arguments: TestBackend.available)
    func contextTraitsButNotGroupTraits(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws")
            var m = Messages()
            try await store.append([
                try m.event("ws", ["type": "identify", "userId": "u1", "context": ["traits": ["name": "陈晨"]]], minutesAgo: 2),
                try m.event("ws", ["type": "group", "userId": "u1", "groupId": "store-7", "traits": ["name": "静安店"]], minutesAgo: 1),
            ])
            try await store.stitchAll()
            let id = try #require(try await store.root("ws", "user_id", "u1"))
            #expect(try await store.profile(workspaceID: "ws", id: id)?.traits.first { $0.key == "name" }?.value == "陈晨")
        }
    }
}
