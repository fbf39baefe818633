/// Decides a profile's lifecycle stage (生命周期) from its facts and the time.
///
/// The engine evaluates every profile on a schedule (daily is enough: the windows are in days) and again whenever
/// a profile does something, stores the stage with the time it was entered when it changes, and passes that record
/// back as `LifecycleFacts.previous` next time. Rules, in the order they are tried:
/// 1. Dormant or churned with no activity since: stays (dormant becomes churned once the churn window passes).
///    Only new activity revives a customer; a longer window from a configuration change or a new adaptive N does not.
/// 2. No activity for `churnAfterDays` → churned; for N = `dormantAfterDays` → dormant. Exactly N days of silence
///    is dormant; one millisecond less is not.
/// 3. Active again after dormant or churned → won back; it stays won back for `wonBackDays` from entering it.
/// 4. Otherwise the funnel: converted (repeat buyer), retained (a first order, or back `returnAfterDays` after
///    activating), activated (an activation event), acquired. A funnel stage never moves backwards.
public struct LifecycleMachine: Sendable {
    public let configuration: LifecycleConfiguration
    /// N, the dormancy window in force: computed by the engine from `configuration.dormancy` and the workspace's
    /// repurchase intervals on the full-run schedule.
    public let dormantAfterDays: Int

    /// Refuses an invalid configuration, and an N that would not leave room for dormancy before churn. Without an
    /// N, uses the policy's value for a workspace with no repeat purchases yet.
    public init(
        configuration: LifecycleConfiguration = LifecycleConfiguration(), dormantAfterDays: Int? = nil
    ) throws(LifecycleConfigurationError) {
        try configuration.validate()
        let n = dormantAfterDays ?? configuration.dormancy.dormantAfterDays(medianIntervalDays: nil)
        guard n >= 1, n < configuration.churnAfterDays else {
            throw LifecycleConfigurationError(
                .invalidDormancy, "dormantAfterDays must be 1…\(configuration.churnAfterDays - 1), got \(n)")
        }
        self.configuration = configuration
        self.dormantAfterDays = n
    }

    public func evaluate(_ facts: LifecycleFacts, now: Instant) -> LifecycleDecision {
        let last = facts.latestActivity
        let idle = max(0, now.millisecondsSinceEpoch - last.millisecondsSinceEpoch)
        let idleDays = idle / Self.day
        let churnAfter = configuration.churnAfterDays
        let previous = facts.previous
        let wasAway = previous.map { $0.stage == .dormant || $0.stage == .churned } ?? false
        let activeSinceAway = wasAway && previous.map { last > $0.since } ?? false

        if wasAway, !activeSinceAway, let previous {
            if previous.stage == .churned {
                return LifecycleDecision(
                    .churned, .noActivitySinceChurned, "no activity since churning on \(previous.since)")
            }
            if idle < Int64(churnAfter) * Self.day {
                return LifecycleDecision(
                    .dormant, .noActivitySinceDormant, "no activity since becoming dormant on \(previous.since)")
            }
        }
        if idle >= Int64(churnAfter) * Self.day {
            return LifecycleDecision(
                .churned, .churnWindowPassed, "no activity for \(idleDays) days; churned after \(churnAfter)")
        }
        // A churned customer who came back counts as won back even if they have gone quiet again since: the return
        // happened, and going back to dormant from there is the ordinary won back → dormant step.
        if activeSinceAway, previous?.stage == .churned {
            return LifecycleDecision(.wonBack, .activeAgain, "active again on \(last) after being churned")
        }
        if idle >= Int64(dormantAfterDays) * Self.day {
            return LifecycleDecision(
                .dormant, .dormantWindowPassed, "no activity for \(idleDays) days; dormant after \(dormantAfterDays)")
        }
        if activeSinceAway, let previous {
            return LifecycleDecision(
                .wonBack, .activeAgain, "active again on \(last) after being \(previous.stage.rawValue)")
        }
        if let previous, previous.stage == .wonBack {
            let ends = previous.since.adding(days: configuration.wonBackDays)
            if now < ends {
                return LifecycleDecision(
                    .wonBack, .wonBackPeriod, "won back on \(previous.since); funnel resumes on \(ends)")
            }
        }
        let funnel = funnelDecision(facts)
        if let previous, let previousRank = previous.stage.funnelRank, let rank = funnel.stage.funnelRank,
            rank < previousRank
        {
            return LifecycleDecision(
                previous.stage, .milestoneKept,
                "stays \(previous.stage.rawValue): milestones are kept (facts now say \(funnel.stage.rawValue))")
        }
        return funnel
    }

    private func funnelDecision(_ facts: LifecycleFacts) -> LifecycleDecision {
        let repeatCount = configuration.repeatOrderCount
        if facts.orderCount >= repeatCount {
            return LifecycleDecision(
                .converted, .repeatOrders, "\(facts.orderCount) orders; converted from \(repeatCount)")
        }
        if facts.orderCount >= 1 {
            return LifecycleDecision(.retained, .firstOrder, "first order placed")
        }
        if let activatedAt = facts.activatedAt {
            let returnBy = activatedAt.adding(days: configuration.returnAfterDays)
            if facts.latestActivity >= returnBy {
                return LifecycleDecision(
                    .retained, .returnedAfterActivation,
                    "active on \(facts.latestActivity), "
                        + "at least \(configuration.returnAfterDays) days after activating")
            }
            return LifecycleDecision(.activated, .activationEvent, "activated on \(activatedAt)")
        }
        return LifecycleDecision(.acquired, .firstSeen, "first seen on \(facts.firstSeen)")
    }

    private static let day: Int64 = 86_400_000
}

/// The stage `LifecycleMachine` decided, the rule that decided it, and the reason in words for the console
/// ("no activity for 61 days; dormant after 60").
public struct LifecycleDecision: Sendable, Equatable {
    public var stage: LifecycleStage
    public var rule: LifecycleRule
    public var reason: String

    public init(_ stage: LifecycleStage, _ rule: LifecycleRule, _ reason: String) {
        self.stage = stage
        self.rule = rule
        self.reason = reason
    }
}

/// Which of `LifecycleMachine`'s rules decided a stage. Stable codes for the API and for counting transitions.
public enum LifecycleRule: String, Sendable, Hashable, Codable {
    case noActivitySinceChurned = "no_activity_since_churned"
    case noActivitySinceDormant = "no_activity_since_dormant"
    case churnWindowPassed = "churn_window_passed"
    case dormantWindowPassed = "dormant_window_passed"
    case activeAgain = "active_again"
    case wonBackPeriod = "won_back_period"
    case repeatOrders = "repeat_orders"
    case firstOrder = "first_order"
    case returnedAfterActivation = "returned_after_activation"
    case activationEvent = "activation_event"
    case firstSeen = "first_seen"
    case milestoneKept = "milestone_kept"
}
