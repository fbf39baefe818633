/// The JSON form of a definition (shape documented on `JourneyDefinition`).
extension JourneyDefinition {
    /// Reads a definition, refusing unknown members and wrong types at their paths. It does not validate the
    /// graph or what it names: `JourneyValidator` does, with the workspace's catalog.
    public init(json: JSONValue) throws(JourneyError) {
        let root = try JourneyJSON.object(json, path: "", what: "a journey")
        try root.allow(["name", "trigger", "start", "nodes", "goal", "reentry", "maxConcurrentRuns", "exitWhen"])
        name = try root.string("name")
        trigger = try JourneyJSON.trigger(try root.required("trigger"))
        start = try root.string("start")
        var nodes: [JourneyNode] = []
        for (index, element) in try root.array("nodes").enumerated() {
            nodes.append(try JourneyJSON.node(element, index: index))
        }
        self.nodes = nodes
        if let goal = root.optional("goal") {
            let node = try JourneyJSON.object(goal, path: "goal", what: "a goal")
            try node.allow(["rule", "withinDays"])
            self.goal = JourneyGoal(
                rule: try JourneyJSON.rule(try node.required("rule"), path: "goal.rule"),
                withinDays: try node.optionalInt("withinDays"))
        } else {
            goal = nil
        }
        reentry = root.optional("reentry") == nil ? .once : try root.word("reentry", as: JourneyReentry.self)
        maxConcurrentRuns = try root.optionalInt("maxConcurrentRuns")
        if let rule = root.optional("exitWhen") {
            exitWhen = try JourneyJSON.rule(rule, path: "exitWhen")
        } else {
            exitWhen = nil
        }
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name), "trigger": JourneyJSON.json(trigger), "start": .string(start),
            "nodes": .array(nodes.map(JourneyJSON.json)), "reentry": .string(reentry.rawValue),
        ]
        if let goal {
            var goalMembers: [String: JSONValue] = ["rule": goal.rule.json]
            if let days = goal.withinDays { goalMembers["withinDays"] = .int(Int64(days)) }
            members["goal"] = .object(goalMembers)
        }
        if let cap = maxConcurrentRuns { members["maxConcurrentRuns"] = .int(Int64(cap)) }
        if let exitWhen { members["exitWhen"] = exitWhen.json }
        return .object(members)
    }
}

/// Reading and writing the members of a definition.
struct JourneyJSON {
    let members: [String: JSONValue]
    let path: String
    let what: String

    static func object(_ json: JSONValue, path: String, what: String) throws(JourneyError) -> JourneyJSON {
        guard case .object(let members) = json else {
            throw JourneyError(.wrongType, path: path, "\(what) must be an object, got \(json.kindName)")
        }
        return JourneyJSON(members: members, path: path, what: what)
    }

    func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func allow(_ fields: Set<String>) throws(JourneyError) {
        if let unknown = members.keys.filter({ !fields.contains($0) }).sorted().first {
            throw JourneyError(
                .unknownField, path: at(unknown),
                "unknown field \"\(unknown)\" in \(what) (allowed: \(fields.sorted().joined(separator: ", ")))")
        }
    }

    func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    func required(_ key: String) throws(JourneyError) -> JSONValue {
        guard let value = optional(key) else { throw JourneyError(.missingField, path: at(key), "\(what) needs \"\(key)\"") }
        return value
    }

    func string(_ key: String) throws(JourneyError) -> String {
        let value = try required(key)
        guard case .string(let text) = value else {
            throw JourneyError(.wrongType, path: at(key), "\"\(key)\" must be a string, got \(value.kindName)")
        }
        return text
    }

    func optionalString(_ key: String) throws(JourneyError) -> String? {
        guard optional(key) != nil else { return nil }
        return try string(key)
    }

