/// Reads the text form of a rule (grammar on `SegmentRule`) by recursive descent.
///
/// Returns the rule together with where each node starts, so a validation error found afterwards can point into
/// the text too. Nesting of `not`, parentheses and explicit groups is bounded so hostile input cannot exhaust the
/// stack; the bound is generous (any valid rule prints within it) and `validate()` applies the real depth limit.
struct SegmentTextParser {
    typealias Token = SegmentTextLexer.Token
    typealias Symbol = SegmentTextLexer.Symbol
    typealias Parsed = (rule: SegmentRule, source: SegmentSourceMap)

    static let maximumNesting = 4 * SegmentRule.Limits.maximumDepth

    private let tokens: [Token]
    private var position = 0
    private var nesting = 0

    private init(tokens: [Token]) { self.tokens = tokens }

    static func parse(_ text: String) throws(SegmentRuleError) -> Parsed {
        var parser = SegmentTextParser(tokens: try SegmentTextLexer.tokenize(text))
        let parsed = try parser.disjunction()
        guard parser.current.kind == .end else { throw parser.unexpected("\"and\", \"or\" or the end of the rule") }
        return parsed
    }

    // MARK: Tokens

    private var current: Token { tokens[position] }

    private func token(ahead: Int) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func keyword(of token: Token) -> String? {
        guard case .word(let word) = token.kind else { return nil }
        return SegmentTextKeywords.lowercased(word)
    }

    private func isKeyword(_ keyword: String, ahead: Int = 0) -> Bool {
        self.keyword(of: token(ahead: ahead)) == keyword
    }

    private func isSymbol(_ symbol: Symbol, ahead: Int = 0) -> Bool { token(ahead: ahead).kind == .symbol(symbol) }

    private mutating func accept(_ keyword: String) -> Bool {
        guard isKeyword(keyword) else { return false }
        advance()
        return true
    }

    private mutating func accept(_ symbol: Symbol) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    private mutating func expect(_ keyword: String) throws(SegmentRuleError) {
        guard accept(keyword) else { throw unexpected("\"\(keyword)\"") }
    }

    private mutating func expect(_ symbol: Symbol) throws(SegmentRuleError) {
        guard accept(symbol) else { throw unexpected("\"\(symbol.rawValue)\"") }
    }

    private func unexpected(_ expected: String) -> SegmentRuleError {
        let found: String
        switch current.kind {
        case .word(let word): found = "\"\(word)\""
        case .string: found = "a string"
        case .int, .double: found = "a number"
        case .duration: found = "a duration"
        case .date: found = "a date"
        case .symbol(let symbol): found = "\"\(symbol.rawValue)\""
        case .end: found = "the end of the rule"
        }
        return SegmentRuleError(.syntaxError, path: "", "expected \(expected), found \(found)", offset: current.offset)
    }

    /// A token that can start a key or name: a string, or an identifier that is not a reserved word.
    private func startsKey(_ token: Token) -> Bool {
        switch token.kind {
        case .string: return true
        case .word(let word): return !SegmentTextKeywords.reserved.contains(SegmentTextKeywords.lowercased(word))
        default: return false
        }
    }

    // MARK: Rules

    private mutating func disjunction() throws(SegmentRuleError) -> Parsed {
        let first = try conjunction()
        guard isKeyword("or") else { return first }
        var operands = [first]
        while accept("or") { operands.append(try conjunction()) }
        return (.any(operands.map(\.rule)), SegmentSourceMap(first.source.offset, children: operands.map(\.source)))
    }

    private mutating func conjunction() throws(SegmentRuleError) -> Parsed {
        let first = try unary()
        guard isKeyword("and") else { return first }
        var operands = [first]
        while accept("and") { operands.append(try unary()) }
        return (.all(operands.map(\.rule)), SegmentSourceMap(first.source.offset, children: operands.map(\.source)))
    }

    private mutating func unary() throws(SegmentRuleError) -> Parsed {
        let start = current.offset
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else {
            throw SegmentRuleError(
                .depthExceeded, path: "", "rules nest deeper than \(SegmentRule.Limits.maximumDepth) levels",
                offset: start)
        }
        if accept("not") {
            let operand = try unary()
            return (.not(operand.rule), SegmentSourceMap(start, children: [operand.source]))
        }
        if accept(.openParen) {
            let inner = try disjunction()
            try expect(.closeParen)
            return (inner.rule, SegmentSourceMap(start, children: inner.source.children, filters: inner.source.filters))
        }
        if isKeyword("all") || isKeyword("any"), isSymbol(.openParen, ahead: 1) {
            let isAll = isKeyword("all")
            advance()
            advance()
            var operands: [Parsed] = []
            if !accept(.closeParen) {
                repeat { operands.append(try disjunction()) } while accept(.comma)
                try expect(.closeParen)
            }
            let rules = operands.map(\.rule)
            return (isAll ? .all(rules) : .any(rules), SegmentSourceMap(start, children: operands.map(\.source)))
        }
        return try condition()
    }

