/// What the store knows about one profile that decides its lifecycle stage.
///
/// "Activity" means something the customer did — a page view, a message to the advisor, an order, a store visit —
/// never something done to them: a delivered campaign must not keep a silent customer "active".
public struct LifecycleFacts: Sendable, Equatable {
    public var firstSeen: Instant
    /// The customer's latest activity of any kind, orders included.
    public var lastActivityAt: Instant?
    /// The first of the configured activation events, if any.
    public var activatedAt: Instant?
    /// Lifetime orders (the events `RFMConfiguration.orderEvents` names, so both views agree on what an order is).
    public var orderCount: Int
    public var lastOrderAt: Instant?
    /// The stage stored by the previous evaluation and when the profile entered it; nil for a new profile.
    public var previous: LifecycleStageRecord?

    public init(
        firstSeen: Instant, lastActivityAt: Instant? = nil, activatedAt: Instant? = nil, orderCount: Int = 0,
        lastOrderAt: Instant? = nil, previous: LifecycleStageRecord? = nil
    ) {
        self.firstSeen = firstSeen
        self.lastActivityAt = lastActivityAt
        self.activatedAt = activatedAt
        self.orderCount = orderCount
        self.lastOrderAt = lastOrderAt
        self.previous = previous
    }

    /// The latest sign of life among all the facts, so that a store which forgot to fold orders or the activation
    /// into `lastActivityAt` still never calls a customer who just bought dormant.
    public var latestActivity: Instant {
        [lastActivityAt, activatedAt, lastOrderAt].compactMap { $0 }.reduce(firstSeen, max)
    }
}

/// A stage and when the profile entered it: what the engine stores after each evaluation that changes the stage.
public struct LifecycleStageRecord: Sendable, Hashable, Codable {
    public var stage: LifecycleStage
    public var since: Instant

    public init(_ stage: LifecycleStage, since: Instant) {
        self.stage = stage
        self.since = since
    }
}
