/// The text form of a rule (grammar documented on `SegmentRule`).
extension SegmentRule {
    /// Reads and validates a rule. Syntax errors carry the character offset; validation errors carry both the
    /// node path and the offset where that node starts.
    public init(text: String) throws(SegmentRuleError) {
        let (rule, source) = try SegmentTextParser.parse(text)
        if let violation = rule.firstViolation() {
            throw SegmentRuleError(
                violation.code, path: SegmentPathStep.render(violation.steps), violation.message,
                offset: source.offset(of: violation.steps))
        }
        self = rule
    }

    /// The canonical text: lower-case keywords, ASCII operators, minimal parentheses.
    public var text: String {
        var printer = SegmentTextPrinter()
        printer.rule(self)
        return printer.out
    }
}

/// Words that start a condition or are literals, so a key spelled like one must be quoted.
enum SegmentTextKeywords {
    static let reserved: Set<String> = [
        "all", "any", "and", "or", "not", "has", "lacks", "performed", "first", "last", "rfm", "stage", "channel",
        "in", "consent", "true", "false",
    ]

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0x5F, 0x24: return true
        case 0...0x7F: return false
        default: return scalar.properties.isAlphabetic
        }
    }

    static func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x2E: return true
        case 0...0x7F: return isIdentifierStart(scalar)
        default: return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
    }

    /// Whether `name` can be written without quotes.
    static func isBare(_ name: String) -> Bool {
        var scalars = name.unicodeScalars.makeIterator()
        guard let first = scalars.next(), isIdentifierStart(first) else { return false }
        while let scalar = scalars.next() { guard isIdentifierContinue(scalar) else { return false } }
        return !reserved.contains(lowercased(name))
    }

    /// ASCII-only lower-casing: keywords are ASCII, and no locale or Unicode case mapping may turn a non-ASCII
    /// name into one.
    static func lowercased(_ word: String) -> String {
        String(
            String.UnicodeScalarView(
                word.unicodeScalars.map { scalar in
                    (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
                }))
    }
}

struct SegmentTextPrinter {
    var out = ""

    mutating func rule(_ rule: SegmentRule) {
        switch rule {
        case .all(let rules) where rules.count >= 2:
            for (index, child) in rules.enumerated() {
                if index > 0 { out += " and " }
                let nextIsTrait = index + 1 < rules.count && Self.isTrait(rules[index + 1])
                let parenthesise = Self.isInfixGroup(child) || (nextIsTrait && Self.endsWithFilters(child))
                operand(child, parenthesised: parenthesise)
            }
        case .any(let rules) where rules.count >= 2:
            for (index, child) in rules.enumerated() {
                if index > 0 { out += " or " }
                let parenthesise = if case .any(let inner) = child, inner.count >= 2 { true } else { false }
                operand(child, parenthesised: parenthesise)
            }
        case .all(let rules), .any(let rules):
            let isAll = if case .all = rule { true } else { false }
            out += isAll ? "all(" : "any("
            for (index, child) in rules.enumerated() {
                if index > 0 { out += ", " }
                self.rule(child)
            }
            out += ")"
        case .not(let inner):
            out += "not "
            operand(inner, parenthesised: Self.isInfixGroup(inner))
        case .condition(let condition):
            self.condition(condition)
        }
    }

    private mutating func operand(_ rule: SegmentRule, parenthesised: Bool) {
        if parenthesised { out += "(" }
        self.rule(rule)
        if parenthesised { out += ")" }
    }

    /// A group printed with `and`/`or` between its rules (one with fewer is printed `all(…)`).
    private static func isInfixGroup(_ rule: SegmentRule) -> Bool {
        switch rule {
        case .all(let rules), .any(let rules): return rules.count >= 2
        default: return false
        }
    }

    private static func isTrait(_ rule: SegmentRule) -> Bool {
        if case .condition(.trait) = rule { return true }
        return false
    }

    /// Whether the printed rule ends in a `where` list that a following `and key …` would extend.
    private static func endsWithFilters(_ rule: SegmentRule) -> Bool {
        switch rule {
        case .condition(.performed(let frequency)): return !frequency.filters.isEmpty
        case .condition(.eventTime(let time)): return !time.filters.isEmpty
        case .not(let inner): return !isInfixGroup(inner) && endsWithFilters(inner)
        default: return false
        }
    }

