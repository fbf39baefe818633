/// A moment derived from a date the profile carries as a trait: a birthday, a membership anniversary, the day a
/// subscription ends — `offsetDays` days after it (before it when negative), at a local time of day.
///
/// The trait may be a date `"1990-05-17"`, a month and day `"05-17"`, or an ISO 8601 timestamp
/// (`"1990-05-16T16:00:00Z"`), whose date is taken in the profile's time zone — a birthday saved as midnight in
/// Shanghai is still the 17th. Anything else (a number, a malformed string, `02-30`) has no occurrence.
///
/// With `.yearly` recurrence the date's month and day come back every year and its year is ignored. A 29 February
/// falls on 28 February in years without one: it keeps the celebration in its month and on the same day that
/// the segment condition `birthday in next Nd` uses, so a "birthday this week" segment and a birthday journey
/// agree about who has a birthday when. With `.once` the date is a single day (a `"05-17"` value then has none).
public struct DateTraitSchedule: Sendable, Hashable {
    public enum Recurrence: String, Sendable, Hashable, CaseIterable {
        case yearly
        case once
    }

    public var trait: String
    public var offsetDays: Int
    public var at: TimeOfDay
    public var recurrence: Recurrence

    public static let offsetRange = -366...366

    public init(trait: String, offsetDays: Int = 0, at: TimeOfDay, recurrence: Recurrence = .yearly) {
        self.trait = trait
        self.offsetDays = offsetDays
        self.at = at
        self.recurrence = recurrence
    }

    /// The first occurrence after `now` — or at `now` too when `inclusive` — on the profile's wall clock; `nil`
    /// when the value has none (unreadable, or a one-off date already past).
    ///
    /// Triggers ask for the occurrence strictly after now (`inclusive: false`): a birthday trigger that has just
    /// fired at 10:00 and is asked again at 10:00 must answer next year, not fire twice. A delay asks inclusively,
    /// so a step re-decided at exactly its wake-up time does not wait another year.
    public func nextOccurrence(
        of value: JSONValue?, after now: Instant, inclusive: Bool, utcOffsetSeconds: Int
    ) -> Instant? {
        guard let value, let date = Self.date(of: value, utcOffsetSeconds: utcOffsetSeconds) else { return nil }
        let calendar = LocalCalendar(utcOffsetSeconds: utcOffsetSeconds)
        func instant(onDay day: Int) -> Instant {
            calendar.start(ofDay: Int64(day + offsetDays)).adding(milliseconds: at.millisecondsSinceMidnight)
        }
        func isNext(_ t: Instant) -> Bool { inclusive ? t >= now : t > now }
        switch recurrence {
        case .once:
            guard let year = date.year else { return nil }
            let t = instant(onDay: ISO8601.daysFromCivil(year: year, month: date.month, day: date.day))
            return isNext(t) ? t : nil
        case .yearly:
            let thisYear = ISO8601.civilFromDays(Int(calendar.day(of: now))).year
            for year in (thisYear - 2)...(thisYear + 3) {
                let t = instant(onDay: Self.celebrated(month: date.month, day: date.day, in: year))
                if isNext(t) { return t }
            }
            return nil
        }
    }

    /// The day a month/day falls on in `year`, 29 February on the 28th in years without one.
    static func celebrated(month: Int, day: Int, in year: Int) -> Int {
        let actual = month == 2 && day == 29 && ISO8601.daysIn(month: 2, year: year) == 28 ? 28 : day
        return ISO8601.daysFromCivil(year: year, month: month, day: actual)
    }

    /// The (year,) month and day a trait value names.
    static func date(of value: JSONValue, utcOffsetSeconds: Int) -> (year: Int?, month: Int, day: Int)? {
        guard case .string(let text) = value else { return nil }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for i in range {
                guard (0x30...0x39).contains(bytes[i]) else { return nil }
                result = result * 10 + Int(bytes[i] - 0x30)
            }
            return result
        }
        func valid(_ year: Int?, _ month: Int, _ day: Int) -> (year: Int?, month: Int, day: Int)? {
            guard (1...12).contains(month), day >= 1, day <= ISO8601.daysIn(month: month, year: year ?? 2000) else {
                return nil
            }
            return (year, month, day)
        }
        switch bytes.count {
        case 5 where bytes[2] == UInt8(ascii: "-"):
            guard let month = number(0..<2), let day = number(3..<5) else { return nil }
            return valid(nil, month, day)
        case 10 where bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-"):
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return valid(year, month, day)
        default:
            guard bytes.count > 10, let instant = ISO8601.parse(text, defaultOffsetSeconds: utcOffsetSeconds) else {
                return nil
            }
            let civil = ISO8601.civilFromDays(Int(LocalCalendar(utcOffsetSeconds: utcOffsetSeconds).day(of: instant)))
            return (civil.year, civil.month, civil.day)
        }
    }
}

extension DateTraitSchedule {
    /// The profile's occurrence in the window `(from, to]`, if it has one: what a date-trait trigger that swept up to
    /// `from` enters at, sweeping on to `to`.
    public func occurrence(of value: JSONValue?, after from: Instant, through to: Instant, utcOffsetSeconds: Int) -> Instant? {
        guard let t = nextOccurrence(of: value, after: from, inclusive: false, utcOffsetSeconds: utcOffsetSeconds), t <= to
        else { return nil }
        return t
    }

    /// Every `MM-DD` whose occurrence may fall in `(from, to]` for a profile on any clock from UTC−12 to UTC+14: the
    /// local days the window spans there, moved back by `offsetDays`, a day of margin either side (a timestamp's
    /// date in the profile's zone is a day off its UTC date), and `02-29` beside a common year's 28 February.
    /// The store narrows a sweep with these before the exact test (`occurrence`) runs on each candidate.
    public func candidateMonthDays(after from: Instant, through to: Instant) -> [String] {
        let day: Int64 = 86_400_000
        func localDay(_ t: Instant, _ offsetHours: Int64) -> Int64 {
            let local = t.millisecondsSinceEpoch + offsetHours * 3_600_000
            return local >= 0 ? local / day : (local - day + 1) / day
        }
        let first = localDay(from, -12) - Int64(offsetDays) - 1
        let last = localDay(to, 14) - Int64(offsetDays) + 1
        var monthDays: [String] = []
        func add(_ month: Int, _ day: Int) {
            let text = (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
            if !monthDays.contains(text) { monthDays.append(text) }
        }
        for d in first...max(first, min(last, first + 367)) {
            let date = ISO8601.civilFromDays(Int(d))
            add(date.month, date.day)
            if date.month == 2, date.day == 28, ISO8601.daysIn(month: 2, year: date.year) == 28 { add(2, 29) }
        }
        return monthDays
    }
}
