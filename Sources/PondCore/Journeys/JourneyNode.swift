/// One step of a journey graph, under an id unique within its definition.
///
/// Targets are node ids; a target may be `nil` while a journey is being edited (an arm not yet connected), which
/// validation refuses as `journey_branch_without_exit` — a saved journey has none.
public struct JourneyNode: Sendable, Hashable {
    public var id: String
    public var kind: Kind

    public init(_ id: String, _ kind: Kind) {
        self.id = id
        self.kind = kind
    }

    public enum Kind: Sendable, Hashable {
        /// Waits, then goes on to `next`.
        case delay(JourneyDelay, next: String?)
        /// Waits for an event (the order after an abandoned cart) at most `timeoutSeconds`.
        case waitForEvent(JourneyEventWait)
        /// The segment rule language on the profile at that moment: `then` when it holds, `else` otherwise.
        case condition(SegmentRule, then: String?, else: String?)
        /// Random split with fixed percentages (A/B); the arm taken is recorded per run.
        case split([JourneySplitArm])
        /// Does something — send a message, tag, set a trait, call a webhook, or a kind another module registers.
        case action(JourneyAction, next: String?)
        /// Leaves the journey.
        case exit
    }

    /// The node's outgoing edges as (member name, target), in a fixed order: `next`; `onEvent`, `onTimeout`;
    /// `then`, `else`; `arms[i].next`.
    public var edges: [(member: String, target: String?)] {
        switch kind {
        case .delay(_, let next), .action(_, let next): return [("next", next)]
        case .waitForEvent(let wait): return [("onEvent", wait.onEvent), ("onTimeout", wait.onTimeout)]
        case .condition(_, let then, let otherwise): return [("then", then), ("else", otherwise)]
        case .split(let arms): return arms.enumerated().map { ("arms[\($0.offset)].next", $0.element.next) }
        case .exit: return []
        }
    }

    /// Delays and waits: the nodes at which a run stops and a timer is kept.
    public var waits: Bool {
        switch kind {
        case .delay, .waitForEvent: return true
        default: return false
        }
    }

    /// The JSON `type` of the node.
    public var typeName: String {
        switch kind {
        case .delay: "delay"
        case .waitForEvent: "wait_for_event"
        case .condition: "condition"
        case .split: "split"
        case .action: "action"
        case .exit: "exit"
        }
    }
}

/// How long a delay node waits.
public enum JourneyDelay: Sendable, Hashable {
    /// A fixed time: "one day after joining". 1 second to `JourneyDefinition.Limits.maximumWaitSeconds`.
    case duration(seconds: Int64)
    /// Until the next `time` on the profile's clock on one of `weekdays` ("next workday at 10:00"); now when it is
    /// exactly that.
    case untilTimeOfDay(TimeOfDay, weekdays: Set<Weekday>)
    /// Until a date the profile carries, N days before/after, at a local time (at or after now). A profile without
    /// such a date (or whose one-off date has passed) leaves the journey: a birthday message is not sent on some
    /// other day.
    case untilDateTrait(DateTraitSchedule)
}

/// A wait-for-event node: on the first matching event after the run arrives, go to `onEvent`; at
/// `timeoutSeconds` after it arrived, go to `onTimeout`.
public struct JourneyEventWait: Sendable, Hashable {
    public var event: String
    public var filters: [SegmentCondition.PropertyFilter]
    public var timeoutSeconds: Int64
    public var onEvent: String?
    public var onTimeout: String?

    public init(
        event: String, filters: [SegmentCondition.PropertyFilter] = [], timeoutSeconds: Int64, onEvent: String?,
        onTimeout: String?
    ) {
        self.event = event
        self.filters = filters
        self.timeoutSeconds = timeoutSeconds
        self.onEvent = onEvent
        self.onTimeout = onTimeout
    }
}

/// One arm of a random split: `percent` of runs (0…100; the arms sum to 100) go to `next`.
public struct JourneySplitArm: Sendable, Hashable {
    public var name: String
    public var percent: Int
    public var next: String?

    public init(_ name: String, percent: Int, next: String?) {
        self.name = name
        self.percent = percent
        self.next = next
    }
}
