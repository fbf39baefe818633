import PondCore

/// A segment rule as a request gives it: `rule` (the JSON form) or `ruleText` (the text form), exactly one, with
/// the member it came in (errors name it).
enum RuleInput {
    /// The rule in the body, parsed and validated; nil when the body has neither member.
    static func read(_ body: BodyFields) throws -> (rule: SegmentRule, field: String)? {
        switch (body.has("rule"), body.has("ruleText")) {
        case (true, true):
            throw APIError.badRequest("give the rule either as 'rule' (JSON form) or as 'ruleText' (text form), not both")
        case (true, false):
            do {
                return (try SegmentRule(json: body.members["rule"]!), "rule")
            } catch {
                throw DefinitionError(error, field: "rule")
            }
        case (false, true):
            guard let text = body.members["ruleText"]?.stringValue else {
                throw APIError.badRequest("'ruleText' must be a string")
            }
            guard text.utf8.count <= 100_000 else { throw APIError.badRequest("'ruleText' is longer than 100000 bytes") }
            do {
                return (try SegmentRule(text: text), "ruleText")
            } catch {
                throw DefinitionError(error, field: "ruleText")
            }
        case (false, false):
            return nil
        }
    }

    static func require(_ body: BodyFields) throws -> (rule: SegmentRule, field: String) {
        guard let rule = try read(body) else {
            throw APIError.badRequest("a rule is required: 'rule' (JSON form) or 'ruleText' (text form)")
        }
        return rule
    }
}
