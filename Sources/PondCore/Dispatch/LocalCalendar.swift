/// Calendar arithmetic on the wall clock of one fixed offset from UTC: which local day an instant falls on, how far
/// into it, and when a day starts. Fixed offsets have no daylight saving, so every day is 24 hours long.
struct LocalCalendar: Sendable {
    static let millisecondsPerDay: Int64 = 86_400_000

    let offsetMilliseconds: Int64

    init(utcOffsetSeconds: Int) { offsetMilliseconds = Int64(utcOffsetSeconds) * 1000 }

    /// Days since 1970-01-01 in local time (negative before it).
    func day(of instant: Instant) -> Int64 {
        let local = instant.millisecondsSinceEpoch + offsetMilliseconds
        let day = local / Self.millisecondsPerDay
        return local % Self.millisecondsPerDay < 0 ? day - 1 : day
    }

    /// Milliseconds since local midnight, 0 ..< 86 400 000.
    func timeOfDay(of instant: Instant) -> Int64 {
        let rest = (instant.millisecondsSinceEpoch + offsetMilliseconds) % Self.millisecondsPerDay
        return rest < 0 ? rest + Self.millisecondsPerDay : rest
    }

    /// Local midnight at the start of `day`.
    func start(ofDay day: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: day * Self.millisecondsPerDay - offsetMilliseconds)
    }
}
