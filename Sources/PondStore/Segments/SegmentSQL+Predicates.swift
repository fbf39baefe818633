import PondCore

/// Predicates over one JSON value (a trait, an event property), mirroring `SegmentEvaluator.matches(_:value:now:)`.
///
/// Every expression here is TRUE exactly when the evaluator says the predicate holds, and FALSE or NULL otherwise;
/// it is only ever used as a filter (`WHERE`), where NULL counts as false. Where a result is negated, it is first
/// made two-valued with `IS NOT TRUE`.
extension SegmentSQL {
    func test(_ predicate: SegmentPredicate, _ value: JSONValueSQL) -> SQLFragment {
        switch predicate {
        case .equals(let operand):
            return equals(value, operand)
        case .notEquals(let operand):
            // Present, and not equal — a value of another kind is not equal.
            return "(\(present(value)) AND \(equals(value, operand)) IS NOT TRUE)"
        case .lessThan(let operand):
            return order(value, .less, operand)
        case .lessThanOrEqual(let operand):
            return order(value, .lessOrEqual, operand)
        case .greaterThan(let operand):
            return order(value, .greater, operand)
        case .greaterThanOrEqual(let operand):
            return order(value, .greaterOrEqual, operand)
        case .between(let low, let high):
            return .and([order(value, .greaterOrEqual, low), order(value, .lessOrEqual, high)])
        case .oneOf(let operands):
            var strings: [String] = []
            var others: [SQLFragment] = []
            for operand in operands {
                if case .string(let string) = operand {
                    strings.append(string)
                } else {
                    others.append(equals(value, operand))
                }
            }
            return .or((strings.isEmpty ? [] : [stringIn(value, strings)]) + others)
        case .contains(let operand):
            // A substring of a string value, or an element of an array value.
            var parts: [SQLFragment] = []
            if case .string(let needle) = operand { parts.append(substring(value, needle)) }
            let (table, element) = value.elements(dialect)
            parts.append(
                """
                CASE WHEN \(value.kind) = 'array' \
                THEN EXISTS (SELECT 1 FROM \(table) WHERE \(equals(element, operand))) ELSE FALSE END
                """)
            return .or(parts)
        case .startsWith(let prefix):
            // The empty string starts every string (and SQLite's `substr` of an empty BLOB is NULL).
            guard !prefix.isEmpty else { return isString(value) }
            switch dialect {
            case .sqlite:
                // Bytes, not characters: both sides as BLOBs.
                let length = Int64(prefix.utf8.count)
                return """
                    (\(isString(value)) AND substr(CAST(\(value.text) AS BLOB), 1, \(bind: length)) = \
                    CAST(\(bind: prefix) AS BLOB))
                    """
            case .postgres:
                return "(\(isString(value)) AND starts_with(\(value.text), \(bind: PostgresText.inJSON(prefix))))"
            }
        case .exists:
            return present(value)
        case .notExists:
            return "\(present(value)) IS NOT TRUE"
        case .withinLast(let days):
            return "\(instant(value)) BETWEEN \(bind: windowStart(days: days)) AND \(bind: now.millisecondsSinceEpoch)"
        case .birthdayWithin(let days):
            // A `YYYY-MM-DD…` string whose month and day is celebrated on one of the local days in the window.
            let monthDays = birthdayMonthDays(within: days)
            guard !monthDays.isEmpty else { return "FALSE" }
            let shape: SQLFragment =
                dialect == .sqlite
                ? "\(value.text) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"
                : "\(value.text) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'"
            return "(\(shape) AND substr(\(value.text), 6, 5) IN (\(SQLFragment.list(monthDays.map(SQLValue.text)))))"
        }
    }

