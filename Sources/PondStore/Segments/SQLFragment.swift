/// A piece of SQL and the values bound to its `?` placeholders, in order.
///
/// Built by interpolation, where only two things can be interpolated: another fragment (its text and binds are
/// spliced in) and `bind:` a value (which adds a `?`). There is no way to splice a runtime `String` into the text,
/// so a tag, key or event name from a rule can only ever reach the database as a bound value:
///
///     let test: SQLFragment = "t.key = \(bind: key) AND \(predicate)"
public struct SQLFragment: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var binds: [SQLValue]

    public init(stringLiteral literal: StaticString) {
        sql = literal.description
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [SQLValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 8)
        }

        public mutating func appendLiteral(_ literal: StaticString) { sql += literal.description }

        public mutating func appendInterpolation(_ fragment: SQLFragment) {
            sql += fragment.sql
            binds += fragment.binds
        }

        public mutating func appendInterpolation(bind value: SQLValue) {
            sql += "?"
            binds.append(value)
        }

        public mutating func appendInterpolation(bind text: String) { appendInterpolation(bind: .text(text)) }
        public mutating func appendInterpolation(bind int: Int64) { appendInterpolation(bind: .int(int)) }
        public mutating func appendInterpolation(bind double: Double) { appendInterpolation(bind: .double(double)) }

        /// An integer written into the text (for generated aliases such as `j12`): digits cannot carry SQL.
        public mutating func appendInterpolation(number: Int) { sql += String(number) }
    }

    /// `fragments` separated by `separator`; `empty` when there are none.
    static func joined(_ fragments: [SQLFragment], separator: StaticString, empty: SQLFragment = "")
        -> SQLFragment
    {
        guard var result = fragments.first else { return empty }
        for fragment in fragments.dropFirst() {
            result.sql += separator.description
            result.sql += fragment.sql
            result.binds += fragment.binds
        }
        return result
    }

    /// `(a AND b AND …)`, or `TRUE` for none.
    static func and(_ parts: [SQLFragment]) -> SQLFragment {
        parts.count == 1 ? parts[0] : "(\(joined(parts, separator: " AND ", empty: "TRUE")))"
    }

    /// `(a OR b OR …)`, or `FALSE` for none.
    static func or(_ parts: [SQLFragment]) -> SQLFragment {
        parts.count == 1 ? parts[0] : "(\(joined(parts, separator: " OR ", empty: "FALSE")))"
    }

    /// `?, ?, …` binding each value.
    static func list(_ values: [SQLValue]) -> SQLFragment {
        joined(values.map { "\(bind: $0)" }, separator: ", ")
    }
}
