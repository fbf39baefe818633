/// A day of the week, numbered as ISO 8601 does: Monday 1 … Sunday 7. The raw value is what the JSON form writes.
public enum Weekday: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public static let all: Set<Weekday> = Set(allCases)
    /// Monday to Friday (工作日).
    public static let workdays: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]

    /// The weekday of a day counted from 1970-01-01, which was a Thursday.
    public init(daysSinceEpoch day: Int64) {
        let index = ((day + 3) % 7 + 7) % 7
        self = Weekday(rawValue: Int(index) + 1)!
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][rawValue - 1]
    }
}
