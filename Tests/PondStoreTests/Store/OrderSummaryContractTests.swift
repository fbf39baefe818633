import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// The full RFM run's input: every root's orders in the window, read from `event_facts`.
@Suite("Order summaries contract")
struct OrderSummaryContractTests {
    @Test("amounts are read as incremental updates read them, and merged members count for their root",
          arguments: TestBackend.available)
    func amountsAndMerges(backend: TestBackend) async throws {
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

    @Test("the window read in slices by several workers gives every order once, at its edges too",
          arguments: TestBackend.available)
    func slicedReads(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.makeWorkspace("ws_a")
            var m = Messages()
            var random = SplitMix64(seed: 20_261_201)
            let configuration = RFMConfiguration(windowDays: 30)
            let window: Int64 = 30 * 24 * 60
            // Minutes before now: spread over the window, on its first minute, just outside it, and at now.
            var expected: [String: (count: Int, total: Double, latest: Int64)] = [:]
            var events: [IncomingEvent] = []
            for index in 0..<120 {
                let buyer = "u\(index % 9)"
                let minutesAgo = index < 4 ? [window, window + 1, 0, 1][index] : Int64.random(in: 0..<window, using: &random)
                let amount = Double(Int.random(in: 1...500, using: &random))
                events.append(try m.event("ws_a", [
                    "type": "track", "event": "Order Completed", "userId": .string(buyer), "properties": ["revenue": .double(amount)],
                ], minutesAgo: minutesAgo))
                guard minutesAgo <= window else { continue }
                let old = expected[buyer] ?? (0, 0, Int64.max)
                expected[buyer] = (old.count + 1, old.total + amount, min(old.latest, minutesAgo))
            }
            try await store.append(events)
            try await store.stitchAll()
            var roots: [Int64: String] = [:]
            for buyer in expected.keys { roots[try #require(try await store.root("ws_a", "user_id", buyer))] = buyer }
            for workers in [1, 2, 5] {
                let summaries = try await store.orderSummaries(
                    workspaceID: "ws_a", configuration: configuration, now: m.now, workers: workers)
                #expect(summaries.count == expected.count, "\(workers) workers")
                for summary in summaries {
                    let want = try #require(roots[summary.profileID].flatMap { expected[$0] })
                    #expect(summary.orderCount == want.count, "\(workers) workers")
                    #expect(abs(summary.totalAmount - want.total) < 1e-9, "\(workers) workers")
                    #expect(summary.lastOrderAt == m.now.adding(milliseconds: -want.latest * 60_000), "\(workers) workers")
                }
            }
        }
    }

    @Test("slices cover the window without gaps and leave the last one open")
    func timeSlices() {
        let slices = Store.timeSlices(from: 1_000, to: 1_100, count: 8)
        #expect(slices.count == 8)
        #expect(slices.first?.from == 1_000)
        #expect(slices.last?.before == nil)
        for (earlier, later) in zip(slices, slices.dropFirst()) { #expect(earlier.before == later.from) }
        #expect(Store.timeSlices(from: 5, to: 6, count: 8).map(\.from) == [5])
    }
}
