/// What an auto-tag rule does to one profile's tag: the one statement of add/withdraw/remove semantics, used by the
/// real-time refresh of a profile and by the full sweep of a workspace alike.
///
/// - An `add` rule puts its tag on whoever it holds for. When it stops holding, it takes the tag off again only if
///   it put it there itself (source `rule`, its id as the reference): a tag an operator, an import or another rule
///   put on is theirs.
/// - A `remove` rule takes its tag off whoever it holds for, whatever put it there.
public enum TagRuleDecision: Sendable, Equatable {
    case add
    case withdraw
    case remove
    case keep
}

public enum TagRulePolicy {
    /// - Parameters:
    ///   - holds: whether the rule's condition holds for the profile now.
    ///   - current: the profile's tag named by the rule, if it has it.
    public static func decide(_ rule: TagRule, holds: Bool, current: ProfileTag?) -> TagRuleDecision {
        switch rule.action {
        case .add where holds && current == nil:
            return .add
        case .add where !holds && current.map({ $0.source == .rule && $0.sourceRef == rule.id }) == true:
            return .withdraw
        case .remove where holds && current != nil:
            return .remove
        default:
            return .keep
        }
    }
}
