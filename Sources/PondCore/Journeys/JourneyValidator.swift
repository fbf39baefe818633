/// Checks a journey before anything is saved: its graph, every node, and that everything it names exists.
///
/// **The graph.** At most 200 nodes with well-formed, unique ids; `start` names one of them; every edge names a
/// node of the journey.
/// - `journey_unreachable_node`: a node no path from `start` reaches.
/// - `journey_loop_without_wait`: a cycle none of whose nodes is a delay or a wait-for-event. Cycles through a
///   wait are allowed ("every Monday until they buy"); one without would spin a run forever within one step.
///   Found as a cycle among the non-waiting nodes only, so a cycle that avoids the delay of a larger loop is
///   still caught.
/// - `journey_branch_without_exit`, decided as: (a) an edge without a target — a `next`, `then`, `else`,
///   `onEvent`, `onTimeout` or arm left `null`; or (b) a node reachable from `start` from which no path reaches
///   an `exit` node (a delay loop nothing leaves). Every path need not end — a loop with a way out is fine — but
///   every node must have a way out. (b) treats a missing target as a way out, so one dangling edge is reported
///   once, at the edge, not again at every node before it.
///
/// **Nodes.** Delays are 1 s … 3 years, a time-of-day delay needs at least one weekday, a date-trait delay a known
/// trait and an offset within ±366 days; a wait needs an event name (known, when the catalog lists events), valid
/// property filters and a timeout of 1 s … 3 years; a split 2…10 arms with distinct names and percentages 0…100
/// summing to 100; a condition a rule whose segments and tags exist; an action a registered type whose kind
/// accepts its parameters (templates exist, have a body for the channel, and use only variables the journey can
/// fill — `{{event.*}}` only with an event trigger, traits the workspace knows or the journey sets itself).
///
/// Problems come in a stable order: the journey's own members, the trigger, then nodes in definition order, then
/// the graph's findings in node order.
public enum JourneyValidator {
    public static func problems(
        _ definition: JourneyDefinition, catalog: JourneyCatalog, actions: JourneyActionRegistry = .builtIn
    ) -> [JourneyError] {
        var checker = JourneyChecker(definition: definition, catalog: catalog, actions: actions)
        checker.run()
        return checker.problems
    }

    /// Throws the first of `problems`.
    public static func validate(
        _ definition: JourneyDefinition, catalog: JourneyCatalog, actions: JourneyActionRegistry = .builtIn
    ) throws(JourneyError) {
        if let first = problems(definition, catalog: catalog, actions: actions).first { throw first }
    }
}

private struct JourneyChecker {
    typealias Limits = JourneyDefinition.Limits

    let definition: JourneyDefinition
    let catalog: JourneyCatalog
    let actions: JourneyActionRegistry
    var problems: [JourneyError] = []

    /// The catalog actions see: the workspace's, plus the traits the journey's own `set_trait` actions write, so
    /// a message after "set onboarding_step" may say `{{onboarding_step}}`.
    let actionCatalog: JourneyCatalog

    init(definition: JourneyDefinition, catalog: JourneyCatalog, actions: JourneyActionRegistry) {
        self.definition = definition
        self.catalog = catalog
        self.actions = actions
        var actionCatalog = catalog
        for node in definition.nodes {
            if case .action(let action, _) = node.kind, let set = SetTraitAction(action) { actionCatalog.traitKeys.insert(set.key) }
        }
        self.actionCatalog = actionCatalog
    }

    mutating func report(_ code: JourneyError.Code, _ path: String, _ message: String) {
        problems.append(JourneyError(code, path: path, message))
    }

    mutating func run() {
        checkJourney()
        checkTrigger()
        guard definition.nodes.count <= Limits.maximumNodes else {
            report(
                .tooManyNodes, "nodes",
                "a journey has at most \(Limits.maximumNodes) nodes, got \(definition.nodes.count); split it into journeys")
            return
        }
        var ids: Set<String> = []
        var checked: [Int] = []
        for (index, node) in definition.nodes.enumerated() {
            guard JourneyDefinition.isValidNodeID(node.id) else {
                report(.invalidNodeID, "nodes[\(index)].id", "a node id is 1 to 64 of letters, digits, _ and -, got \"\(node.id)\"")
                continue
            }
            guard ids.insert(node.id).inserted else {
                report(.duplicateNode, "nodes[\(index)].id", "another node is already called \"\(node.id)\"")
                continue
            }
            checked.append(index)
        }
        for index in checked {
            let node = definition.nodes[index]
            check(node, path: "nodes.\(node.id)", ids: ids)
        }
        guard ids.contains(definition.start) else {
            report(
                .missingStart, "start",
                definition.start.isEmpty ? "a journey needs a start node" : "there is no node \"\(definition.start)\" to start at")
            return
        }
        checkGraph()
    }

    // MARK: The journey's own members

