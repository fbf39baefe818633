/// A test applied to one value: a profile trait, or a property of an event.
///
/// The same predicates, with the same semantics, serve `trait` conditions and event property filters, so the SQL
/// compiler needs one translation of "predicate over a JSON value" for both. Semantics are defined in
/// `SegmentEvaluator`; the short version:
/// - a missing or `null` value fails every predicate except `notExists`;
/// - strings compare by their UTF-8 bytes (no case folding, no Unicode normalisation, no collation);
/// - order comparisons (`<`, `between`, …) take numbers or dates, never strings;
/// - a date literal matches a value that is an ISO 8601 string, compared as instants.
public enum SegmentPredicate: Sendable, Hashable {
    /// `=`: same kind and equal (numbers numerically, dates as instants, strings byte for byte).
    case equals(SegmentValue)
    /// `!=`: the value exists and `equals` is false. A missing value is *not* "not equal" — use `not` for that.
    case notEquals(SegmentValue)
    /// `<` (text form `before` when the operand is a date).
    case lessThan(SegmentValue)
    /// `<=`.
    case lessThanOrEqual(SegmentValue)
    /// `>` (text form `after` when the operand is a date).
    case greaterThan(SegmentValue)
    /// `>=`.
    case greaterThanOrEqual(SegmentValue)
    /// `between a and b`: `a <= value <= b`, both ends inclusive; `a` and `b` are both numbers or both dates.
    case between(SegmentValue, SegmentValue)
    /// `in [a, b, …]`: `equals` one of the listed values. A value that is itself an array never matches.
    case oneOf([SegmentValue])
    /// `contains x`: substring for a string value (`x` a string), membership (by `equals`) for an array value.
    case contains(SegmentValue)
    /// `starts with "x"`: a string value whose UTF-8 bytes begin with those of `x`.
    case startsWith(String)
    /// `exists`: present and not `null`.
    case exists
    /// `not exists`: absent or `null`. The only predicate a missing value satisfies.
    case notExists
    /// `within last Nd`: an ISO 8601 value with `now − N days <= value <= now`.
    case withinLast(days: Int)
    /// `birthday in next Nd`: the month and day of a `YYYY-MM-DD…` value fall on one of the local calendar days
    /// today … today + N (N + 1 days, today included). A 29 February birthday is celebrated on 28 February in
    /// years without a 29th.
    case birthdayWithin(days: Int)

    /// Whether the result depends on the evaluation time.
    public var isTimeDependent: Bool {
        switch self {
        case .withinLast, .birthdayWithin: return true
        default: return false
        }
    }
}
