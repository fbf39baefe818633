import PondCore

/// An order comparison between a value and a rule operand.
enum SQLComparison: Sendable {
    case less, lessOrEqual, equal, greaterOrEqual, greater

    var symbol: SQLFragment {
        switch self {
        case .less: return "<"
        case .lessOrEqual: return "<="
        case .equal: return "="
        case .greaterOrEqual: return ">="
        case .greater: return ">"
        }
    }
}

/// What `value <op> operand` means for a JSON number, split by how Pond's parser reads the number: an integer
/// literal that fits `Int64`, or any other number as the nearest `Double`.
///
/// Numbers compare as exact mathematical values (`SegmentEvaluator`), but SQL engines compare a 64-bit integer
/// with a double by converting one of them, which rounds beyond 2^53. So the operand is folded here, once per rule,
/// into a bound of the value's own kind that gives the exact answer: `x < 2.5` for an integer `x` is `x < 3`;
/// `d <= 2^53 + 1` for a double `d` is `d <= 2^53` (the largest double not above it). The database then compares
/// integers with integers and doubles with doubles only.
struct NumericBounds: Equatable {
    enum Test: Equatable {
        case always
        case never
        case compare(SQLComparison, SQLValue)
    }

    /// The test for a value that is an integer.
    var integers: Test
    /// The test for a value that is a double.
    var doubles: Test

    /// Nil when the operand is not a number (the comparison then fails for every number).
    init?(_ comparison: SQLComparison, _ operand: SegmentValue) {
        switch operand {
        case .int(let bound):
            integers = .compare(comparison, .int(bound))
            doubles = Self.doubleTest(comparison, integer: bound)
        case .double(let bound):
            integers = Self.integerTest(comparison, double: bound)
            doubles = .compare(comparison, .double(bound))
        case .string, .bool, .date:
            return nil
        }
    }

    /// 2^63: the first double above `Int64.max`.
    private static let twoToThe63 = 9_223_372_036_854_775_808.0

    /// `x <op> bound` for an integer `x` and a double bound.
    private static func integerTest(_ comparison: SQLComparison, double bound: Double) -> Test {
        let floor = bound.rounded(.down)
        let ceiling = bound.rounded(.up)
        /// `x >= limit` (or `x > limit`) for a whole-number double `limit`.
        func atLeast(_ limit: Double, strict: Bool) -> Test {
            if limit >= twoToThe63 { return .never }
            if limit < -twoToThe63 || (!strict && limit == -twoToThe63) { return .always }
            return .compare(strict ? .greater : .greaterOrEqual, .int(Int64(limit)))
        }
        /// `x <= limit` (or `x < limit`).
        func atMost(_ limit: Double, strict: Bool) -> Test {
            if limit >= twoToThe63 { return .always }
            if limit < -twoToThe63 || (strict && limit == -twoToThe63) { return .never }
            return .compare(strict ? .less : .lessOrEqual, .int(Int64(limit)))
        }
        switch comparison {
        case .less: return atMost(ceiling, strict: true)
        case .lessOrEqual: return atMost(floor, strict: false)
        case .greater: return atLeast(floor, strict: true)
        case .greaterOrEqual: return atLeast(ceiling, strict: false)
        case .equal:
            guard floor == bound, bound >= -twoToThe63, bound < twoToThe63 else { return .never }
            return .compare(.equal, .int(Int64(bound)))
        }
    }

    /// `d <op> bound` for a double `d` and an integer bound: the bound becomes the nearest double on the side that
    /// keeps the answer exact.
    private static func doubleTest(_ comparison: SQLComparison, integer bound: Int64) -> Test {
        let nearest = Double(bound)
        let order = Self.compare(bound, nearest)
        // The largest double <= bound and the smallest double >= bound.
        let below = order >= 0 ? nearest : nearest.nextDown
        let above = order <= 0 ? nearest : nearest.nextUp
        switch comparison {
        case .less: return .compare(.less, .double(above))
        case .lessOrEqual: return .compare(.lessOrEqual, .double(below))
        case .greater: return .compare(.greater, .double(below))
        case .greaterOrEqual: return .compare(.greaterOrEqual, .double(above))
        case .equal: return order == 0 ? .compare(.equal, .double(nearest)) : .never
        }
    }

    /// The sign of `a − b`, exactly.
    static func compare(_ a: Int64, _ b: Double) -> Int {
        if b >= twoToThe63 { return -1 }
        if b < -twoToThe63 { return 1 }
        let whole = b.rounded(.towardZero)
        let integer = Int64(whole)
        if a != integer { return a < integer ? -1 : 1 }
        let fraction = b - whole
        return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
    }
}