    mutating func checkJourney() {
        if !JourneyDefinition.isValidName(definition.name) {
            report(.invalidName, "name", "a journey's name is 1 to 200 bytes, not blank")
        }
        if let goal = definition.goal {
            checkRule(goal.rule, path: "goal.rule", code: .invalidGoal)
            if let days = goal.withinDays, !Limits.goalWindowDays.contains(days) {
                report(.invalidGoal, "goal.withinDays", "a goal's window is 1 to 3650 days, got \(days)")
            }
        }
        if let rule = definition.exitWhen { checkRule(rule, path: "exitWhen", code: .invalidRule) }
        if let cap = definition.maxConcurrentRuns, cap < 1 {
            report(.invalidReentry, "maxConcurrentRuns", "a cap on runs in progress is at least 1, got \(cap)")
        }
    }

    mutating func checkTrigger() {
        switch definition.trigger {
        case .event(let name, let filters, let dedupeKey):
            checkEvent(name, path: "trigger.event", code: .invalidTrigger)
            checkFilters(filters, path: "trigger.where")
            if let key = dedupeKey, !JourneyDefinition.isValidName(key) {
                report(.invalidTrigger, "trigger.dedupeKey", "a dedupe key names an event property, 1 to 200 bytes")
            }
        case .segment(let id, _):
            checkSegment(id, path: "trigger.segment")
        case .dateTrait(let schedule):
            checkSchedule(schedule, path: "trigger", code: .invalidTrigger)
        case .schedule(let weekdays, let at, let segment):
            if weekdays.isEmpty {
                report(.invalidTrigger, "trigger.weekdays", "a schedule needs at least one weekday; leave it out for every day")
            }
            if !at.isValid { report(.invalidTrigger, "trigger.at", "a time of day runs from 00:00 to 23:59") }
            checkSegment(segment, path: "trigger.segment")
        case .manual:
            break
        }
    }

    // MARK: Nodes

    mutating func check(_ node: JourneyNode, path: String, ids: Set<String>) {
        for (member, target) in node.edges {
            if let target, !ids.contains(target) {
                var message = "there is no node \"\(target)\""
                if let near = NameSuggestion.closest(to: target, among: ids) { message += "; did you mean \"\(near)\"?" }
                report(.unknownNode, "\(path).\(member)", message)
            } else if target == nil {
                report(.branchWithoutExit, "\(path).\(member)", "this branch leads nowhere; connect it to a node (an exit to end)")
            }
        }
        switch node.kind {
        case .delay(let delay, _):
            switch delay {
            case .duration(let seconds):
                if seconds <= 0 {
                    report(.invalidDelay, "\(path).seconds", "a delay is at least 1 second, got \(seconds)")
                } else if seconds > Limits.maximumWaitSeconds {
                    report(.invalidDelay, "\(path).seconds", "a delay is at most 3 years (\(Limits.maximumWaitSeconds) seconds), got \(seconds)")
                }
            case .untilTimeOfDay(let time, let weekdays):
                if !time.isValid { report(.invalidDelay, "\(path).at", "a time of day runs from 00:00 to 23:59") }
                if weekdays.isEmpty {
                    report(.invalidDelay, "\(path).weekdays", "a delay until a time of day needs at least one weekday")
                }
            case .untilDateTrait(let schedule):
                checkSchedule(schedule, path: path, code: .invalidDelay)
            }
        case .waitForEvent(let wait):
            checkEvent(wait.event, path: "\(path).event", code: .invalidWait)
            checkFilters(wait.filters, path: "\(path).where")
            if wait.timeoutSeconds <= 0 || wait.timeoutSeconds > Limits.maximumWaitSeconds {
                report(.invalidWait, "\(path).timeoutSeconds", "a wait's timeout is 1 second to 3 years, got \(wait.timeoutSeconds)")
            }
        case .condition(let rule, _, _):
            checkRule(rule, path: "\(path).rule", code: .invalidRule)
        case .split(let arms):
            checkSplit(arms, path: path)
        case .action(let action, _):
            let actionPath = "\(path).action"
            guard let kind = actions[action.type] else {
                var message = "no action \"\(action.type)\"; known: \(actions.types.joined(separator: ", "))"
                if let near = NameSuggestion.closest(to: action.type, among: actions.types) { message = "no action \"\(action.type)\"; did you mean \"\(near)\"?" }
                report(.unknownAction, "\(actionPath).type", message)
                return
            }
            do {
                try kind.validate(
                    action.parameters,
                    in: JourneyActionContext(path: actionPath, catalog: actionCatalog, trigger: definition.trigger))
            } catch {
                problems.append(error)
            }
        case .exit:
            break
        }
    }

