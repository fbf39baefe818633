extension SegmentRule {
    /// Checks the rule against `Limits` and that every operator has values it can compare.
    ///
    /// Reports the first problem in reading order. Checked: groups are non-empty; depth ≤ 16; ≤ 200 conditions
    /// and property filters; names (keys, tags, events, segment ids, channels, purposes, layers, stages) are
    /// 1…200 UTF-8 bytes; windows are 1…3650 days; counts 0…1 000 000; RFM scores 1…5; order comparisons take
    /// numbers or dates; `between` takes two numbers or two dates in order; `in` takes 1…1000 values;
    /// `contains` takes a string, number or boolean; doubles are finite; dates lie in the years 0000…9999 (so
    /// they print as ISO 8601).
    public func validate() throws(SegmentRuleError) {
        if let violation = firstViolation() {
            throw SegmentRuleError(
                violation.code, path: SegmentPathStep.render(violation.steps), violation.message)
        }
    }

    struct Violation: Error {
        var code: SegmentRuleError.Code
        var message: String
        var steps: [SegmentPathStep]
    }

    func firstViolation() -> Violation? {
        var validator = SegmentRuleValidator()
        do {
            try validator.check(self, depth: 1)
            return nil
        } catch {
            return error
        }
    }
}

private struct SegmentRuleValidator {
    typealias Limits = SegmentRule.Limits
    typealias Violation = SegmentRule.Violation

    var steps: [SegmentPathStep] = []
    var conditions = 0

    func fail(_ code: SegmentRuleError.Code, _ message: String) -> Violation {
        Violation(code: code, message: message, steps: steps)
    }

    mutating func check(_ rule: SegmentRule, depth: Int) throws(Violation) {
        guard depth <= Limits.maximumDepth else {
            throw fail(.depthExceeded, "rules nest deeper than \(Limits.maximumDepth) levels")
        }
        switch rule {
        case .all(let rules), .any(let rules):
            let isAll = if case .all = rule { true } else { false }
            guard !rules.isEmpty else {
                throw fail(.emptyGroup, "an \(isAll ? "all" : "any") group needs at least one rule")
            }
            for (index, child) in rules.enumerated() {
                steps.append(isAll ? .all(index) : .any(index))
                try check(child, depth: depth + 1)
                steps.removeLast()
            }
        case .not(let inner):
            steps.append(.not)
            try check(inner, depth: depth + 1)
            steps.removeLast()
        case .condition(let condition):
            try count()
            try check(condition)
        }
    }

    mutating func count() throws(Violation) {
        conditions += 1
        guard conditions <= Limits.maximumConditions else {
            throw fail(
                .tooManyConditions,
                "a rule may hold at most \(Limits.maximumConditions) conditions and property filters")
        }
    }

    mutating func check(_ condition: SegmentCondition) throws(Violation) {
        switch condition {
        case .trait(let key, let predicate):
            try name(key, "trait key")
            try check(predicate)
        case .hasTag(let tag), .lacksTag(let tag):
            try name(tag, "tag")
        case .performed(let frequency):
            try name(frequency.event, "event name")
            guard Limits.eventCount.contains(frequency.count) else {
                throw fail(
                    .absurdCount,
                    "an event count must be \(Limits.eventCount.lowerBound)…\(Limits.eventCount.upperBound), "
                        + "got \(frequency.count)")
            }
            if let days = frequency.withinDays { try window(days) }
            try check(frequency.filters)
        case .eventTime(let time):
            try name(time.event, "event name")
            try window(time.days)
            try check(time.filters)
        case .rfmLayer(let match):
            try check(match, "RFM layer")
        case .stage(let match):
            try check(match, "lifecycle stage")
        case .rfmScore(_, _, let score):
            guard Limits.rfmScore.contains(score) else {
                throw fail(.absurdScore, "an RFM score is 1…5, got \(score)")
            }
        case .channelPresent(let channel):
            try name(channel, "channel")
        case .inSegment(let segment):
            try name(segment, "segment id")
        case .consent(let purpose, _):
            try name(purpose, "consent purpose")
        }
    }

