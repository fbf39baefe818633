import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// `event_facts` is what full segment evaluations and RFM runs scan; it must hold exactly the stitched `track`
/// events, however they reached the event log.
@Suite("Event facts contract")
struct EventFactsContractTests {
    struct Fact: Equatable {
        var event: String
        var profileID: Int64
        var properties: JSONValue?
    }

    /// Every fact of a workspace, in key order.
    static func facts(_ store: Store, _ workspaceID: String) async throws -> [Fact] {
        try await store.database.read { db in
            try await db.query(
                "SELECT event, profile_id, properties FROM event_facts WHERE workspace_id = ? ORDER BY event, ts, seq",
                .text(workspaceID)
            ).map { row in
                Fact(
                    event: try row.text(0), profileID: try row.int(1),
                    properties: try row[2].text.map { try JSONParser.parse($0) })
            }
        }
    }

    @Test("a track event becomes a fact when stitching attaches it, with only its properties", arguments: TestBackend.available)
    func stitchedTrackEventsBecomeFacts(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            var m = Messages()
            try await store.append([
                try m.event("ws_a", ["type": "identify", "userId": "u1", "traits": ["name": "王静"]]),
                try m.event("ws_a", [
                    "type": "track", "event": "Order Completed", "userId": "u1",
                    "properties": ["category": "护肤", "revenue": 329],
                ]),
                try m.event("ws_a", ["type": "page", "name": "Home", "userId": "u1"]),
                try m.event("ws_a", ["type": "track", "event": "Product Viewed", "userId": "u1"]),
            ])
            #expect(try await Self.facts(store, "ws_a").isEmpty, "pending events are not facts yet")
            try await store.stitchAll()
            let id = try #require(try await store.root("ws_a", "user_id", "u1"))
            #expect(
                try await Self.facts(store, "ws_a") == [
                    Fact(event: "Order Completed", profileID: id, properties: ["category": "护肤", "revenue": 329]),
                    Fact(event: "Product Viewed", profileID: id, properties: nil),
                ])
        }
    }

    @Test("Pond's own timeline entries, written attached, are facts at once and leave others' facts alone",
          arguments: TestBackend.available)
    func systemEventsAreFactsAtOnce(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            var m = Messages()
            try await store.append([
                try m.event("ws_a", ["type": "track", "event": "Product Viewed", "userId": "u1", "properties": ["sku": "A"]])
            ])
            try await store.stitchAll()
            let id = try #require(try await store.root("ws_a", "user_id", "u1"))
            let now = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
            try await store.saveTag(TagDefinition(name: "会员", createdAt: now), workspaceID: "ws_a")
            #expect(
                try await store.changeTags(
                    workspaceID: "ws_a", profileIDs: [id], tags: ["会员"], adding: true, source: .manual, sourceRef: nil, at: now) == 1)
            #expect(
                try await Self.facts(store, "ws_a") == [
                    Fact(event: "Product Viewed", profileID: id, properties: ["sku": "A"]),
                    Fact(
                        event: SystemEvent.tagAdded, profileID: id,
                        properties: ["tag": "会员", "source": "manual", "sourceRef": .null]),
                ])
        }
    }

    @Test("rows loaded straight into events are facts after a bulk load, and triggers work again afterwards",
          arguments: TestBackend.available)
    func bulkLoadRebuildsFacts(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            var m = Messages()
            let loaded = Store.eventRow(
                try m.event("ws_a", ["type": "track", "event": "Coupon Claimed", "userId": "u1", "properties": ["n": 1]]))
            try await store.bulkLoad {
                try await store.database.write { db in
                    try await db.executeMany(Store.insertEventSQL, [loaded])
                    try await db.execute("UPDATE events SET profile_id = 7 WHERE workspace_id = 'ws_a'")
                }
            }
            #expect(
                try await Self.facts(store, "ws_a") == [Fact(event: "Coupon Claimed", profileID: 7, properties: ["n": 1])])
            try await store.append([
                try m.event("ws_a", ["type": "track", "event": "Coupon Claimed", "userId": "u2", "properties": ["n": 2]])
            ])
            try await store.stitchAll()
            #expect(try await Self.facts(store, "ws_a").count == 2)
        }
    }
}
