/// The value semantics shared by every predicate. Kept in one place because the SQL compiler for SQLite and
/// Postgres must reproduce exactly these rules; `SegmentEvaluator` documents them for that reader.
enum SegmentComparison {
    static let millisecondsPerDay: Int64 = 86_400_000

    /// Byte equality. Swift's `==` on `String` treats canonically equivalent strings ("é" and "e\u{301}") as equal;
    /// SQL compares bytes, so rules do too.
    static func bytesEqual(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// A dictionary lookup whose key must match byte for byte (see `bytesEqual`).
    static func lookup<Value>(_ key: String, in dictionary: [String: Value]) -> Value? {
        guard let index = dictionary.index(forKey: key), bytesEqual(dictionary[index].key, key) else { return nil }
        return dictionary[index].value
    }

    static func contains(_ set: Set<String>, _ member: String) -> Bool {
        guard let index = set.firstIndex(of: member) else { return false }
        return bytesEqual(set[index], member)
    }

    /// Whether `needle`'s UTF-8 bytes occur contiguously in `haystack`'s. The empty string occurs in every string
    /// (as with SQLite `instr` and Postgres `strpos`).
    static func substring(_ needle: String, in haystack: String) -> Bool {
        let needle = Array(needle.utf8)
        let haystack = Array(haystack.utf8)
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        outer: for start in 0...(haystack.count - needle.count) {
            for offset in 0..<needle.count where haystack[start + offset] != needle[offset] { continue outer }
            return true
        }
        return false
    }

    /// The sign of `a − b`, exactly (no rounding of large integers through `Double`).
    static func compare(_ a: Int64, _ b: Double) -> Int {
        if b >= 9_223_372_036_854_775_808.0 { return -1 }
        if b < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = b.rounded(.towardZero)
        let integer = Int64(whole)
        if a != integer { return a < integer ? -1 : 1 }
        let fraction = b - whole
        return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
    }

    private static func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }

    /// The order of two numbers given as JSON or rule values; `nil` unless both are numbers.
    static func compareNumbers(_ a: JSONValue, _ b: SegmentValue) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return sign(x, y)
        case (.int(let x), .double(let y)): return compare(x, y)
        case (.double(let x), .int(let y)): return -compare(y, x)
        case (.double(let x), .double(let y)): return sign(x, y)
        default: return nil
        }
    }

    /// The order of two rule values of the same family (numbers, dates); `nil` otherwise.
    static func order(_ a: SegmentValue, _ b: SegmentValue) -> Int? {
        switch (a, b) {
        case (.date(let x), .date(let y)): return sign(x, y)
        case (.int(let x), _): return compareNumbers(.int(x), b)
        case (.double(let x), _): return compareNumbers(.double(x), b)
        default: return nil
        }
    }

    /// A JSON value read as a point in time: an ISO 8601 string (offset-less strings are local to
    /// `utcOffsetSeconds`). Numbers are not dates.
    static func instant(_ value: JSONValue, utcOffsetSeconds: Int) -> Instant? {
        guard case .string(let text) = value else { return nil }
        return ISO8601.parse(text, defaultOffsetSeconds: utcOffsetSeconds)
    }

    /// The order of a JSON value against a rule operand: numbers against numbers, dates against ISO 8601 strings.
    static func order(_ value: JSONValue, _ operand: SegmentValue, utcOffsetSeconds: Int) -> Int? {
        switch operand {
        case .int, .double:
            return compareNumbers(value, operand)
        case .date(let date):
            guard let instant = instant(value, utcOffsetSeconds: utcOffsetSeconds) else { return nil }
            return sign(instant, date)
        case .string, .bool:
            return nil
        }
    }

    static func equals(_ value: JSONValue, _ operand: SegmentValue, utcOffsetSeconds: Int) -> Bool {
        switch (value, operand) {
        case (.string(let s), .string(let t)): return bytesEqual(s, t)
        case (.bool(let a), .bool(let b)): return a == b
        case (_, .int), (_, .double), (_, .date):
            return order(value, operand, utcOffsetSeconds: utcOffsetSeconds) == 0
        default: return false
        }
    }

    /// `now − days <= t <= now`.
    static func isWithin(_ t: Instant, days: Int, of now: Instant) -> Bool {
        t <= now && t >= now.adding(milliseconds: -Int64(days) * millisecondsPerDay)
    }

    /// Days from today (the local calendar day of `now`) until the next birthday given by a value starting with
    /// `YYYY-MM-DD`; `nil` when the value is not such a string or its month/day never occurs.
    static func daysUntilBirthday(_ value: JSONValue, now: Instant, utcOffsetSeconds: Int) -> Int? {
        guard case .string(let text) = value else { return nil }
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for i in range {
                guard bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
                result = result * 10 + Int(bytes[i] - 0x30)
            }
            return result
        }
        guard number(0..<4) != nil, let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1, day <= ISO8601.daysIn(month: month, year: 2000)
        else { return nil }
        let localMilliseconds = now.millisecondsSinceEpoch + Int64(utcOffsetSeconds) * 1000
        let today = Int(
            localMilliseconds >= 0
                ? localMilliseconds / millisecondsPerDay
                : (localMilliseconds - millisecondsPerDay + 1) / millisecondsPerDay)
        let year = ISO8601.civilFromDays(today).year
        func occurrence(in year: Int) -> Int {
            let celebrated = month == 2 && day == 29 && ISO8601.daysIn(month: 2, year: year) == 28 ? 28 : day
            return ISO8601.daysFromCivil(year: year, month: month, day: celebrated)
        }
        let thisYear = occurrence(in: year)
        return (thisYear >= today ? thisYear : occurrence(in: year + 1)) - today
    }
}