    func int64(_ key: String) throws(JourneyError) -> Int64 {
        let value = try required(key)
        switch value {
        case .int(let i): return i
        case .double(let d) where d.isFinite && d == d.rounded() && abs(d) < 9e18: return Int64(d)
        default: throw JourneyError(.wrongType, path: at(key), "\"\(key)\" must be an integer, got \(value.kindName)")
        }
    }

    func int(_ key: String) throws(JourneyError) -> Int {
        let value = try int64(key)
        guard let result = Int(exactly: value), abs(result) <= 1 << 40 else {
            throw JourneyError(.wrongType, path: at(key), "\"\(key)\" is out of range")
        }
        return result
    }

    func optionalInt(_ key: String) throws(JourneyError) -> Int? {
        guard optional(key) != nil else { return nil }
        return try int(key)
    }

    func array(_ key: String) throws(JourneyError) -> [JSONValue] {
        let value = try required(key)
        guard case .array(let elements) = value else {
            throw JourneyError(.wrongType, path: at(key), "\"\(key)\" must be an array, got \(value.kindName)")
        }
        return elements
    }

    func word<T: RawRepresentable<String> & CaseIterable>(_ key: String, as type: T.Type) throws(JourneyError) -> T {
        let raw = try string(key)
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw JourneyError(.wrongType, path: at(key), "unknown \"\(key)\" \"\(raw)\"; use one of \(allowed)")
        }
        return value
    }

    func time(_ key: String) throws(JourneyError) -> TimeOfDay {
        let text = try string(key)
        guard let time = TimeOfDay(text) else {
            throw JourneyError(.wrongType, path: at(key), "\"\(key)\" is a time of day as HH:mm (00:00 to 23:59), got \"\(text)\"")
        }
        return time
    }

    /// ISO weekday numbers; absent means every day.
    func weekdays(_ key: String) throws(JourneyError) -> Set<Weekday> {
        guard optional(key) != nil else { return Weekday.all }
        var result: Set<Weekday> = []
        for (index, element) in try array(key).enumerated() {
            guard case .int(let number) = element, let day = Weekday(rawValue: Int(number)) else {
                throw JourneyError(
                    .wrongType, path: "\(at(key))[\(index)]", "a weekday is a number from 1 (Monday) to 7 (Sunday)")
            }
            result.insert(day)
        }
        return result
    }

    /// Property filters, read by the segment rule JSON form (a `performed` condition carrying them) so that they
    /// mean exactly what they mean in a segment.
    func filters(_ key: String) throws(JourneyError) -> [SegmentCondition.PropertyFilter] {
        guard let value = optional(key) else { return [] }
        let carrier: JSONValue = ["type": "performed", "event": "e", "op": "at_least", "count": 1, "where": value]
        do {
            guard case .condition(.performed(let frequency)) = try SegmentRule(json: carrier) else { return [] }
            return frequency.filters
        } catch {
            var path = at(key)
            if error.path.hasPrefix("where") { path += error.path.dropFirst("where".count) }
            throw JourneyError(.invalidRule, path: path, "\(error.code.rawValue): \(error.message)")
        }
    }

    static func rule(_ json: JSONValue, path: String) throws(JourneyError) -> SegmentRule {
        do {
            return try SegmentRule(json: json)
        } catch {
            let full = error.path.isEmpty ? path : "\(path).\(error.path)"
            throw JourneyError(.invalidRule, path: full, "\(error.code.rawValue): \(error.message)")
        }
    }

    static func filtersJSON(_ filters: [SegmentCondition.PropertyFilter]) -> JSONValue? {
        guard !filters.isEmpty else { return nil }
        return SegmentRule.condition(.performed(SegmentCondition.EventFrequency(event: "e", filters: filters))).json["where"]
    }

    // MARK: Triggers

    static func trigger(_ json: JSONValue) throws(JourneyError) -> JourneyTrigger {
        let node = try object(json, path: "trigger", what: "a trigger")
        switch try node.string("type") {
        case "event":
            try node.allow(["type", "event", "where", "dedupeKey"])
            return .event(
                name: try node.string("event"), filters: try node.filters("where"),
                dedupeKey: try node.optionalString("dedupeKey"))
        case "segment":
            try node.allow(["type", "segment", "on"])
            return .segment(id: try node.string("segment"), try node.word("on", as: JourneyTrigger.SegmentTransition.self))
        case "date_trait":
            try node.allow(["type", "trait", "offsetDays", "at", "recurrence"])
            return .dateTrait(try node.dateSchedule())
        case "schedule":
            try node.allow(["type", "weekdays", "at", "segment"])
            return .schedule(weekdays: try node.weekdays("weekdays"), at: try node.time("at"), segment: try node.string("segment"))
        case "manual":
            try node.allow(["type"])
            return .manual
        case let other:
            throw JourneyError(
                .invalidTrigger, path: "trigger.type",
                "unknown trigger type \"\(other)\"; use event, segment, date_trait, schedule or manual")
        }
    }

    func dateSchedule() throws(JourneyError) -> DateTraitSchedule {
        DateTraitSchedule(
            trait: try string("trait"), offsetDays: try optionalInt("offsetDays") ?? 0, at: try time("at"),
            recurrence: optional("recurrence") == nil ? .yearly : try word("recurrence", as: DateTraitSchedule.Recurrence.self))
    }

    static func json(_ trigger: JourneyTrigger) -> JSONValue {
        var members: [String: JSONValue] = ["type": .string(trigger.typeName)]
        switch trigger {
        case .event(let name, let filters, let dedupeKey):
            members["event"] = .string(name)
            members["where"] = filtersJSON(filters)
            members["dedupeKey"] = dedupeKey.map(JSONValue.string)
        case .segment(let id, let transition):
            members["segment"] = .string(id)
            members["on"] = .string(transition.rawValue)
        case .dateTrait(let schedule):
            members.merge(json(schedule)) { $1 }
        case .schedule(let weekdays, let at, let segment):
            if weekdays != Weekday.all { members["weekdays"] = json(weekdays) }
            members["at"] = .string(at.description)
            members["segment"] = .string(segment)
        case .manual:
            break
        }
        return .object(members)
    }

    static func json(_ schedule: DateTraitSchedule) -> [String: JSONValue] {
        var members: [String: JSONValue] = ["trait": .string(schedule.trait), "at": .string(schedule.at.description)]
        if schedule.offsetDays != 0 { members["offsetDays"] = .int(Int64(schedule.offsetDays)) }
        if schedule.recurrence != .yearly { members["recurrence"] = .string(schedule.recurrence.rawValue) }
        return members
    }

    static func json(_ weekdays: Set<Weekday>) -> JSONValue {
        .array(weekdays.sorted().map { .int(Int64($0.rawValue)) })
    }

    // MARK: Nodes

    static func node(_ json: JSONValue, index: Int) throws(JourneyError) -> JourneyNode {
        let position = "nodes[\(index)]"
        let shape = try object(json, path: position, what: "a node")
        let id = try shape.string("id")
        let node = JourneyJSON(
            members: shape.members, path: JourneyDefinition.isValidNodeID(id) ? "nodes.\(id)" : position,
            what: "node \"\(id)\"")
        func target(_ key: String) throws(JourneyError) -> String? { try node.optionalString(key) }
        switch try node.string("type") {
        case "delay":
            let delay: JourneyDelay
            switch try node.optionalString("until") {
            case nil:
                try node.allow(["id", "type", "seconds", "next"])
                delay = .duration(seconds: try node.int64("seconds"))
            case "time_of_day":
                try node.allow(["id", "type", "until", "at", "weekdays", "next"])
                delay = .untilTimeOfDay(try node.time("at"), weekdays: try node.weekdays("weekdays"))
            case "date_trait":
                try node.allow(["id", "type", "until", "trait", "offsetDays", "at", "recurrence", "next"])
                delay = .untilDateTrait(try node.dateSchedule())
            case let other?:
                throw JourneyError(
                    .wrongType, path: node.at("until"),
                    "unknown \"until\" \"\(other)\"; use time_of_day or date_trait, or \"seconds\" without \"until\"")
            }
            return JourneyNode(id, .delay(delay, next: try target("next")))
        case "wait_for_event":
            try node.allow(["id", "type", "event", "where", "timeoutSeconds", "onEvent", "onTimeout"])
            return JourneyNode(
                id,
                .waitForEvent(
                    JourneyEventWait(
                        event: try node.string("event"), filters: try node.filters("where"),
                        timeoutSeconds: try node.int64("timeoutSeconds"), onEvent: try target("onEvent"),
                        onTimeout: try target("onTimeout"))))
        case "condition":
            try node.allow(["id", "type", "rule", "then", "else"])
            return JourneyNode(
                id,
                .condition(
                    try rule(try node.required("rule"), path: node.at("rule")), then: try target("then"),
                    else: try target("else")))
        case "split":
            try node.allow(["id", "type", "arms"])
            var arms: [JourneySplitArm] = []
            for (index, element) in try node.array("arms").enumerated() {
                let arm = try object(element, path: node.at("arms[\(index)]"), what: "an arm")
                try arm.allow(["name", "percent", "next"])
                arms.append(JourneySplitArm(try arm.string("name"), percent: try arm.int("percent"), next: try arm.optionalString("next")))
            }
            return JourneyNode(id, .split(arms))
        case "action":
            try node.allow(["id", "type", "action", "next"])
            let action = try object(try node.required("action"), path: node.at("action"), what: "an action")
            var parameters = action.members
            parameters["type"] = nil
            return JourneyNode(
                id, .action(JourneyAction(type: try action.string("type"), parameters: parameters), next: try target("next")))
        case "exit":
            try node.allow(["id", "type"])
            return JourneyNode(id, .exit)
        case let other:
            throw JourneyError(
                .unknownNodeType, path: node.at("type"),
                "unknown node type \"\(other)\"; use delay, wait_for_event, condition, split, action or exit")
        }
    }

    static func json(_ node: JourneyNode) -> JSONValue {
        var members: [String: JSONValue] = ["id": .string(node.id), "type": .string(node.typeName)]
        switch node.kind {
        case .delay(let delay, let next):
            switch delay {
            case .duration(let seconds):
                members["seconds"] = .int(seconds)
            case .untilTimeOfDay(let time, let weekdays):
                members["until"] = "time_of_day"
                members["at"] = .string(time.description)
                if weekdays != Weekday.all { members["weekdays"] = json(weekdays) }
            case .untilDateTrait(let schedule):
                members["until"] = "date_trait"
                members.merge(json(schedule)) { $1 }
            }
            members["next"] = next.map(JSONValue.string)
        case .waitForEvent(let wait):
            members["event"] = .string(wait.event)
            members["where"] = filtersJSON(wait.filters)
            members["timeoutSeconds"] = .int(wait.timeoutSeconds)
            members["onEvent"] = wait.onEvent.map(JSONValue.string)
            members["onTimeout"] = wait.onTimeout.map(JSONValue.string)
        case .condition(let rule, let then, let otherwise):
            members["rule"] = rule.json
            members["then"] = then.map(JSONValue.string)
            members["else"] = otherwise.map(JSONValue.string)
        case .split(let arms):
            members["arms"] = .array(
                arms.map { arm in
                    var armMembers: [String: JSONValue] = ["name": .string(arm.name), "percent": .int(Int64(arm.percent))]
                    armMembers["next"] = arm.next.map(JSONValue.string)
                    return .object(armMembers)
                })
        case .action(let action, let next):
            members["action"] = .object(action.parameters.merging(["type": .string(action.type)]) { $1 })
            members["next"] = next.map(JSONValue.string)
        case .exit:
            break
        }
        return .object(members)
    }
}
