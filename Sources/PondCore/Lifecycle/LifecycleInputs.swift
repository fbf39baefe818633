/// What decides a profile's lifecycle stage and churn risk, kept with the stage so that the daily time-driven sweep
/// needs no pass over the event log.
public struct LifecycleInputs: Sendable, Equatable {
    public var firstSeen: Instant
    /// Latest customer activity (track, page, screen; not Pond's own entries).
    public var lastActivityAt: Instant?
    /// Latest activity that was not an order.
    public var lastOtherActivityAt: Instant?
    public var activatedAt: Instant?
    public var orderCount: Int
    public var firstOrderAt: Instant?
    public var previousOrderAt: Instant?
    public var lastOrderAt: Instant?

    public init(
        firstSeen: Instant, lastActivityAt: Instant? = nil, lastOtherActivityAt: Instant? = nil, activatedAt: Instant? = nil,
        orderCount: Int = 0, firstOrderAt: Instant? = nil, previousOrderAt: Instant? = nil, lastOrderAt: Instant? = nil
    ) {
        self.firstSeen = firstSeen
        self.lastActivityAt = lastActivityAt
        self.lastOtherActivityAt = lastOtherActivityAt
        self.activatedAt = activatedAt
        self.orderCount = orderCount
        self.firstOrderAt = firstOrderAt
        self.previousOrderAt = previousOrderAt
        self.lastOrderAt = lastOrderAt
    }

    /// A customer event of the cluster, as the inputs read it.
    public struct Activity: Sendable {
        /// `track`, `page` or `screen`; Pond's own entries are not customer activity and never given.
        public var type: String
        public var event: String?
        public var at: Instant

        public init(type: String, event: String?, at: Instant) {
            self.type = type
            self.event = event
            self.at = at
        }
    }

    /// The inputs of a cluster first seen at `firstSeen` with `activity`: orders are the `orderEvents` tracked, the
    /// first `activationEvents` tracked activates, and everything else is other activity (churn risk reads it).
    public init(firstSeen: Instant, activity: some Sequence<Activity>, orderEvents: [String], activationEvents: [String]) {
        self.init(firstSeen: firstSeen)
        var orders: [Instant] = []
        for item in activity {
            let at = item.at
            lastActivityAt = max(lastActivityAt ?? at, at)
            self.firstSeen = min(self.firstSeen, at)
            let tracked = item.type == "track" ? item.event : nil
            if let tracked, orderEvents.contains(tracked) {
                orders.append(at)
            } else {
                lastOtherActivityAt = max(lastOtherActivityAt ?? at, at)
            }
            if let tracked, activationEvents.contains(tracked) {
                activatedAt = min(activatedAt ?? at, at)
            }
        }
        orders.sort()
        orderCount = orders.count
        firstOrderAt = orders.first
        lastOrderAt = orders.last
        previousOrderAt = orders.count >= 2 ? orders[orders.count - 2] : nil
    }

    public func facts(previous: LifecycleStageRecord?) -> LifecycleFacts {
        LifecycleFacts(
            firstSeen: firstSeen, lastActivityAt: lastActivityAt, activatedAt: activatedAt, orderCount: orderCount,
            lastOrderAt: lastOrderAt, previous: previous)
    }

    public var churnSignals: ChurnSignals? {
        guard let firstOrderAt, let lastOrderAt, orderCount > 0 else { return nil }
        return ChurnSignals(
            orderCount: orderCount, firstOrderAt: firstOrderAt, previousOrderAt: previousOrderAt, lastOrderAt: lastOrderAt,
            lastActivityAt: lastOtherActivityAt)
    }
}

/// A profile's stored lifecycle stage.
public struct StoredStage: Sendable, Equatable {
    public var profileID: Int64
    public var stage: LifecycleStage
    public var since: Instant
    public var rule: String
    public var reason: String
    public var churnRisk: Double?
    public var evaluatedAt: Instant
    public var inputs: LifecycleInputs

    public init(
        profileID: Int64, stage: LifecycleStage, since: Instant, rule: String, reason: String, churnRisk: Double?,
        evaluatedAt: Instant, inputs: LifecycleInputs
    ) {
        self.profileID = profileID
        self.stage = stage
        self.since = since
        self.rule = rule
        self.reason = reason
        self.churnRisk = churnRisk
        self.evaluatedAt = evaluatedAt
        self.inputs = inputs
    }

    public var record: LifecycleStageRecord { LifecycleStageRecord(stage, since: since) }
}
