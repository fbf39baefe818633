/// The JSON form of a rule (shape documented on `SegmentRule`).
extension SegmentRule {
    /// Reads and validates a rule. Structural problems (`unknown_field`, `missing_field`, `wrong_type`,
    /// `unknown_condition`, `unknown_operator`, `invalid_date`) and `validate()`'s findings name the offending node.
    public init(json: JSONValue) throws(SegmentRuleError) {
        var decoder = SegmentJSONDecoder()
        self = try decoder.rule(json, depth: 1)
        try validate()
    }

    public var json: JSONValue {
        switch self {
        case .all(let rules): return ["type": "all", "rules": .array(rules.map(\.json))]
        case .any(let rules): return ["type": "any", "rules": .array(rules.map(\.json))]
        case .not(let rule): return ["type": "not", "rule": rule.json]
        case .condition(let condition): return .object(SegmentJSONEncoder.members(of: condition))
        }
    }
}

private enum SegmentJSONEncoder {
    static func members(of condition: SegmentCondition) -> [String: JSONValue] {
        switch condition {
        case .trait(let key, let predicate):
            return members(of: predicate).merging(["type": "trait", "key": .string(key)]) { $1 }
        case .hasTag(let tag):
            return ["type": "has_tag", "tag": .string(tag)]
        case .lacksTag(let tag):
            return ["type": "lacks_tag", "tag": .string(tag)]
        case .performed(let frequency):
            var members: [String: JSONValue] = [
                "type": "performed", "event": .string(frequency.event), "op": .string(frequency.bound.rawValue),
                "count": .int(Int64(frequency.count)),
            ]
            if let days = frequency.withinDays { members["days"] = .int(Int64(days)) }
            if !frequency.filters.isEmpty { members["where"] = filters(frequency.filters) }
            return members
        case .eventTime(let time):
            var members: [String: JSONValue] = [
                "type": .string(time.occurrence == .first ? "first_event" : "last_event"),
                "event": .string(time.event), "relation": .string(time.relation.rawValue),
                "days": .int(Int64(time.days)),
            ]
            if !time.filters.isEmpty { members["where"] = filters(time.filters) }
            return members
        case .rfmLayer(let match):
            return members(of: match).merging(["type": "rfm_layer"]) { $1 }
        case .stage(let match):
            return members(of: match).merging(["type": "stage"]) { $1 }
        case .rfmScore(let dimension, let comparator, let score):
            return [
                "type": "rfm_score", "dimension": .string(dimension.rawValue), "op": .string(comparator.rawValue),
                "value": .int(Int64(score)),
            ]
        case .channelPresent(let channel):
            return ["type": "channel", "channel": .string(channel)]
        case .inSegment(let segment):
            return ["type": "in_segment", "segment": .string(segment)]
        case .consent(let purpose, let state):
            return ["type": "consent", "purpose": .string(purpose), "state": .string(state.rawValue)]
        }
    }

    static func filters(_ filters: [SegmentCondition.PropertyFilter]) -> JSONValue {
        .array(filters.map { .object(members(of: $0.predicate).merging(["key": .string($0.key)]) { $1 }) })
    }

    static func members(of match: SegmentCondition.NameMatch) -> [String: JSONValue] {
        switch match {
        case .equals(let name): return ["op": "eq", "value": .string(name)]
        case .oneOf(let names): return ["op": "in", "values": .array(names.map(JSONValue.string))]
        }
    }

    static func members(of predicate: SegmentPredicate) -> [String: JSONValue] {
        switch predicate {
        case .equals(let value): return ["op": "eq", "value": json(value)]
        case .notEquals(let value): return ["op": "ne", "value": json(value)]
        case .lessThan(let value): return ["op": "lt", "value": json(value)]
        case .lessThanOrEqual(let value): return ["op": "lte", "value": json(value)]
        case .greaterThan(let value): return ["op": "gt", "value": json(value)]
        case .greaterThanOrEqual(let value): return ["op": "gte", "value": json(value)]
        case .between(let low, let high): return ["op": "between", "min": json(low), "max": json(high)]
        case .oneOf(let values): return ["op": "in", "values": .array(values.map(json))]
        case .contains(let value): return ["op": "contains", "value": json(value)]
        case .startsWith(let prefix): return ["op": "starts_with", "value": .string(prefix)]
        case .exists: return ["op": "exists"]
        case .notExists: return ["op": "not_exists"]
        case .withinLast(let days): return ["op": "within_last", "days": .int(Int64(days))]
        case .birthdayWithin(let days): return ["op": "birthday_within", "days": .int(Int64(days))]
        }
    }

    static func json(_ value: SegmentValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .date(let instant): return ["date": .string(ISO8601.format(instant))]
        }
    }
}

private struct SegmentJSONDecoder {
    typealias Code = SegmentRuleError.Code

    var steps: [SegmentPathStep] = []

    func fail(_ code: Code, _ message: String) -> SegmentRuleError {
        SegmentRuleError(code, path: SegmentPathStep.render(steps), message)
    }

