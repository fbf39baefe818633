import PondCore
import Testing

@Suite("Tag rule policy")
struct TagRulePolicyTests {
    static let at = Instant(millisecondsSinceEpoch: 0)

    static func rule(_ action: TagRule.Action, id: String = "r1") throws -> TagRule {
        TagRule(id: id, name: id, tag: "会员", action: action, rule: try SegmentRule(text: "has tag \"x\""), createdAt: at, updatedAt: at)
    }

    static func tag(_ source: TagSource, _ reference: String?) -> ProfileTag {
        ProfileTag(tag: "会员", source: source, sourceRef: reference, taggedAt: at)
    }

    /// Every combination of action, condition and tag state, against the semantics written out case by case.
    @Test func decidesEveryCase() throws {
        let states: [(String, ProfileTag?)] = [
            ("absent", nil), ("this rule's", Self.tag(.rule, "r1")), ("another rule's", Self.tag(.rule, "r2")),
            ("an operator's", Self.tag(.manual, "key:k")), ("an import's", Self.tag(.import, nil)),
            ("a channel's", Self.tag(.channel, "qr-1")),
        ]
        for action in [TagRule.Action.add, .remove] {
            for holds in [true, false] {
                for (name, current) in states {
                    let expected: TagRuleDecision =
                        switch (action, holds) {
                        case (.add, true): current == nil ? .add : .keep
                        case (.add, false): name == "this rule's" ? .withdraw : .keep
                        case (.remove, true): current == nil ? .keep : .remove
                        case (.remove, false): .keep
                        }
                    let decided = TagRulePolicy.decide(try Self.rule(action), holds: holds, current: current)
                    #expect(decided == expected, "\(action) rule, holds \(holds), tag \(name)")
                }
            }
        }
    }
}
