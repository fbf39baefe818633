/// Why a journey definition was refused. `code` is stable API surface (prefix `journey_`); `path` names the member
/// at fault — `trigger.event`, `nodes.welcome.next`, `nodes.ab.arms[1].percent`, `goal.rule.all[0]` — with nodes
/// named by id (`nodes[3]` only for a node whose id is missing or taken twice); `message` is for people.
///
/// `JourneyValidator.problems` returns every refusal at once, for an editor; reading the JSON form and
/// `JourneyValidator.validate` throw the first.
public struct JourneyError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        // Reading the JSON form.
        case unknownField = "journey_unknown_field"
        case missingField = "journey_missing_field"
        case wrongType = "journey_wrong_type"
        case unknownNodeType = "journey_unknown_node_type"
        /// A condition, goal or property filter that is not a valid segment rule (the message is the rule's).
        case invalidRule = "journey_invalid_rule"
        // The graph.
        case tooManyNodes = "journey_too_many_nodes"
        case invalidNodeID = "journey_invalid_node_id"
        case duplicateNode = "journey_duplicate_node"
        case missingStart = "journey_missing_start"
        /// An edge names a node the journey does not have.
        case unknownNode = "journey_unknown_node"
        case unreachableNode = "journey_unreachable_node"
        /// A cycle none of whose nodes is a delay or a wait: a run would spin without ever stopping.
        case loopWithoutWait = "journey_loop_without_wait"
        /// An edge with no target, or a node from which no path reaches an exit.
        case branchWithoutExit = "journey_branch_without_exit"
        // Nodes.
        case invalidDelay = "journey_invalid_delay"
        case invalidWait = "journey_invalid_wait"
        case invalidSplit = "journey_invalid_split"
        case unknownTemplate = "journey_unknown_template"
        case templateLacksChannel = "journey_template_lacks_channel"
        case unknownVariable = "journey_unknown_variable"
        case unknownSegment = "journey_unknown_segment"
        case unknownTag = "journey_unknown_tag"
        case unknownTrait = "journey_unknown_trait"
        case unknownEvent = "journey_unknown_event"
        case unknownAction = "journey_unknown_action"
        case invalidAction = "journey_invalid_action"
        // The journey as a whole.
        case invalidName = "journey_invalid_name"
        case invalidTrigger = "journey_invalid_trigger"
        case invalidGoal = "journey_invalid_goal"
        case invalidReentry = "journey_invalid_reentry"
    }

    public let code: Code
    public let path: String
    public let message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(code.rawValue) at \(path.isEmpty ? "the root" : path): \(message)" }
}