    /// One JSON object being read: remembers what it is for error messages.
    struct Node {
        let members: [String: JSONValue]
        let what: String
    }

    func object(_ json: JSONValue, _ what: String) throws(SegmentRuleError) -> Node {
        guard case .object(let members) = json else {
            throw fail(.wrongType, "\(what) must be an object, got \(json.kindName)")
        }
        return Node(members: members, what: what)
    }

    func allow(_ node: Node, _ fields: Set<String>) throws(SegmentRuleError) {
        if let unknown = node.members.keys.filter({ !fields.contains($0) }).sorted().first {
            throw fail(.unknownField, "unknown field \"\(unknown)\" in \(node.what)")
        }
    }

    /// A member that must be present and not `null`.
    func required(_ node: Node, _ key: String) throws(SegmentRuleError) -> JSONValue {
        guard let value = node.members[key], !value.isNull else {
            throw fail(.missingField, "\(node.what) needs \"\(key)\"")
        }
        return value
    }

    func string(_ node: Node, _ key: String) throws(SegmentRuleError) -> String {
        let value = try required(node, key)
        guard case .string(let s) = value else {
            throw fail(.wrongType, "\"\(key)\" in \(node.what) must be a string, got \(value.kindName)")
        }
        return s
    }

    func int(_ node: Node, _ key: String) throws(SegmentRuleError) -> Int {
        let value = try required(node, key)
        switch value {
        case .int(let i):
            if let result = Int(exactly: i) { return result }
        case .double(let d) where d.isFinite && d == d.rounded():
            if let result = Int(exactly: d) { return result }
        default:
            break
        }
        throw fail(.wrongType, "\"\(key)\" in \(node.what) must be an integer, got \(value.kindName)")
    }

    func optionalInt(_ node: Node, _ key: String) throws(SegmentRuleError) -> Int? {
        guard let value = node.members[key], !value.isNull else { return nil }
        return try int(node, key)
    }

    func array(_ node: Node, _ key: String) throws(SegmentRuleError) -> [JSONValue] {
        let value = try required(node, key)
        guard case .array(let elements) = value else {
            throw fail(.wrongType, "\"\(key)\" in \(node.what) must be an array, got \(value.kindName)")
        }
        return elements
    }

    func word<T: RawRepresentable<String>>(_ node: Node, _ key: String, as type: T.Type) throws(SegmentRuleError) -> T {
        let raw = try string(node, key)
        guard let value = T(rawValue: raw) else {
            throw fail(.unknownOperator, "unknown \"\(key)\" \"\(raw)\" in \(node.what)")
        }
        return value
    }

    mutating func rule(_ json: JSONValue, depth: Int) throws(SegmentRuleError) -> SegmentRule {
        guard depth <= SegmentRule.Limits.maximumDepth else {
            throw fail(.depthExceeded, "rules nest deeper than \(SegmentRule.Limits.maximumDepth) levels")
        }
        let node = try object(json, "a rule")
        let type = try string(node, "type")
        switch type {
        case "all", "any":
            let group = Node(members: node.members, what: "an \(type) group")
            try allow(group, ["type", "rules"])
            var rules: [SegmentRule] = []
            for (index, element) in try array(group, "rules").enumerated() {
                steps.append(type == "all" ? .all(index) : .any(index))
                rules.append(try rule(element, depth: depth + 1))
                steps.removeLast()
            }
            return type == "all" ? .all(rules) : .any(rules)
        case "not":
            let negation = Node(members: node.members, what: "a not")
            try allow(negation, ["type", "rule"])
            let operand = try required(negation, "rule")
            steps.append(.not)
            defer { steps.removeLast() }
            return .not(try rule(operand, depth: depth + 1))
        default:
            return .condition(try condition(type, node.members))
        }
    }

