/// A journey (旅程, an SOP): a trigger that enters profiles, a graph of nodes they move through, a goal that counts
/// a conversion, and the rules about entering again.
///
/// Definitions are versioned by the engine: a run keeps the version it entered with, so editing a journey never
/// moves a waiting profile onto a node that no longer exists. Everything here is a value; `JourneyValidator`
/// checks a definition against the workspace before it is saved, and `JourneyStep` decides what a run does next.
///
/// ## JSON form
/// ```
/// journey  = {"name": string, "trigger": trigger, "start": node-id, "nodes": [node, …],
///             "goal"?: {"rule": segment-rule, "withinDays"?: int},
///             "reentry"?: "once" | "after_exit" | "always",            (* default "once" *)
///             "maxConcurrentRuns"?: int, "exitWhen"?: segment-rule}
/// trigger  = {"type": "event", "event": name, "where"?: [filter, …], "dedupeKey"?: property}
///          | {"type": "segment", "segment": id, "on": "entered" | "exited"}
///          | {"type": "date_trait", …date}
///          | {"type": "schedule", "weekdays"?: [1…7, …], "at": "HH:mm", "segment": id}   (* no weekdays: daily *)
///          | {"type": "manual"}
/// date     = "trait": key, "offsetDays"?: int, "at": "HH:mm", "recurrence"?: "yearly" | "once"
/// node     = {"id": node-id, "type": "delay", "seconds": int, "next": node-id}
///          | {"id": …, "type": "delay", "until": "time_of_day", "at": "HH:mm", "weekdays"?: [1…7, …], "next": …}
///          | {"id": …, "type": "delay", "until": "date_trait", …date, "next": …}
///          | {"id": …, "type": "wait_for_event", "event": name, "where"?: [filter, …], "timeoutSeconds": int,
///             "onEvent": node-id, "onTimeout": node-id}
///          | {"id": …, "type": "condition", "rule": segment-rule, "then": node-id, "else": node-id}
///          | {"id": …, "type": "split", "arms": [{"name": string, "percent": int, "next": node-id}, …]}
///          | {"id": …, "type": "action", "action": {"type": action-type, …parameters}, "next": node-id}
///          | {"id": …, "type": "exit"}
/// filter   = a property filter of the segment rule JSON form: {"key": name, "op": …, …}
/// ```
/// Weekdays are ISO numbers (Monday 1 … Sunday 7). Optional members may be `null`; a node target may be `null`
/// while a journey is drafted, and validation refuses it. Unknown members are refused everywhere.
public struct JourneyDefinition: Sendable, Hashable {
    public var name: String
    public var trigger: JourneyTrigger
    public var start: String
    /// In the author's order, which is the order the API returns and problems are reported in.
    public var nodes: [JourneyNode]
    public var goal: JourneyGoal?
    public var reentry: JourneyReentry
    /// At most this many runs of the journey in progress at once (a cap on a campaign's reach); `nil`: no cap.
    public var maxConcurrentRuns: Int?
    /// Leaves the journey, without counting a conversion, as soon as this holds (unsubscribed, became staff).
    public var exitWhen: SegmentRule?

    public init(
        name: String, trigger: JourneyTrigger, start: String, nodes: [JourneyNode], goal: JourneyGoal? = nil,
        reentry: JourneyReentry = .once, maxConcurrentRuns: Int? = nil, exitWhen: SegmentRule? = nil
    ) {
        self.name = name
        self.trigger = trigger
        self.start = start
        self.nodes = nodes
        self.goal = goal
        self.reentry = reentry
        self.maxConcurrentRuns = maxConcurrentRuns
        self.exitWhen = exitWhen
    }

    public enum Limits {
        public static let maximumNodes = 200
        public static let maximumNodeIDBytes = 64
        public static let maximumNameBytes = 200
        public static let maximumArms = 10
        /// Three years: the longest sensible wait (a filter replaced every six months, a warranty, an annual
        /// renewal); anything longer is a unit mistake (milliseconds typed as seconds).
        public static let maximumWaitSeconds: Int64 = 3 * 366 * 86_400
        public static let goalWindowDays = 1...3650
    }

    /// The node with `id`, if any (the first, if a draft has two).
    public func node(_ id: String) -> JourneyNode? { nodes.first { $0.id == id } }

    /// 1…64 of ASCII letters, digits, `_` and `-`: ids appear in paths (`nodes.welcome.next`) and timer keys.
    public static func isValidNodeID(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...Limits.maximumNodeIDBytes).contains(bytes.count)
            && bytes.allSatisfy {
                (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F
                    || $0 == 0x2D
            }
    }

    /// 1…200 bytes and not only whitespace.
    public static func isValidName(_ name: String) -> Bool {
        name.utf8.count <= Limits.maximumNameBytes && !name.allSatisfy(\.isWhitespace)
    }

    /// What the journey names, for the definition services' "still in use" checks.
    public func references(actions: JourneyActionRegistry = .builtIn) -> JourneyReferences {
        var result = JourneyReferences()
        func add(_ rule: SegmentRule?) {
            guard let rule else { return }
            result.formUnion(
                JourneyReferences(
                    tags: rule.referencedTags, segments: rule.referencedSegments, traits: rule.referencedTraits,
                    events: rule.referencedEvents))
        }
        switch trigger {
        case .event(let name, _, _): result.events.insert(name)
        case .segment(let id, _), .schedule(_, _, let id): result.segments.insert(id)
        case .dateTrait(let schedule): result.traits.insert(schedule.trait)
        case .manual: break
        }
        add(goal?.rule)
        add(exitWhen)
        for node in nodes {
            switch node.kind {
            case .condition(let rule, _, _): add(rule)
            case .waitForEvent(let wait): result.events.insert(wait.event)
            case .delay(.untilDateTrait(let schedule), _): result.traits.insert(schedule.trait)
            case .action(let action, _):
                if let kind = actions[action.type] { result.formUnion(kind.references(action.parameters)) }
            default: break
            }
        }
        return result
    }
}

/// The goal of a journey (转化目标): when its rule holds for a run's profile, the run leaves the journey and counts
/// as a conversion, with the time from entry. With `withinDays`, only within that many days of entry; after it
/// the goal is no longer checked and the run goes on as if there were none.
///
/// The rule is evaluated on the profile as it is, so a rule true before entry converts at once (`performed
/// "Order Completed"` with no window matches an old order); write goals about what happens after entry, with
/// a window (`performed "Order Completed" in 7d`).
public struct JourneyGoal: Sendable, Hashable {
    public var rule: SegmentRule
    public var withinDays: Int?

    public init(rule: SegmentRule, withinDays: Int? = nil) {
        self.rule = rule
        self.withinDays = withinDays
    }

    /// Whether the goal is checked at `now` for a run that entered at `enteredAt`.
    public func applies(enteredAt: Instant, now: Instant) -> Bool {
        guard let withinDays else { return true }
        return now <= enteredAt.adding(days: withinDays)
    }
}

/// Whether a profile may enter a journey again.
public enum JourneyReentry: String, Sendable, Hashable, CaseIterable {
    /// Never again once entered (a welcome series).
    case once
    /// Again after its previous run has ended (a birthday, yearly; a dormant customer who woke and slept again).
    case afterExit = "after_exit"
    /// Every time the trigger fires, even with a run in progress (each abandoned cart has its own run).
    case always
}
