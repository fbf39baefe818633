import PondCore
import Testing

@Suite("RFM run changes")
struct RFMRunChangesTests {
    static let now = Instant(millisecondsSinceEpoch: 1_000_000_000)

    static func scored(_ id: Int64, _ r: Int, _ f: Int, _ m: Int, _ layer: RFMLayer, orders: Int = 2) -> RFMRun.Scored {
        RFMRun.Scored(
            summary: OrderSummary(profileID: id, lastOrderAt: now, orderCount: orders, totalAmount: 100),
            score: RFMScore(recency: r, frequency: f, monetary: m, layer: layer))
    }

    static func stored(_ id: Int64, _ r: Int, _ f: Int, _ m: Int, _ layer: RFMLayer, orders: Int = 2) -> StoredRFM {
        StoredRFM(
            profileID: id, r: r, f: f, m: m, layer: layer.id, orderCount: orders, totalAmount: 100, lastOrderAt: now,
            scoredAt: now)
    }

    /// One profile of each kind: unchanged, a new order in the same cell, a new cell in the same layer, a new
    /// layer, newly scored, and dropped from the window.
    @Test func sortsEveryProfileIntoWhatItNeeds() {
        let stored = Dictionary(uniqueKeysWithValues: [
            Self.stored(1, 5, 5, 5, .champions), Self.stored(2, 4, 4, 4, .loyal), Self.stored(3, 4, 4, 4, .loyal),
            Self.stored(4, 4, 4, 4, .loyal), Self.stored(6, 2, 1, 1, .hibernating),
        ].map { ($0.profileID, $0) })
        let run = RFMRun(
            computedAt: Self.now, cutPoints: nil,
            scored: [
                Self.scored(1, 5, 5, 5, .champions), Self.scored(2, 4, 4, 4, .loyal, orders: 3),
                Self.scored(3, 4, 5, 4, .loyal), Self.scored(4, 2, 4, 4, .atRisk), Self.scored(5, 5, 1, 1, .new),
            ])
        let changes = RFMRunChanges(
            run, storedCount: stored.count, stored: { stored[$0] }, storedIDs: { stored.keys.sorted() }, windowDays: 365)
        #expect(changes.rewritten.map(\.profileID) == [2, 3, 4, 5])
        #expect(changes.moved == [3, 4, 5, 6])
        #expect(changes.dropped == [6])
        #expect(changes.layerEvents.map(\.profileID) == [4, 5, 6])
        #expect(changes.layerEvents[0] == .layerChanged(4, from: "loyal", to: run.scored[3].score))
        #expect(changes.layerEvents[1].properties["from"] == .null)
        #expect(changes.layerEvents[2] == .layerDropped(6, from: "hibernating", reason: "no order in the last 365 days"))
    }

    @Test func asksForStoredIDsOnlyWhenSomethingWasDropped() {
        let stored: [Int64: StoredRFM] = [1: Self.stored(1, 5, 5, 5, .champions)]
        let run = RFMRun(computedAt: Self.now, cutPoints: nil, scored: [Self.scored(1, 5, 5, 5, .champions)])
        let changes = RFMRunChanges(
            run, storedCount: 1, stored: { stored[$0] }, storedIDs: { Issue.record("not needed"); return [] }, windowDays: 365)
        #expect(changes.rewritten.isEmpty && changes.moved.isEmpty && changes.layerEvents.isEmpty)
    }
}