    // MARK: Conditions

    private mutating func condition() throws(SegmentRuleError) -> Parsed {
        let start = current.offset
        var filters: [Int] = []
        let condition: SegmentCondition
        if startsKey(current) {
            let key = try name()
            condition = .trait(key: key, try predicate())
        } else {
            switch keyword(of: current) {
            case "has", "lacks":
                let has = isKeyword("has")
                advance()
                try expect("tag")
                let tag = try name()
                condition = has ? .hasTag(tag) : .lacksTag(tag)
            case "performed":
                advance()
                let event = try name()
                let (bound, count) = try countClause()
                var days: Int?
                if accept("in") || accept("within") {
                    _ = accept("last")
                    days = try duration()
                } else {
                    _ = accept("ever")
                }
                let parsed = try propertyFilters()
                filters = parsed.offsets
                condition = .performed(
                    SegmentCondition.EventFrequency(
                        event: event, bound, count, withinDays: days, filters: parsed.filters))
            case "first", "last":
                let occurrence: SegmentCondition.Occurrence = isKeyword("first") ? .first : .last
                advance()
                let event = try name()
                let relation: SegmentCondition.Relation
                let days: Int
                if accept("within") || accept("in") {
                    _ = accept("last")
                    relation = .within
                    days = try duration()
                } else if isKeyword("before") || isKeyword("after") {
                    relation = isKeyword("before") ? .before : .after
                    advance()
                    days = try duration()
                    try expect("ago")
                } else {
                    throw unexpected("\"within\", \"before\" or \"after\"")
                }
                let parsed = try propertyFilters()
                filters = parsed.offsets
                condition = .eventTime(
                    SegmentCondition.EventTime(
                        occurrence, event: event, relation, days: days, filters: parsed.filters))
            case "rfm":
                advance()
                if accept("layer") {
                    condition = .rfmLayer(try nameMatch())
                } else if let word = keyword(of: current),
                    let dimension = SegmentCondition.RFMDimension(rawValue: word)
                {
                    advance()
                    let comparator = try self.comparator()
                    condition = .rfmScore(dimension, comparator, try integer())
                } else {
                    throw unexpected("\"layer\", \"r\", \"f\" or \"m\"")
                }
            case "stage":
                advance()
                condition = .stage(try nameMatch())
            case "channel":
                advance()
                try expect("present")
                condition = .channelPresent(try name())
            case "in":
                advance()
                try expect("segment")
                condition = .inSegment(try name())
            case "consent":
                advance()
                let purpose = try name()
                guard let word = keyword(of: current), let state = SegmentCondition.ConsentState(rawValue: word) else {
                    throw unexpected("\"granted\", \"denied\" or \"unknown\"")
                }
                advance()
                condition = .consent(purpose: purpose, state)
            default:
                throw unexpected("a condition")
            }
        }
        return (.condition(condition), SegmentSourceMap(start, filters: filters))
    }

    /// `>= 2 times`, `at least 2 times`, `exactly 1 time`, … or nothing (at least once).
    private mutating func countClause() throws(SegmentRuleError) -> (SegmentCondition.CountBound, Int) {
        let bound: SegmentCondition.CountBound
        if accept(.greaterOrEqual) {
            bound = .atLeast
        } else if accept(.lessOrEqual) {
            bound = .atMost
        } else if accept(.equal) || accept("exactly") {
            bound = .exactly
        } else if accept("at") {
            if accept("least") {
                bound = .atLeast
            } else if accept("most") {
                bound = .atMost
            } else {
                throw unexpected("\"least\" or \"most\"")
            }
        } else {
            return (.atLeast, 1)
        }
        let count = try integer()
        guard accept("times") || accept("time") else { throw unexpected("\"times\"") }
        return (bound, count)
    }

    private mutating func propertyFilters() throws(SegmentRuleError)
        -> (filters: [SegmentCondition.PropertyFilter], offsets: [Int])
    {
        guard accept("where") else { return ([], []) }
        var filters: [SegmentCondition.PropertyFilter] = []
        var offsets: [Int] = []
        repeat {
            offsets.append(current.offset)
            guard startsKey(current) else { throw unexpected("a property name") }
            let key = try name()
            filters.append(SegmentCondition.PropertyFilter(key, try predicate()))
            // A following `and` continues the list only when a property name follows it.
        } while isKeyword("and") && startsKey(token(ahead: 1)) && accept("and")
        return (filters, offsets)
    }

