/// A literal on the right-hand side of a trait or property predicate.
///
/// Kinds never mix when a rule is evaluated: the JSON number `1` is not `true` and not `"1"`, and a date literal
/// only matches a trait that is an ISO 8601 string. Integers and floating-point numbers stay distinct in the rule
/// (so a rule prints back exactly as it was written) but compare as exact mathematical numbers with each other.
public enum SegmentValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    /// Must be finite (JSON cannot carry NaN or infinity).
    case double(Double)
    case bool(Bool)
    /// A point in time. Written `2026-01-01T00:00:00.000Z` in the text form and `{"date": "…"}` in JSON.
    case date(Instant)

    public var isNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }

    public var isDate: Bool {
        if case .date = self { return true }
        return false
    }

    /// The name used in error messages ("`<` needs a number or a date, got a string").
    public var kindName: String {
        switch self {
        case .string: return "a string"
        case .int, .double: return "a number"
        case .bool: return "a boolean"
        case .date: return "a date"
        }
    }
}

extension SegmentValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
