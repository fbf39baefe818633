import Foundation
import Testing

@testable import PondCore

@Suite("Lifecycle churn features")
struct LifecycleChurnFeaturesTests {
    let now = Instant(millisecondsSinceEpoch: 1_800_000_000_000)

    private func day(_ offset: Int) -> Instant { now.adding(days: offset) }

    @Test("signals as of a moment ignore what happened after it, and a customer without orders has none")
    func signalsAsOfAMoment() throws {
        let orders = [day(-30), day(-10), day(-20), day(5)]
        let signals = try #require(ChurnSignals(orderTimes: orders, activityTimes: [day(-2), day(3)], asOf: now))
        #expect(signals == ChurnSignals(
            orderCount: 3, firstOrderAt: day(-30), previousOrderAt: day(-20), lastOrderAt: day(-10),
            lastActivityAt: day(-2)))
        #expect(ChurnSignals(orderTimes: [day(1)], activityTimes: [day(-5)], asOf: now) == nil)
    }

    @Test("a single order is judged against the workspace's typical interval")
    func singleOrderUsesTypicalInterval() {
        let signals = ChurnSignals(
            orderCount: 1, firstOrderAt: day(-40), previousOrderAt: nil, lastOrderAt: day(-40), lastActivityAt: nil)
        let features = ChurnFeatures(signals, now: now, typicalIntervalDays: 20)
        #expect(abs(features.overdue - log1p(2)) < 1e-12)  // 40 days over a usual 20
        #expect(abs(features.recency - log1p(40)) < 1e-12)
        #expect(abs(features.rhythm - log(20)) < 1e-12)
        #expect(features.orders == 0)
        #expect(features.intervalTrend == 0)
        #expect(abs(features.activityGap - log1p(2)) < 1e-12)  // no visits: the order is the last sign of life
    }

    @Test("the usual interval is the customer's own mean, shrunk by one typical interval")
    func usualIntervalShrinksTowardsTypical() {
        // Four orders over 60 days: three gaps of 20, plus one pseudo-gap of 40 → (60 + 40) / 4 = 25 days.
        let signals = ChurnSignals(
            orderCount: 4, firstOrderAt: day(-110), previousOrderAt: day(-70), lastOrderAt: day(-50),
            lastActivityAt: day(-5))
        let features = ChurnFeatures(signals, now: now, typicalIntervalDays: 40)
        #expect(abs(features.rhythm - log(25)) < 1e-12)
        #expect(abs(features.overdue - log1p(50.0 / 25)) < 1e-12)
        #expect(abs(features.activityGap - log1p(5.0 / 25)) < 1e-12)
    }

    @Test("lengthening gaps give a positive trend, steady gaps none")
    func intervalTrend() {
        // Earlier gaps average 20 days ((−50) − (−90) over 2); the last gap is 41 days.
        let slowing = ChurnSignals(
            orderCount: 4, firstOrderAt: day(-90), previousOrderAt: day(-50), lastOrderAt: day(-9), lastActivityAt: nil)
        #expect(abs(ChurnFeatures(slowing, now: now, typicalIntervalDays: 20).intervalTrend - log(42.0 / 21)) < 1e-12)
        let steady = ChurnSignals(
            orderCount: 3, firstOrderAt: day(-40), previousOrderAt: day(-20), lastOrderAt: day(0), lastActivityAt: nil)
        #expect(ChurnFeatures(steady, now: now, typicalIntervalDays: 20).intervalTrend == 0)
    }

    @Test("an observed example is churned when no order follows within the horizon")
    func observedLabel() throws {
        let orders = [day(-60), day(-30)]
        let reordered = try #require(ChurnExample.observed(
            orderTimes: orders + [day(90)], activityTimes: [], cutoff: now, horizonDays: 90, typicalIntervalDays: 30))
        #expect(!reordered.churned)
        let lapsed = try #require(ChurnExample.observed(
            orderTimes: orders + [day(91)], activityTimes: [], cutoff: now, horizonDays: 90, typicalIntervalDays: 30))
        #expect(lapsed.churned)
        #expect(ChurnExample.observed(
            orderTimes: [day(1)], activityTimes: [], cutoff: now, horizonDays: 90, typicalIntervalDays: 30) == nil)
    }
}
