import PondCore

/// Random valid rule trees from a seed, built to stress both serialisations: names that are keywords in any
/// case, need quoting or escapes, or are not ASCII; every number shape; single-rule and nested same-kind groups;
/// and event conditions with filters followed by trait conditions (the `where` ambiguity).
struct SegmentRuleGenerator {
    private var random: SplitMix64
    private var budget = 120
    /// JSON text spells whole doubles as integers; set to false for byte-level JSON round trips.
    var wholeDoubles = true

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private static let names: [String] = [
        "city", "会员等级", "first name", "and", "AND", "Or", "not", "Not", "stage", "in", "IN", "true", "False",
        "$email", "address.city", "x_1", "已购 护肤", "quote\"d", "back\\slash", "line\nbreak", "tab\t", "\u{1}",
        "\u{7F}", "😀", "e\u{301}", "é", "between", "exists", "where", "d", "90d", "1abc", "-x", "ever", "last", "tag",
        "all", "any", "rfm", "layer", "birthday", "Order Completed", "护肤", "\u{2028}", "a(b)", "x=y", "[", "ß",
    ]
    private static let alphabet: [Character] = ["a", "Z", "_", " ", "\"", "\\", "中", "文", "😀", "0", ".", "\n", "é"]

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    private mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func name() -> String {
        if chance(70) { return Self.names.randomElement(using: &random)! }
        return String((0..<int(1...6)).map { _ in Self.alphabet.randomElement(using: &random)! })
    }

    mutating func rule(depth: Int = 1) -> SegmentRule {
        guard depth < 6, budget > 8, chance(depth == 1 ? 85 : 45) else { return .condition(condition()) }
        switch int(0...9) {
        case 0...1:
            return .not(rule(depth: depth + 1))
        case 2:
            // One-rule group: printed as all(x) / any(x).
            let inner = rule(depth: depth + 1)
            return chance(50) ? .all([inner]) : .any([inner])
        case 3:
            // An event condition with filters followed by a trait: needs parentheses to survive.
            let event: SegmentRule = .condition(.performed(frequency(forceFilters: true)))
            let first = chance(30) ? SegmentRule.not(event) : event
            return .all([first, .condition(.trait(key: name(), predicate()))])
        default:
            let children = (0..<int(2...4)).map { _ in rule(depth: depth + 1) }
            return chance(50) ? .all(children) : .any(children)
        }
    }

    mutating func condition() -> SegmentCondition {
        budget -= 1
        switch int(0...11) {
        case 0, 1: return .trait(key: name(), predicate())
        case 2: return .hasTag(name())
        case 3: return .lacksTag(name())
        case 4: return .performed(frequency(forceFilters: false))
        case 5:
            return .eventTime(
                .init(
                    chance(50) ? .first : .last, event: name(),
                    SegmentCondition.Relation.allCases.randomElement(using: &random)!, days: window(),
                    filters: filters()))
        case 6: return .rfmLayer(nameMatch())
        case 7:
            return .rfmScore(
                SegmentCondition.RFMDimension.allCases.randomElement(using: &random)!,
                SegmentCondition.Comparator.allCases.randomElement(using: &random)!, int(1...5))
        case 8: return .stage(nameMatch())
        case 9: return .channelPresent(name())
        case 10: return .inSegment(name())
        default: return .consent(purpose: name(), SegmentCondition.ConsentState.allCases.randomElement(using: &random)!)
        }
    }

    private mutating func window() -> Int { chance(20) ? [1, 3650].randomElement(using: &random)! : int(1...3650) }

    private mutating func frequency(forceFilters: Bool) -> SegmentCondition.EventFrequency {
        let count = chance(20) ? [0, 1, 1_000_000].randomElement(using: &random)! : int(0...20)
        var filters = filters()
        if forceFilters && filters.isEmpty { filters = [.init(name(), predicate())] }
        return .init(
            event: name(), SegmentCondition.CountBound.allCases.randomElement(using: &random)!, count,
            withinDays: chance(60) ? window() : nil, filters: filters)
    }

    private mutating func filters() -> [SegmentCondition.PropertyFilter] {
        guard chance(50) else { return [] }
        return (0..<int(1...3)).map { _ in
            budget -= 1
            return .init(name(), predicate())
        }
    }

    private mutating func nameMatch() -> SegmentCondition.NameMatch {
        chance(50) ? .equals(name()) : .oneOf((0..<int(1...3)).map { _ in name() })
    }

    mutating func predicate() -> SegmentPredicate {
        switch int(0...13) {
        case 0: return .equals(value())
        case 1: return .notEquals(value())
        case 2: return .lessThan(orderedValue())
        case 3: return .lessThanOrEqual(orderedValue())
        case 4: return .greaterThan(orderedValue())
        case 5: return .greaterThanOrEqual(orderedValue())
        case 6:
            if chance(50) {
                let a = date()
                let b = date()
                return .between(.date(min(a, b)), .date(max(a, b)))
            }
            let a = Int64(int(-1000...1000))
            let b = Int64(int(-1000...1000))
            let low: SegmentValue = chance(50) ? .int(min(a, b)) : .double(Double(min(a, b)) - 0.25)
            let high: SegmentValue = chance(50) ? .int(max(a, b)) : .double(Double(max(a, b)) + 0.5)
            return .between(low, high)
        case 7: return .oneOf((0..<int(1...4)).map { _ in value() })
        case 8:
            var operand = value()
            while operand.isDate { operand = value() }
            return .contains(operand)
        case 9: return .startsWith(chance(20) ? "" : name())
        case 10: return .exists
        case 11: return .notExists
        case 12: return .withinLast(days: window())
        default: return .birthdayWithin(days: window())
        }
    }

    private mutating func orderedValue() -> SegmentValue {
        switch int(0...2) {
        case 0: return .int(integer())
        case 1: return .double(double())
        default: return .date(date())
        }
    }

    mutating func value() -> SegmentValue {
        switch int(0...5) {
        case 0, 1: return .string(chance(10) ? "" : name())
        case 2: return .int(integer())
        case 3: return .double(double())
        case 4: return .bool(chance(50))
        default: return .date(date())
        }
    }

    private mutating func integer() -> Int64 {
        chance(20)
            ? [Int64.min, Int64.max, 0, -1, 20_261_122_000_123].randomElement(using: &random)!
            : Int64(int(-100_000...100_000))
    }

    private mutating func double() -> Double {
        let whole: [Double] = [2.0, -0.0, 1e20, 100.0]
        let fractional: [Double] = [0.5, -1.25, 1e-7, 5e-324, 1.7976931348623157e308, 0.1, 3.14159]
        if chance(30) { return (wholeDoubles ? whole + fractional : fractional).randomElement(using: &random)! }
        return Double(int(-100_000...100_000)) / 64 + 1 / 128
    }

    private mutating func date() -> Instant {
        if chance(10) {
            return [
                ISO8601.parse("0000-01-01T00:00:00Z")!, ISO8601.parse("9999-12-31T23:59:59.999Z")!,
                Instant(millisecondsSinceEpoch: 0), Instant(millisecondsSinceEpoch: -1),
            ].randomElement(using: &random)!
        }
        return Instant(millisecondsSinceEpoch: Int64.random(in: -2_208_988_800_000...4_102_444_800_000, using: &random))
    }
}