    private mutating func condition(_ condition: SegmentCondition) {
        switch condition {
        case .trait(let key, let predicate):
            self.key(key)
            self.predicate(predicate)
        case .hasTag(let tag):
            out += "has tag "
            string(tag)
        case .lacksTag(let tag):
            out += "lacks tag "
            string(tag)
        case .performed(let frequency):
            out += "performed "
            string(frequency.event)
            switch frequency.bound {
            case .atLeast: out += " >= "
            case .atMost: out += " <= "
            case .exactly: out += " = "
            }
            out += "\(frequency.count) \(frequency.count == 1 ? "time" : "times")"
            if let days = frequency.withinDays { out += " in \(days)d" }
            filters(frequency.filters)
        case .eventTime(let time):
            out += time.occurrence == .first ? "first " : "last "
            string(time.event)
            switch time.relation {
            case .within: out += " within \(time.days)d"
            case .before: out += " before \(time.days)d ago"
            case .after: out += " after \(time.days)d ago"
            }
            filters(time.filters)
        case .rfmLayer(let match):
            out += "rfm layer"
            nameMatch(match)
        case .rfmScore(let dimension, let comparator, let score):
            out += "rfm \(dimension.rawValue) \(comparator.symbol) \(score)"
        case .stage(let match):
            out += "stage"
            nameMatch(match)
        case .channelPresent(let channel):
            out += "channel present "
            string(channel)
        case .inSegment(let segment):
            out += "in segment "
            string(segment)
        case .consent(let purpose, let state):
            out += "consent "
            string(purpose)
            out += " \(state.rawValue)"
        }
    }

    private mutating func filters(_ filters: [SegmentCondition.PropertyFilter]) {
        for (index, filter) in filters.enumerated() {
            out += index == 0 ? " where " : " and "
            key(filter.key)
            predicate(filter.predicate)
        }
    }

    private mutating func nameMatch(_ match: SegmentCondition.NameMatch) {
        switch match {
        case .equals(let name):
            out += " = "
            string(name)
        case .oneOf(let names):
            out += " in ["
            for (index, name) in names.enumerated() {
                if index > 0 { out += ", " }
                string(name)
            }
            out += "]"
        }
    }

    private mutating func predicate(_ predicate: SegmentPredicate) {
        switch predicate {
        case .equals(let value): binary("=", value)
        case .notEquals(let value): binary("!=", value)
        case .lessThan(let value): binary(value.isDate ? "before" : "<", value)
        case .lessThanOrEqual(let value): binary("<=", value)
        case .greaterThan(let value): binary(value.isDate ? "after" : ">", value)
        case .greaterThanOrEqual(let value): binary(">=", value)
        case .between(let low, let high):
            binary("between", low)
            out += " and "
            self.value(high)
        case .oneOf(let values):
            out += " in ["
            for (index, value) in values.enumerated() {
                if index > 0 { out += ", " }
                self.value(value)
            }
            out += "]"
        case .contains(let value): binary("contains", value)
        case .startsWith(let prefix):
            out += " starts with "
            string(prefix)
        case .exists: out += " exists"
        case .notExists: out += " not exists"
        case .withinLast(let days): out += " within last \(days)d"
        case .birthdayWithin(let days): out += " birthday in next \(days)d"
        }
    }

    private mutating func binary(_ op: String, _ value: SegmentValue) {
        out += " \(op) "
        self.value(value)
    }

    private mutating func value(_ value: SegmentValue) {
        switch value {
        case .string(let s): string(s)
        case .int(let i): out += String(i)
        case .double(let d): out += Self.spell(d)
        case .bool(let b): out += b ? "true" : "false"
        case .date(let instant): out += ISO8601.format(instant)
        }
    }

    /// The shortest spelling that reads back as the same double, always with a fraction or an exponent so it
    /// does not read back as an integer.
    static func spell(_ d: Double) -> String {
        let text = "\(d)"
        return text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" || !$0.isASCII || $0.isLetter })
            ? text : text + ".0"
    }

    private mutating func key(_ key: String) {
        if SegmentTextKeywords.isBare(key) { out += key } else { string(key) }
    }

    private mutating func string(_ s: String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
