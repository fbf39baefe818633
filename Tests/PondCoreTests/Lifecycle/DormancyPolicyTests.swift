import Testing

@testable import PondCore

@Suite("Lifecycle dormancy window")
struct LifecycleDormancyPolicyTests {
    let policy = DormancyPolicy(multiplier: 2, minimumDays: 14, maximumDays: 120, fallbackDays: 60)

    @Test("N is the multiplier times the median repurchase interval, rounded up to whole days")
    func multiplierTimesMedian() {
        #expect(policy.dormantAfterDays(repurchaseIntervalsInDays: [10, 30, 20.2]) == 41)  // 2 × 20.2 = 40.4
        #expect(policy.dormantAfterDays(repurchaseIntervalsInDays: [40, 10, 20, 30]) == 50)  // median of four: 25
    }

    @Test("the median ignores a few very long gaps that would drag a mean out")
    func medianResistsOutliers() {
        let unclamped = DormancyPolicy(multiplier: 2, minimumDays: 1, maximumDays: 179, fallbackDays: 60)
        let weeklyBuyersAndTwoReturnees = [Double](repeating: 7, count: 20) + [300, 400]
        // The mean gap is about 38 days, which would make N 77.
        #expect(unclamped.dormantAfterDays(repurchaseIntervalsInDays: weeklyBuyersAndTwoReturnees) == 14)
    }

    @Test("N stays within the minimum and the maximum")
    func clamped() {
        #expect(policy.dormantAfterDays(repurchaseIntervalsInDays: [1, 2, 3]) == 14)
        #expect(policy.dormantAfterDays(repurchaseIntervalsInDays: [90, 100]) == 120)
        #expect(policy.dormantAfterDays(medianIntervalDays: 1e300) == 120)
    }

    @Test("without repeat purchases N falls back, and unusable intervals are ignored")
    func fallback() {
        #expect(policy.dormantAfterDays(repurchaseIntervalsInDays: []) == 60)
        #expect(policy.dormantAfterDays(repurchaseIntervalsInDays: [-3, .nan, .infinity]) == 60)
        #expect(policy.dormantAfterDays(repurchaseIntervalsInDays: [-3, .nan, 25]) == 50)
        let tinyFallback = DormancyPolicy(multiplier: 2, minimumDays: 14, maximumDays: 120, fallbackDays: 3)
        #expect(tinyFallback.dormantAfterDays(medianIntervalDays: nil) == 14)
    }

    @Test("a fixed window ignores the brand's rhythm")
    func fixedWindow() {
        let fixed = DormancyPolicy.fixed(days: 45)
        #expect(fixed.dormantAfterDays(repurchaseIntervalsInDays: [2, 3]) == 45)
        #expect(fixed.dormantAfterDays(repurchaseIntervalsInDays: [200]) == 45)
        #expect(fixed.dormantAfterDays(repurchaseIntervalsInDays: []) == 45)
    }

    @Test("repurchase intervals are the days between one customer's consecutive orders, in time order")
    func intervalsBetweenOrders() {
        let start = Instant(millisecondsSinceEpoch: 1_800_000_000_000)
        let orders = [start.adding(days: 10), start, start.adding(milliseconds: 36 * 3_600_000)]
        #expect(RepurchaseInterval.intervals(between: orders) == [1.5, 8.5])
        #expect(RepurchaseInterval.intervals(between: [start]) == [])
    }

    @Test("a dormancy window that could reach the churn window is refused")
    func mustLeaveRoomBeforeChurn() {
        var configuration = LifecycleConfiguration(churnAfterDays: 120)
        #expect(throws: LifecycleConfigurationError.self) { try configuration.validate() }
        configuration.churnAfterDays = 121
        #expect(throws: Never.self) { try configuration.validate() }
        #expect(throws: LifecycleConfigurationError.self) {
            try LifecycleMachine(configuration: configuration, dormantAfterDays: 121)
        }
    }

    @Test("zero, inverted or non-finite dormancy settings are refused with a stable code")
    func invalidSettings() {
        for dormancy in [
            DormancyPolicy(multiplier: 0), DormancyPolicy(multiplier: .nan),
            DormancyPolicy(minimumDays: 0), DormancyPolicy(minimumDays: 50, maximumDays: 40),
        ] {
            let error = #expect(throws: LifecycleConfigurationError.self) {
                try LifecycleConfiguration(dormancy: dormancy).validate()
            }
            #expect(error?.code == .invalidDormancy, "\(dormancy)")
        }
    }
}
