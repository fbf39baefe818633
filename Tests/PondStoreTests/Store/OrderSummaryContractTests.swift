import PondCore
import Testing

@testable import PondStore

/// The full RFM run's input: every root's orders in the window, read from `event_facts`.
@Suite("Order summaries contract")
struct OrderSummaryContractTests {
    @Test("amounts are read as incremental updates read them, and merged members count for their root",
          arguments: StoreBackend.available)
    func amountsAndMerges(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            var m = Messages()
            let amounts: [JSONValue] = [
                ["revenue": 120.5], ["revenue": " 80 ", "amount": 1], ["revenue": true, "amount": "9.5"],
                ["revenue": ["n": 1], "total": 7], ["coupon": "X"], ["revenue": "12 yuan", "amount": .null],
            ]
            var events = try amounts.map { properties in
                try m.event("ws_a", ["type": "track", "event": "Order Completed", "userId": "u1", "properties": properties])
            }
            // An anonymous buyer who later logs in as u1: two profiles merged into one cluster.
            events.append(try m.event("ws_a", [
                "type": "track", "event": "Order Completed", "anonymousId": "a1", "properties": ["revenue": 3],
            ]))
            events.append(try m.event(
                "ws_a", ["type": "track", "event": "Order Completed", "userId": "u2", "properties": ["revenue": 5]],
                minutesAgo: 60 * 24 * 400))
            events.append(try m.event(
                "ws_a", ["type": "track", "event": "Product Viewed", "userId": "u2", "properties": ["revenue": 5]]))
            try await store.append(events)
            try await store.stitchAll()
            try await store.append([try m.event("ws_a", ["type": "identify", "anonymousId": "a1", "userId": "u1"])])
            try await store.stitchAll()

            let configuration = RFMConfiguration()
            let summaries = try await store.orderSummaries(workspaceID: "ws_a", configuration: configuration, now: m.now)
            let root = try #require(try await store.root("ws_a", "user_id", "u1"))
            #expect(summaries.map(\.profileID) == [root], "u2's only order is outside the window")
            let expected = (amounts + [["revenue": 3]]).compactMap { configuration.amount(in: $0.objectValue!) }
            #expect(summaries.first?.orderCount == 7)
            #expect(summaries.first?.totalAmount == expected.reduce(0, +))
            #expect(expected == [120.5, 80, 9.5, 7, 3])
        }
    }
}