    mutating func check(_ filters: [SegmentCondition.PropertyFilter]) throws(Violation) {
        for (index, filter) in filters.enumerated() {
            steps.append(.filter(index))
            try count()
            try name(filter.key, "property key")
            try check(filter.predicate)
            steps.removeLast()
        }
    }

    func check(_ match: SegmentCondition.NameMatch, _ what: String) throws(Violation) {
        switch match {
        case .equals(let value):
            try name(value, what)
        case .oneOf(let values):
            try list(count: values.count)
            for value in values { try name(value, what) }
        }
    }

    func name(_ value: String, _ what: String) throws(Violation) {
        guard !value.isEmpty else { throw fail(.invalidName, "the \(what) is empty") }
        guard value.utf8.count <= Limits.maximumNameBytes else {
            throw fail(
                .invalidName, "the \(what) is \(value.utf8.count) bytes long; at most \(Limits.maximumNameBytes)")
        }
    }

    func window(_ days: Int) throws(Violation) {
        guard Limits.windowDays.contains(days) else {
            throw fail(
                .absurdWindow,
                "a window must be \(Limits.windowDays.lowerBound)…\(Limits.windowDays.upperBound) days, got \(days)")
        }
    }

    func list(count: Int) throws(Violation) {
        guard count > 0 else { throw fail(.emptyList, "`in` needs at least one value") }
        guard count <= Limits.maximumListValues else {
            throw fail(.tooManyValues, "`in` takes at most \(Limits.maximumListValues) values, got \(count)")
        }
    }

    func check(_ value: SegmentValue) throws(Violation) {
        switch value {
        case .double(let d):
            guard d.isFinite else { throw fail(.wrongType, "a number must be finite") }
        case .date(let instant):
            guard SegmentValueRange.dates.contains(instant) else {
                throw fail(.invalidDate, "a date must lie in the years 0000…9999")
            }
        case .string, .int, .bool:
            break
        }
    }

    func check(_ predicate: SegmentPredicate) throws(Violation) {
        func ordered(_ value: SegmentValue, _ op: String) throws(Violation) {
            try check(value)
            guard value.isNumber || value.isDate else {
                throw fail(.wrongType, "`\(op)` needs a number or a date, got \(value.kindName)")
            }
        }
        switch predicate {
        case .equals(let value), .notEquals(let value):
            try check(value)
        case .lessThan(let value): try ordered(value, "<")
        case .lessThanOrEqual(let value): try ordered(value, "<=")
        case .greaterThan(let value): try ordered(value, ">")
        case .greaterThanOrEqual(let value): try ordered(value, ">=")
        case .between(let low, let high):
            try ordered(low, "between")
            try ordered(high, "between")
            guard low.isNumber == high.isNumber else {
                throw fail(
                    .wrongType, "`between` needs two numbers or two dates, got \(low.kindName) and \(high.kindName)")
            }
            if SegmentComparison.order(low, high) == 1 {
                throw fail(.invertedRange, "`between` needs the smaller bound first")
            }
        case .oneOf(let values):
            try list(count: values.count)
            for value in values { try check(value) }
        case .contains(let value):
            try check(value)
            guard !value.isDate else { throw fail(.wrongType, "`contains` needs a string, number or boolean") }
        case .startsWith:
            break
        case .exists, .notExists:
            break
        case .withinLast(let days), .birthdayWithin(let days):
            try window(days)
        }
    }
}

enum SegmentValueRange {
    /// 0000-01-01T00:00:00.000Z … 9999-12-31T23:59:59.999Z: the instants ISO 8601 spells with a 4-digit year.
    static let dates: ClosedRange<Instant> =
        Instant(
            millisecondsSinceEpoch: Int64(ISO8601.daysFromCivil(year: 0, month: 1, day: 1)) * 86_400_000)...Instant(
            millisecondsSinceEpoch: Int64(ISO8601.daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400_000 - 1)
}