    mutating func condition(
        _ type: String, _ members: [String: JSONValue]
    ) throws(SegmentRuleError)
        -> SegmentCondition
    {
        let node = Node(members: members, what: "a \(type) condition")
        switch type {
        case "trait":
            let (predicate, fields) = try predicate(node)
            try allow(node, fields.union(["type", "key"]))
            return .trait(key: try string(node, "key"), predicate)
        case "has_tag", "lacks_tag":
            try allow(node, ["type", "tag"])
            let tag = try string(node, "tag")
            return type == "has_tag" ? .hasTag(tag) : .lacksTag(tag)
        case "performed":
            try allow(node, ["type", "event", "op", "count", "days", "where"])
            return .performed(
                SegmentCondition.EventFrequency(
                    event: try string(node, "event"), try word(node, "op", as: SegmentCondition.CountBound.self),
                    try int(node, "count"), withinDays: try optionalInt(node, "days"), filters: try filters(node)))
        case "first_event", "last_event":
            try allow(node, ["type", "event", "relation", "days", "where"])
            return .eventTime(
                SegmentCondition.EventTime(
                    type == "first_event" ? .first : .last, event: try string(node, "event"),
                    try word(node, "relation", as: SegmentCondition.Relation.self), days: try int(node, "days"),
                    filters: try filters(node)))
        case "rfm_layer", "stage":
            let match: SegmentCondition.NameMatch
            switch try string(node, "op") {
            case "eq":
                try allow(node, ["type", "op", "value"])
                match = .equals(try string(node, "value"))
            case "in":
                try allow(node, ["type", "op", "values"])
                var names: [String] = []
                for element in try array(node, "values") {
                    guard case .string(let name) = element else {
                        throw fail(.wrongType, "\"values\" in \(node.what) must hold strings, got \(element.kindName)")
                    }
                    names.append(name)
                }
                match = .oneOf(names)
            case let op:
                throw fail(.unknownOperator, "unknown \"op\" \"\(op)\" in \(node.what); use \"eq\" or \"in\"")
            }
            return type == "stage" ? .stage(match) : .rfmLayer(match)
        case "rfm_score":
            try allow(node, ["type", "dimension", "op", "value"])
            return .rfmScore(
                try word(node, "dimension", as: SegmentCondition.RFMDimension.self),
                try word(node, "op", as: SegmentCondition.Comparator.self), try int(node, "value"))
        case "channel":
            try allow(node, ["type", "channel"])
            return .channelPresent(try string(node, "channel"))
        case "in_segment":
            try allow(node, ["type", "segment"])
            return .inSegment(try string(node, "segment"))
        case "consent":
            try allow(node, ["type", "purpose", "state"])
            return .consent(
                purpose: try string(node, "purpose"), try word(node, "state", as: SegmentCondition.ConsentState.self))
        default:
            throw fail(.unknownCondition, "unknown rule type \"\(type)\"")
        }
    }

    mutating func filters(_ node: Node) throws(SegmentRuleError) -> [SegmentCondition.PropertyFilter] {
        guard let value = node.members["where"], !value.isNull else { return [] }
        var result: [SegmentCondition.PropertyFilter] = []
        for (index, element) in try array(node, "where").enumerated() {
            steps.append(.filter(index))
            let filter = try object(element, "a property filter")
            let (predicate, fields) = try predicate(filter)
            try allow(filter, fields.union(["key"]))
            result.append(SegmentCondition.PropertyFilter(try string(filter, "key"), predicate))
            steps.removeLast()
        }
        return result
    }

    /// The predicate spelled by `op` and its operand members, and the members it used.
    func predicate(_ node: Node) throws(SegmentRuleError) -> (SegmentPredicate, Set<String>) {
        let op = try string(node, "op")
        switch op {
        case "eq": return (.equals(try value(node, "value")), ["op", "value"])
        case "ne": return (.notEquals(try value(node, "value")), ["op", "value"])
        case "lt": return (.lessThan(try value(node, "value")), ["op", "value"])
        case "lte": return (.lessThanOrEqual(try value(node, "value")), ["op", "value"])
        case "gt": return (.greaterThan(try value(node, "value")), ["op", "value"])
        case "gte": return (.greaterThanOrEqual(try value(node, "value")), ["op", "value"])
        case "contains": return (.contains(try value(node, "value")), ["op", "value"])
        case "starts_with": return (.startsWith(try string(node, "value")), ["op", "value"])
        case "between": return (.between(try value(node, "min"), try value(node, "max")), ["op", "min", "max"])
        case "in":
            var values: [SegmentValue] = []
            for element in try array(node, "values") { values.append(try value(element, "\"values\"", node)) }
            return (.oneOf(values), ["op", "values"])
        case "exists": return (.exists, ["op"])
        case "not_exists": return (.notExists, ["op"])
        case "within_last": return (.withinLast(days: try int(node, "days")), ["op", "days"])
        case "birthday_within": return (.birthdayWithin(days: try int(node, "days")), ["op", "days"])
        default: throw fail(.unknownOperator, "unknown \"op\" \"\(op)\" in \(node.what)")
        }
    }

    func value(_ node: Node, _ key: String) throws(SegmentRuleError) -> SegmentValue {
        try value(try required(node, key), "\"\(key)\"", node)
    }

    func value(_ json: JSONValue, _ field: String, _ node: Node) throws(SegmentRuleError) -> SegmentValue {
        switch json {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .object(let members):
            if let unknown = members.keys.filter({ $0 != "date" }).sorted().first {
                throw fail(.unknownField, "unknown field \"\(unknown)\" in a date value of \(node.what)")
            }
            guard case .string(let text)? = members["date"] else {
                throw fail(.wrongType, "a date value is {\"date\": \"<ISO 8601>\"} in \(node.what)")
            }
            guard let instant = ISO8601.parse(text) else {
                throw fail(.invalidDate, "\"\(text)\" in \(node.what) is not an ISO 8601 date")
            }
            return .date(instant)
        case .null, .array:
            throw fail(
                .wrongType, "\(field) in \(node.what) must be a string, number, boolean or date, got \(json.kindName)")
        }
    }
}