    mutating func checkSplit(_ arms: [JourneySplitArm], path: String) {
        guard (2...Limits.maximumArms).contains(arms.count) else {
            report(.invalidSplit, "\(path).arms", "a split has 2 to \(Limits.maximumArms) arms, got \(arms.count)")
            return
        }
        var names: Set<String> = []
        for (index, arm) in arms.enumerated() {
            if !JourneyDefinition.isValidName(arm.name) {
                report(.invalidSplit, "\(path).arms[\(index)].name", "an arm needs a name, 1 to 200 bytes")
            } else if !names.insert(arm.name).inserted {
                report(.invalidSplit, "\(path).arms[\(index)].name", "two arms are called \"\(arm.name)\"; results are compared by name")
            }
            if !(0...100).contains(arm.percent) {
                report(.invalidSplit, "\(path).arms[\(index)].percent", "a percentage is 0 to 100, got \(arm.percent)")
            }
        }
        let total = arms.reduce(0) { $0 + $1.percent }
        if total != 100 { report(.invalidSplit, "\(path).arms", "the arms' percentages sum to \(total), not 100") }
    }

    mutating func checkSchedule(_ schedule: DateTraitSchedule, path: String, code: JourneyError.Code) {
        checkTrait(schedule.trait, path: "\(path).trait")
        if !DateTraitSchedule.offsetRange.contains(schedule.offsetDays) {
            report(code, "\(path).offsetDays", "an offset is at most 366 days before or after, got \(schedule.offsetDays)")
        }
        if !schedule.at.isValid { report(code, "\(path).at", "a time of day runs from 00:00 to 23:59") }
    }

    mutating func checkTrait(_ key: String, path: String) {
        guard !catalog.traitKeys.contains(key) else { return }
        var message = "no trait \"\(key)\" is known in this workspace"
        if let near = NameSuggestion.closest(to: key, among: catalog.traitKeys) { message += "; did you mean \"\(near)\"?" }
        report(.unknownTrait, path, message)
    }

    mutating func checkEvent(_ name: String, path: String, code: JourneyError.Code) {
        guard JourneyDefinition.isValidName(name) else {
            report(code, path, "an event name is 1 to 200 bytes, not blank")
            return
        }
        guard let known = catalog.eventNames, !known.contains(name) else { return }
        var message = "no event \"\(name)\" has been seen in this workspace"
        if let near = NameSuggestion.closest(to: name, among: known) { message += "; did you mean \"\(near)\"?" }
        report(.unknownEvent, path, message)
    }

    mutating func checkSegment(_ id: String, path: String) {
        guard !catalog.segments.contains(id) else { return }
        var message = "no segment \"\(id)\""
        if let near = NameSuggestion.closest(to: id, among: catalog.segments) { message += "; did you mean \"\(near)\"?" }
        report(.unknownSegment, path, message)
    }

    mutating func checkFilters(_ filters: [SegmentCondition.PropertyFilter], path: String) {
        guard !filters.isEmpty else { return }
        let carrier = SegmentRule.condition(.performed(SegmentCondition.EventFrequency(event: "e", filters: filters)))
        do {
            try carrier.validate()
        } catch {
            let rest = error.path.hasPrefix("where") ? String(error.path.dropFirst("where".count)) : ""
            report(.invalidRule, path + rest, "\(error.code.rawValue): \(error.message)")
        }
    }

    /// A rule valid by itself whose segments and tags exist. (Stage and layer names are resolved to ids by the
    /// engine with `RuleCatalog.resolve` before a journey is saved, as for segments.)
    mutating func checkRule(_ rule: SegmentRule, path: String, code: JourneyError.Code) {
        do {
            try rule.validate()
        } catch {
            report(code, error.path.isEmpty ? path : "\(path).\(error.path)", "\(error.code.rawValue): \(error.message)")
            return
        }
        for segment in rule.referencedSegments.sorted() where !catalog.segments.contains(segment) {
            report(.unknownSegment, path, "the rule names segment \"\(segment)\", which does not exist")
        }
        for tag in rule.referencedTags.sorted() where !catalog.tags.contains(tag) {
            report(.unknownTag, path, "the rule names tag \"\(tag)\", which does not exist")
        }
    }

    // MARK: The graph

    mutating func checkGraph() {
        let graph = JourneyGraph(definition)
        let reachable = graph.reachable(from: definition.start)
        for node in graph.order where !reachable.contains(node) {
            report(.unreachableNode, "nodes.\(node)", "no path from the start \"\(definition.start)\" reaches this node")
        }
        for cycle in graph.cyclesWithoutWait() where cycle.contains(where: reachable.contains) {
            report(
                .loopWithoutWait, "nodes.\(cycle[0])",
                "the loop \((cycle + [cycle[0]]).joined(separator: " → ")) has no delay or wait, so a run would never stop")
        }
        let canExit = graph.nodesThatCanExit()
        for node in graph.order where reachable.contains(node) && !canExit.contains(node) {
            report(.branchWithoutExit, "nodes.\(node)", "no path from this node reaches an exit")
        }
    }
}