    /// The `MM-DD`s celebrated on the local days today … today + `days` (the evaluator's `birthday in next Nd`):
    /// each day's own month and day, and `02-29` on 28 February of a common year. Today is the date of
    /// `now + utcOffsetSeconds`. After 367 days every month and day has come round, so longer windows stop there.
    /// Worked out here, once per rule, the test in SQL is a plain text comparison on both dialects.
    func birthdayMonthDays(within days: Int) -> [String] {
        guard days >= 0 else { return [] }
        let day: Int64 = 86_400_000
        let local = now.millisecondsSinceEpoch + Int64(utcOffsetSeconds) * 1000
        let today = Int(local >= 0 ? local / day : (local - day + 1) / day)
        var monthDays: [String] = []
        func add(_ month: Int, _ day: Int) {
            let text = (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
            if !monthDays.contains(text) { monthDays.append(text) }
        }
        for offset in 0...min(days, 366) {
            let date = ISO8601.civilFromDays(today + offset)
            add(date.month, date.day)
            let leap = (date.year % 4 == 0 && date.year % 100 != 0) || date.year % 400 == 0
            if date.month == 2, date.day == 28, !leap { add(2, 29) }
        }
        return monthDays
    }

    /// Present and not JSON `null`.
    private func present(_ value: JSONValueSQL) -> SQLFragment { "\(value.kind) <> 'null'" }

    private func isString(_ value: JSONValueSQL) -> SQLFragment {
        dialect == .sqlite ? "\(value.kind) = 'text'" : "\(value.kind) = 'string'"
    }

    /// `=`: same kind and equal.
    private func equals(_ value: JSONValueSQL, _ operand: SegmentValue) -> SQLFragment {
        switch operand {
        case .string(let string):
            return stringIn(value, [string])
        case .bool(let bool):
            switch dialect {
            case .sqlite: return bool ? "\(value.kind) = 'true'" : "\(value.kind) = 'false'"
            case .postgres:
                return bool
                    ? "(\(value.kind) = 'boolean' AND \(value.text) = 'true')"
                    : "(\(value.kind) = 'boolean' AND \(value.text) = 'false')"
            }
        case .int, .double, .date:
            return order(value, .equal, operand)
        }
    }

    /// A string value byte-equal to one of `strings`.
    ///
    /// `text = ?` alone is exact when no other kind of value can read as that text: numbers and booleans read as
    /// SQL numbers in SQLite and as their spelling in Postgres (`12`, `-1`, `true`, `false`), arrays and objects as
    /// their JSON (`[…`, `{…`), null as NULL. So the kind check, which costs SQLite another parse of the document,
    /// is only added for operands that start like one of those.
    private func stringIn(_ value: JSONValueSQL, _ strings: [String]) -> SQLFragment {
        let operands = strings.map { dialect == .postgres ? PostgresText.inJSON($0) : $0 }
        let test: SQLFragment =
            operands.count == 1
            ? "\(value.text) = \(bind: operands[0])"
            : "\(value.text) IN (\(SQLFragment.list(operands.map(SQLValue.text))))"
        let ambiguous = operands.contains { operand in
            guard let first = operand.utf8.first else { return false }
            return "[{-0123456789tf \t\n\r".utf8.contains(first)
        }
        return ambiguous ? "(\(isString(value)) AND \(test))" : test
    }

    /// A string value containing `needle`'s bytes. `instr` and `strpos` compare bytes (at character boundaries,
    /// which for valid UTF-8 is the same), unlike `LIKE`; both find the empty string in every string.
    private func substring(_ value: JSONValueSQL, _ needle: String) -> SQLFragment {
        switch dialect {
        case .sqlite:
            return "(\(isString(value)) AND instr(\(value.text), \(bind: needle)) > 0)"
        case .postgres:
            return "(\(isString(value)) AND strpos(\(value.text), \(bind: PostgresText.inJSON(needle))) > 0)"
        }
    }

    /// `<`, `<=`, `=`, `>=`, `>` against a number (numbers only) or a date (ISO 8601 strings only).
    private func order(_ value: JSONValueSQL, _ comparison: SQLComparison, _ operand: SegmentValue) -> SQLFragment {
        if case .date(let date) = operand {
            return "\(instant(value)) \(comparison.symbol) \(bind: date.millisecondsSinceEpoch)"
        }
        guard let bounds = NumericBounds(comparison, operand) else { return "FALSE" }
        var parts: [SQLFragment] = []
        let integer: SQLFragment = "pond_json_int(\(value.json))"
        let double: SQLFragment = "pond_json_real(\(value.json))"
        for (test, number) in [(bounds.integers, integer), (bounds.doubles, double)] {
            switch test {
            case .always: parts.append("\(number) IS NOT NULL")
            case .never: break
            case .compare(let comparison, let bound): parts.append("\(number) \(comparison.symbol) \(bind: bound)")
            }
        }
        return .or(parts)
    }

    /// The value as milliseconds when it is a string `ISO8601.parse` accepts (read at the workspace's offset when it
    /// has none); NULL otherwise. Non-strings never parse: numbers reach the function as numbers (SQLite) or
    /// digits without dashes (Postgres), arrays and objects as JSON starting with `[` or `{`.
    private func instant(_ value: JSONValueSQL) -> SQLFragment {
        "pond_instant(\(value.text), \(bind: Int64(utcOffsetSeconds)))"
    }
}
