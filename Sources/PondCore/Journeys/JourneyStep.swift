/// What the engine knows about a run and its profile when it asks for the next step.
public struct JourneyStepContext: Sendable {
    public var now: Instant
    /// The profile's offset from UTC (`DispatchFacts.utcOffsetSeconds`: its own when known, else the brand's):
    /// "10:00" and "on Monday" are on the profile's clock.
    public var utcOffsetSeconds: Int
    /// The profile as conditions, goals and date traits read it (`facts.traits` included).
    public var facts: ProfileFacts
    /// Segment membership for `in segment` conditions.
    public var membership: @Sendable (String) -> Bool
    /// A number fixed per run (derived from the run id): a split decided again after a crash takes the same arm.
    public var runSeed: UInt64
    public var enteredAt: Instant

    public init(
        now: Instant, utcOffsetSeconds: Int, facts: ProfileFacts, membership: @escaping @Sendable (String) -> Bool = { _ in false },
        runSeed: UInt64, enteredAt: Instant
    ) {
        self.now = now
        self.utcOffsetSeconds = utcOffsetSeconds
        self.facts = facts
        self.membership = membership
        self.runSeed = runSeed
        self.enteredAt = enteredAt
    }
}

/// What a run does at a node.
///
/// Waits are absolute instants, never "in N seconds": the engine keeps one timer per waiting run keyed by its
/// due time (`Store+Jobs`, the `jobs_due` index), so a million profiles in a 180-day delay cost a key range the
/// runner reads from its start, not a scan.
public enum JourneyStepOutcome: Sendable, Hashable {
    /// Go on at once (a condition or a split decided); `arm` is the split arm's name, or `then`/`else` for a
    /// condition, recorded per run so results can be compared. The engine chains these without waiting.
    case go(to: String, arm: String?)
    /// Carry out the action (idempotently, keyed by run and node), then go on to `then`.
    case perform(JourneyAction, then: String)
    /// Sleep until `until`, then go on to `then`.
    case wait(until: Instant, then: String)
    /// Wait for a matching event (`JourneyEventMatch.matches(_:properties:event:filters:now:utcOffsetSeconds:)`)
    /// performed from now on — an order placed before the run arrived does not count — until `timeoutAt`; then
    /// `onEvent` or `onTimeout`. The engine keeps the timeout as a timer like any other wait.
    case waitForEvent(event: String, filters: [SegmentCondition.PropertyFilter], timeoutAt: Instant, onEvent: String, onTimeout: String)
    /// Leave the journey.
    case exit(JourneyExit)
}

/// Why a run left its journey.
public enum JourneyExit: Sendable, Hashable {
    /// It reached an exit node.
    case completed
    /// The goal held: a conversion, `afterMilliseconds` after entry.
    case converted(afterMilliseconds: Int64)
    /// `exitWhen` held.
    case exitCondition
    /// A delay until a date trait found no such date ahead (no trait, an unreadable one, a one-off date passed).
    case noDate(trait: String)
    /// The node or an edge's target is missing. Validation makes this impossible for a saved definition; a run
    /// whose definition was damaged ends here rather than guess.
    case brokenGraph(node: String)
}

/// The pure step of a journey: given a run at a node, what happens next. The engine persists runs, timers and
/// statistics and carries out actions; it decides nothing itself.
public enum JourneyStep {
    /// Checks `exitWhen` and the goal first (a run leaves as soon as either holds, whatever node it is at), then
    /// decides the node.
    public static func next(_ definition: JourneyDefinition, at nodeID: String, context: JourneyStepContext)
        -> JourneyStepOutcome
    {
        if let exit = exitCheck(definition, context: context) { return .exit(exit) }
        guard let node = definition.node(nodeID) else { return .exit(.brokenGraph(node: nodeID)) }
        func target(_ id: String?) -> String? { id.flatMap { definition.node($0) == nil ? nil : $0 } }
        let broken = JourneyStepOutcome.exit(.brokenGraph(node: nodeID))
        switch node.kind {
        case .exit:
            return .exit(.completed)
        case .action(let action, let next):
            guard let next = target(next) else { return broken }
            return .perform(action, then: next)
        case .condition(let rule, let then, let otherwise):
            let holds = SegmentEvaluator(utcOffsetSeconds: context.utcOffsetSeconds).matches(
                rule, facts: context.facts, now: context.now, membership: context.membership)
            guard let next = target(holds ? then : otherwise) else { return broken }
            return .go(to: next, arm: holds ? "then" : "else")
        case .split(let arms):
            guard let arm = arm(of: arms, node: nodeID, seed: context.runSeed), let next = target(arm.next) else { return broken }
            return .go(to: next, arm: arm.name)
        case .delay(let delay, let next):
            guard let next = target(next) else { return broken }
            switch delay {
            case .duration(let seconds):
                return .wait(until: context.now.adding(milliseconds: seconds * 1000), then: next)
            case .untilTimeOfDay(let time, let weekdays):
                guard let until = JourneyTime.next(time, on: weekdays, atOrAfter: context.now, utcOffsetSeconds: context.utcOffsetSeconds)
                else { return broken }
                return .wait(until: until, then: next)
            case .untilDateTrait(let schedule):
                guard
                    let until = schedule.nextOccurrence(
                        of: SegmentComparison.lookup(schedule.trait, in: context.facts.traits), after: context.now,
                        inclusive: true, utcOffsetSeconds: context.utcOffsetSeconds)
                else { return .exit(.noDate(trait: schedule.trait)) }
                return .wait(until: until, then: next)
            }
        case .waitForEvent(let wait):
            guard let onEvent = target(wait.onEvent), let onTimeout = target(wait.onTimeout) else { return broken }
            return .waitForEvent(
                event: wait.event, filters: wait.filters, timeoutAt: context.now.adding(milliseconds: wait.timeoutSeconds * 1000),
                onEvent: onEvent, onTimeout: onTimeout)
        }
    }

    /// Whether a run leaves now because `exitWhen` or the goal holds — what the engine also asks of waiting runs
    /// when their profile changes, so a customer who buys during a 180-day delay converts then, not months later.
    /// `exitWhen` is checked first: a customer who unsubscribed and bought leaves without counting.
    public static func exitCheck(_ definition: JourneyDefinition, context: JourneyStepContext) -> JourneyExit? {
        let evaluator = SegmentEvaluator(utcOffsetSeconds: context.utcOffsetSeconds)
        if let rule = definition.exitWhen,
            evaluator.matches(rule, facts: context.facts, now: context.now, membership: context.membership)
        {
            return .exitCondition
        }
        if let goal = definition.goal, goal.applies(enteredAt: context.enteredAt, now: context.now),
            evaluator.matches(goal.rule, facts: context.facts, now: context.now, membership: context.membership)
        {
            return .converted(afterMilliseconds: context.now.millisecondsSinceEpoch - context.enteredAt.millisecondsSinceEpoch)
        }
        return nil
    }

    /// The arm a run with `seed` takes at split `node`: a bucket 0…99 from the seed mixed with the node's id (so
    /// two splits of one run are independent), then the arms' cumulative percentages in order. The same run always
    /// takes the same arm; over many runs each arm gets its percentage.
    public static func arm(of arms: [JourneySplitArm], node: String, seed: UInt64) -> JourneySplitArm? {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in node.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var random = SplitMix64(seed: seed ^ hash)
        let bucket = Int(random.next() % 100)
        var upTo = 0
        for arm in arms {
            upTo += arm.percent
            if bucket < upTo { return arm }
        }
        return nil
    }
}
