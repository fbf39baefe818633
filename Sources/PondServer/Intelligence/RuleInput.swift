import PondCore

/// A segment rule as a request gives it: `rule` (the JSON form) or `ruleText` (the text form), exactly one.
enum RuleInput {
    /// The rule in the body, parsed and validated; nil when the body has neither member.
    static func read(_ body: BodyFields) throws -> SegmentRule? {
        switch (body.has("rule"), body.has("ruleText")) {
        case (true, true):
            throw APIError.badRequest("give the rule either as 'rule' (JSON form) or as 'ruleText' (text form), not both")
        case (true, false):
            do {
                return try SegmentRule(json: body.members["rule"]!)
            } catch {
                throw apiError(error, field: "rule")
            }
        case (false, true):
            guard let text = body.members["ruleText"]?.stringValue else {
                throw APIError.badRequest("'ruleText' must be a string")
            }
            guard text.utf8.count <= 100_000 else { throw APIError.badRequest("'ruleText' is longer than 100000 bytes") }
            do {
                return try SegmentRule(text: text)
            } catch {
                throw apiError(error, field: "ruleText")
            }
        case (false, false):
            return nil
        }
    }

    static func require(_ body: BodyFields) throws -> SegmentRule {
        guard let rule = try read(body) else {
            throw APIError.badRequest("a rule is required: 'rule' (JSON form) or 'ruleText' (text form)")
        }
        return rule
    }

    /// 400 with the rule error's stable code, its message, the path of the offending node (empty for the root) and,
    /// for the text form, the character offset.
    static func apiError(_ error: SegmentRuleError, field: String?) -> APIError {
        var apiError = APIError(.badRequest, error.code.rawValue, error.message)
        apiError.extra["path"] = .string(error.path)
        if let offset = error.offset { apiError.extra["offset"] = .int(Int64(offset)) }
        if let field { apiError.extra["field"] = .string(field) }
        return apiError
    }

    static func render(_ rule: SegmentRule?) -> (json: JSONValue, text: JSONValue) {
        guard let rule else { return (.null, .null) }
        return (rule.json, .string(rule.text))
    }
}
