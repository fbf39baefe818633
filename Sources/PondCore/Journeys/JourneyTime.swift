/// Wall-clock arithmetic for journeys, on the profile's fixed offset from UTC (`DispatchFacts.utcOffsetSeconds`:
/// the profile's own when known, otherwise the brand's).
public enum JourneyTime {
    /// The first instant at or after `now` that is `time` on the local clock of a day in `weekdays`; `now` itself
    /// when it is exactly that. `nil` when `weekdays` is empty.
    public static func next(
        _ time: TimeOfDay, on weekdays: Set<Weekday>, atOrAfter now: Instant, utcOffsetSeconds: Int
    ) -> Instant? {
        guard !weekdays.isEmpty else { return nil }
        let calendar = LocalCalendar(utcOffsetSeconds: utcOffsetSeconds)
        let today = calendar.day(of: now)
        for day in today...(today + 7) where weekdays.contains(Weekday(daysSinceEpoch: day)) {
            let t = calendar.start(ofDay: day).adding(milliseconds: time.millisecondsSinceMidnight)
            if t >= now { return t }
        }
        return nil
    }

    /// Like `next(_:on:atOrAfter:utcOffsetSeconds:)` but strictly after `now`: when a schedule next fires after
    /// it has just fired.
    public static func next(
        _ time: TimeOfDay, on weekdays: Set<Weekday>, after now: Instant, utcOffsetSeconds: Int
    ) -> Instant? {
        next(time, on: weekdays, atOrAfter: now.adding(milliseconds: 1), utcOffsetSeconds: utcOffsetSeconds)
    }

    /// The local weekday of an instant.
    public static func weekday(of instant: Instant, utcOffsetSeconds: Int) -> Weekday {
        Weekday(daysSinceEpoch: LocalCalendar(utcOffsetSeconds: utcOffsetSeconds).day(of: instant))
    }
}
