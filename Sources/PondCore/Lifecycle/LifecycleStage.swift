/// Where a customer is in their relationship with the brand (生命周期阶段).
///
/// Four funnel stages record milestones reached — acquired → activated → retained → converted — and never step
/// back on their own: a customer who refunds their second order stays converted. Three stages are about time:
/// dormant and churned when activity stops, and won back when it starts again. The full graph is
/// `allowedTransitions`; `LifecycleMachine.evaluate` never leaves it.
public enum LifecycleStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// 引入: known to the brand (added on WeCom, followed the official account, first visit), nothing more yet.
    case acquired
    /// 激活: did the first meaningful thing the brand names (signed up, signed in, added to cart).
    case activated
    /// 留存: came back after activating, or placed a first order.
    case retained
    /// 转化: a repeat buyer.
    case converted
    /// 沉默: no activity for the dormancy window (N days, adapted to the brand's repurchase rhythm).
    case dormant
    /// 流失: no activity for the churn window (M days, M > N).
    case churned
    /// 召回: active again after being dormant or churned; holds for the won-back period, then the funnel resumes.
    case wonBack = "won_back"

    public var chineseName: String {
        switch self {
        case .acquired: return "引入"
        case .activated: return "激活"
        case .retained: return "留存"
        case .converted: return "转化"
        case .dormant: return "沉默"
        case .churned: return "流失"
        case .wonBack: return "召回"
        }
    }

    /// The funnel position of the four milestone stages; nil for the time-driven ones.
    public var funnelRank: Int? {
        switch self {
        case .acquired: return 0
        case .activated: return 1
        case .retained: return 2
        case .converted: return 3
        case .dormant, .churned, .wonBack: return nil
        }
    }

    /// Every stage change `LifecycleMachine` can make (staying in a stage is not a transition).
    ///
    /// ```
    /// acquired ─► activated ─► retained ─► converted      funnel: forward only, skipping allowed
    ///     │            │           │           │           (an offline first order goes acquired → retained)
    ///     └────────────┴─────┬─────┴───────────┘
    ///                        ▼
    ///                     dormant ─► churned              when activity stops (straight to churned if
    ///                        │          │                  evaluation was skipped past the dormant window)
    ///                        └────┬─────┘
    ///                             ▼
    ///                          won back ─► any funnel stage, dormant, churned
    /// ```
    /// Dormant and churned are left only through won back, and only because of new activity: a longer window
    /// (a new N or M) never revives anyone by itself.
    public static let allowedTransitions: [LifecycleStage: Set<LifecycleStage>] = [
        .acquired: [.activated, .retained, .converted, .dormant, .churned],
        .activated: [.retained, .converted, .dormant, .churned],
        .retained: [.converted, .dormant, .churned],
        .converted: [.dormant, .churned],
        .dormant: [.churned, .wonBack],
        .churned: [.wonBack],
        .wonBack: [.acquired, .activated, .retained, .converted, .dormant, .churned],
    ]

    public func canTransition(to next: LifecycleStage) -> Bool {
        Self.allowedTransitions[self]?.contains(next) ?? false
    }
}