    private mutating func predicate() throws(SegmentRuleError) -> SegmentPredicate {
        if case .symbol(let symbol) = current.kind {
            advance()
            switch symbol {
            case .equal: return .equals(try value())
            case .notEqual: return .notEquals(try value())
            case .less: return .lessThan(try value())
            case .lessOrEqual: return .lessThanOrEqual(try value())
            case .greater: return .greaterThan(try value())
            case .greaterOrEqual: return .greaterThanOrEqual(try value())
            default:
                position -= 1
                throw unexpected("an operator")
            }
        }
        switch keyword(of: current) {
        case "before", "after":
            let before = isKeyword("before")
            advance()
            guard case .date(let instant) = current.kind else { throw unexpected("a date such as 2026-01-01") }
            advance()
            return before ? .lessThan(.date(instant)) : .greaterThan(.date(instant))
        case "between":
            advance()
            let low = try value()
            try expect("and")
            return .between(low, try value())
        case "in":
            advance()
            if accept(.openBracket) {
                var values: [SegmentValue] = []
                if !accept(.closeBracket) {
                    repeat { values.append(try value()) } while accept(.comma)
                    try expect(.closeBracket)
                }
                return .oneOf(values)
            }
            _ = accept("last")
            return .withinLast(days: try duration())
        case "within":
            advance()
            _ = accept("last")
            return .withinLast(days: try duration())
        case "contains":
            advance()
            return .contains(try value())
        case "starts":
            advance()
            try expect("with")
            guard case .string(let prefix) = current.kind else { throw unexpected("a string") }
            advance()
            return .startsWith(prefix)
        case "exists":
            advance()
            return .exists
        case "not":
            advance()
            try expect("exists")
            return .notExists
        case "birthday":
            advance()
            guard accept("in") || accept("within") else { throw unexpected("\"in\"") }
            try expect("next")
            return .birthdayWithin(days: try duration())
        default:
            throw unexpected("an operator")
        }
    }

    private mutating func comparator() throws(SegmentRuleError) -> SegmentCondition.Comparator {
        let comparator: SegmentCondition.Comparator
        switch current.kind {
        case .symbol(.equal): comparator = .equal
        case .symbol(.notEqual): comparator = .notEqual
        case .symbol(.less): comparator = .less
        case .symbol(.lessOrEqual): comparator = .lessOrEqual
        case .symbol(.greater): comparator = .greater
        case .symbol(.greaterOrEqual): comparator = .greaterOrEqual
        default: throw unexpected("a comparison such as \">=\"")
        }
        advance()
        return comparator
    }

    private mutating func nameMatch() throws(SegmentRuleError) -> SegmentCondition.NameMatch {
        if accept(.equal) { return .equals(try name()) }
        guard accept("in") else { throw unexpected("\"=\" or \"in\"") }
        try expect(.openBracket)
        var names: [String] = []
        if !accept(.closeBracket) {
            repeat { names.append(try name()) } while accept(.comma)
            try expect(.closeBracket)
        }
        return .oneOf(names)
    }

    // MARK: Literals

    private mutating func name() throws(SegmentRuleError) -> String {
        guard startsKey(current) else { throw unexpected("a name (a string, or a word that is not a keyword)") }
        defer { advance() }
        switch current.kind {
        case .string(let s): return s
        case .word(let w): return w
        default: throw unexpected("a name")
        }
    }

    private mutating func value() throws(SegmentRuleError) -> SegmentValue {
        let value: SegmentValue
        switch current.kind {
        case .string(let s): value = .string(s)
        case .int(let i): value = .int(i)
        case .double(let d): value = .double(d)
        case .date(let instant): value = .date(instant)
        case .word where isKeyword("true"): value = .bool(true)
        case .word where isKeyword("false"): value = .bool(false)
        default: throw unexpected("a value (a string, number, true, false or date)")
        }
        advance()
        return value
    }

    private mutating func integer() throws(SegmentRuleError) -> Int {
        guard case .int(let value) = current.kind, let result = Int(exactly: value) else {
            throw unexpected("an integer")
        }
        advance()
        return result
    }

    /// `90d`, or `90 days`.
    private mutating func duration() throws(SegmentRuleError) -> Int {
        switch current.kind {
        case .duration(let days):
            advance()
            return Int(days)
        case .int(let days) where isKeyword("days", ahead: 1) || isKeyword("day", ahead: 1):
            advance()
            advance()
            return Int(days)
        default:
            throw unexpected("a duration such as 90d")
        }
    }
}

/// Where each node of a parsed rule starts in the text, shaped like the rule.
struct SegmentSourceMap {
    var offset: Int
    /// The rules of a group, or the operand of a `not`.
    var children: [SegmentSourceMap]
    /// The property filters of an event condition.
    var filters: [Int]

    init(_ offset: Int, children: [SegmentSourceMap] = [], filters: [Int] = []) {
        self.offset = offset
        self.children = children
        self.filters = filters
    }

    /// The start of the node a path names (or of its nearest ancestor the map knows).
    func offset(of steps: [SegmentPathStep]) -> Int {
        var node = self
        for step in steps {
            switch step {
            case .all(let i), .any(let i):
                guard i < node.children.count else { return node.offset }
                node = node.children[i]
            case .not:
                guard let operand = node.children.first else { return node.offset }
                node = operand
            case .filter(let i):
                return i < node.filters.count ? node.filters[i] : node.offset
            }
        }
        return node.offset
    }
}
