import Testing

@testable import PondCore

/// Wall-clock arithmetic against references that step minute by minute and day by day.
@Suite("Journey time")
struct JourneyTimeTests {
    static let minute: Int64 = 60_000
    static let day: Int64 = 86_400_000

    static func at(_ text: String) -> Instant { ISO8601.parse(text)! }

    /// The local minute of the day and the local weekday, computed from scratch.
    static func local(_ t: Instant, offset: Int) -> (minute: Int, weekday: Int, day: Int64) {
        let local = t.millisecondsSinceEpoch + Int64(offset) * 1000
        let day = local >= 0 ? local / Self.day : -((-local + Self.day - 1) / Self.day)
        let minute = Int((local - day * Self.day) / Self.minute)
        // 1970-01-01 was a Thursday (ISO 4).
        let weekday = Int(((day % 7) + 7 + 3) % 7) + 1
        return (minute, weekday, day)
    }

    /// Tries every whole minute from `now` on: the first on the time, on an allowed weekday.
    static func referenceNext(_ time: TimeOfDay, _ weekdays: Set<Weekday>, from now: Instant, offset: Int) -> Instant? {
        let ms = now.millisecondsSinceEpoch
        var t = ms % minute == 0 ? ms : ms + (minute - ((ms % minute) + minute) % minute)
        for _ in 0..<(9 * 1440) {
            let l = local(Instant(millisecondsSinceEpoch: t), offset: offset)
            if l.minute == time.minutesSinceMidnight, weekdays.contains(where: { $0.rawValue == l.weekday }) {
                return Instant(millisecondsSinceEpoch: t)
            }
            t += minute
        }
        return nil
    }

    struct Generator {
        var random: SplitMix64

        mutating func offset() -> Int { (random.int(26 * 4 + 1) - 12 * 4) * 900 }

        mutating func now() -> Instant {
            // 2020 … 2031, sometimes exactly on a minute.
            let base = Int64(1_577_836_800_000) + Int64(random.int(12 * 365)) * JourneyTimeTests.day
            let within = Int64(random.int(1440)) * JourneyTimeTests.minute
            let extra = random.chance(30) ? 0 : Int64(random.int(60_000))
            return Instant(millisecondsSinceEpoch: base + within + extra)
        }

        mutating func weekdays() -> Set<Weekday> {
            if random.chance(20) { return Weekday.all }
            var set = Set(Weekday.allCases.filter { _ in random.chance(40) })
            if set.isEmpty { set.insert(Weekday(rawValue: 1 + random.int(7))!) }
            return set
        }
    }

    @Test("the next time of day on allowed weekdays is the reference's", arguments: [5_101 as UInt64, 5_102])
    func nextTimeOfDay(seed: UInt64) {
        var generator = Generator(random: SplitMix64(seed: seed))
        var exactlyNow = 0, sameDay = 0, failures = 0
        for number in 0..<400 {
            let offset = generator.offset()
            var now = generator.now()
            var time = TimeOfDay(minutesSinceMidnight: generator.random.int(1440))
            let weekdays = generator.weekdays()
            if generator.random.chance(15) {
                // Land exactly on the time, on some day.
                now = Instant(millisecondsSinceEpoch: now.millisecondsSinceEpoch - now.millisecondsSinceEpoch % Self.minute)
                time = TimeOfDay(minutesSinceMidnight: Self.local(now, offset: offset).minute)
            }
            let actual = JourneyTime.next(time, on: weekdays, atOrAfter: now, utcOffsetSeconds: offset)
            let expected = Self.referenceNext(time, weekdays, from: now, offset: offset)
            if actual != expected {
                failures += 1
                if failures <= 5 {
                    Issue.record(
                        "seed \(seed), case \(number): \(time) on \(weekdays.sorted()) from \(now) at offset \(offset): \(String(describing: actual)), reference \(String(describing: expected))")
                }
            }
            if actual == now { exactlyNow += 1 }
            if let actual, Self.local(actual, offset: offset).day == Self.local(now, offset: offset).day { sameDay += 1 }
        }
        #expect(exactlyNow >= 10 && sameDay >= 60, "exactly now \(exactlyNow), same day \(sameDay)")
    }

    @Test("strictly after: a schedule that has just fired fires next on the next allowed day")
    func strictlyAfter() {
        let now = Self.at("2026-03-02T12:00:00Z")  // Monday 20:00 in Shanghai
        #expect(JourneyTime.next(TimeOfDay(hour: 20), on: Weekday.all, atOrAfter: now, utcOffsetSeconds: 28_800) == now)
        #expect(
            JourneyTime.next(TimeOfDay(hour: 20), on: Weekday.all, after: now, utcOffsetSeconds: 28_800)
                == Self.at("2026-03-03T12:00:00Z"))
        #expect(
            JourneyTime.next(TimeOfDay(hour: 20), on: [.monday], after: now, utcOffsetSeconds: 28_800)
                == Self.at("2026-03-09T12:00:00Z"))
        #expect(JourneyTime.next(TimeOfDay(hour: 20), on: [], atOrAfter: now, utcOffsetSeconds: 0) == nil)
        #expect(JourneyTime.weekday(of: now, utcOffsetSeconds: 28_800) == .monday)
        #expect(JourneyTime.weekday(of: now, utcOffsetSeconds: 13 * 3600) == .tuesday)
    }

    /// Steps day by day over local days around `now`: the first day whose date, `offsetDays` earlier, is the
    /// month/day (29 February on the 28th in non-leap years), at the time, after `now`.
    static func referenceOccurrence(
        month: Int, dayOfMonth: Int, _ schedule: DateTraitSchedule, after now: Instant, inclusive: Bool, offset: Int
    ) -> Instant? {
        let today = local(now, offset: offset).day
        for d in (today - 2)...(today + 800) {
            let (y, m, dd) = ISO8601.civilFromDays(Int(d) - schedule.offsetDays)
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            let matches = (m == month && dd == dayOfMonth) || (month == 2 && dayOfMonth == 29 && !leap && m == 2 && dd == 28)
            guard matches else { continue }
            let t = Instant(
                millisecondsSinceEpoch: d * Self.day - Int64(offset) * 1000 + Int64(schedule.at.minutesSinceMidnight) * Self.minute)
            if inclusive ? t >= now : t > now { return t }
        }
        return nil
    }

    @Test("the next yearly occurrence of a date trait is the reference's", arguments: [5_201 as UInt64, 5_202])
    func yearlyOccurrence(seed: UInt64) {
        var generator = Generator(random: SplitMix64(seed: seed))
        var leapBirthdays = 0, beforeNow = 0, failures = 0
        for number in 0..<500 {
            let offset = generator.offset()
            let now = generator.now()
            var month = 2, dayOfMonth = 29
            if !generator.random.chance(15) {
                month = 1 + generator.random.int(12)
                dayOfMonth = 1 + generator.random.int(ISO8601.daysIn(month: month, year: 2001))
            }
            let offsetDays = generator.random.chance(30) ? 0 : generator.random.int(61) - 30
            let schedule = DateTraitSchedule(
                trait: "birthday", offsetDays: offsetDays, at: TimeOfDay(minutesSinceMidnight: generator.random.int(1440)))
            let pad = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
            let value: JSONValue =
                generator.random.chance(50) ? .string("1988-\(pad(month))-\(pad(dayOfMonth))") : .string("\(pad(month))-\(pad(dayOfMonth))")
            if month == 2 && dayOfMonth == 29 { leapBirthdays += 1 }
            let inclusive = generator.random.chance(50)
            let actual = schedule.nextOccurrence(of: value, after: now, inclusive: inclusive, utcOffsetSeconds: offset)
            let expected = Self.referenceOccurrence(
                month: month, dayOfMonth: dayOfMonth, schedule, after: now, inclusive: inclusive, offset: offset)
            if actual != expected {
                failures += 1
                if failures <= 5 {
                    Issue.record(
                        "seed \(seed), case \(number): \(value) \(schedule) from \(now) at offset \(offset): \(String(describing: actual)), reference \(String(describing: expected))")
                }
            }
            if let actual, actual.millisecondsSinceEpoch - now.millisecondsSinceEpoch < 60 * Self.day { beforeNow += 1 }
        }
        #expect(leapBirthdays >= 30 && beforeNow >= 40, "leap \(leapBirthdays), within 60 days \(beforeNow)")
    }

    @Test("29 February is celebrated on 28 February in years without one")
    func leapDay() {
        let schedule = DateTraitSchedule(trait: "birthday", at: TimeOfDay(hour: 9))
        let now = Self.at("2027-01-10T00:00:00Z")
        #expect(schedule.nextOccurrence(of: "1992-02-29", after: now, inclusive: false, utcOffsetSeconds: 0) == Self.at("2027-02-28T09:00:00Z"))
        #expect(
            schedule.nextOccurrence(of: "02-29", after: Self.at("2028-01-10T00:00:00Z"), inclusive: false, utcOffsetSeconds: 0)
                == Self.at("2028-02-29T09:00:00Z"))
    }

    @Test("strictly after for triggers, at or after for delays")
    func inclusiveness() {
        let schedule = DateTraitSchedule(trait: "birthday", offsetDays: -3, at: TimeOfDay(hour: 10))
        let fire = Self.at("2026-05-14T02:00:00Z")  // 10:00 in Shanghai, three days before 05-17
        #expect(schedule.nextOccurrence(of: "1990-05-17", after: fire, inclusive: true, utcOffsetSeconds: 28_800) == fire)
        #expect(
            schedule.nextOccurrence(of: "1990-05-17", after: fire, inclusive: false, utcOffsetSeconds: 28_800)
                == Self.at("2027-05-14T02:00:00Z"))
    }

    @Test("a timestamp's date is taken on the profile's clock; unreadable values have no occurrence")
    func values() {
        let schedule = DateTraitSchedule(trait: "birthday", at: TimeOfDay(hour: 9))
        let now = Self.at("2026-01-01T00:00:00Z")
        // Midnight of 17 May in Shanghai is 16 May in UTC.
        #expect(
            schedule.nextOccurrence(of: "1990-05-16T16:00:00Z", after: now, inclusive: false, utcOffsetSeconds: 28_800)
                == Self.at("2026-05-17T01:00:00Z"))
        for bad: JSONValue in ["1990-02-30", "13-01", "1990/05/17", 19900517, "", .null] {
            #expect(schedule.nextOccurrence(of: bad, after: now, inclusive: false, utcOffsetSeconds: 0) == nil, "\(bad)")
        }
        #expect(schedule.nextOccurrence(of: nil, after: now, inclusive: false, utcOffsetSeconds: 0) == nil)
    }

    @Test("a one-off date has one occurrence, none once it has passed, none for a month and day alone")
    func once() {
        let schedule = DateTraitSchedule(trait: "expires", offsetDays: -7, at: TimeOfDay(hour: 10), recurrence: .once)
        #expect(
            schedule.nextOccurrence(of: "2026-03-10", after: Self.at("2026-01-01T00:00:00Z"), inclusive: true, utcOffsetSeconds: 0)
                == Self.at("2026-03-03T10:00:00Z"))
        #expect(schedule.nextOccurrence(of: "2026-03-10", after: Self.at("2026-03-04T00:00:00Z"), inclusive: true, utcOffsetSeconds: 0) == nil)
        #expect(schedule.nextOccurrence(of: "03-10", after: Self.at("2026-01-01T00:00:00Z"), inclusive: true, utcOffsetSeconds: 0) == nil)
    }

    @Test("a sweep's month-day narrowing keeps every profile whose occurrence falls in the window", arguments: [5_301 as UInt64, 5_302])
    func sweepCandidates(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var found = 0
        for _ in 0..<4000 {
            let schedule = DateTraitSchedule(
                trait: "birthday", offsetDays: Int.random(in: -30...30, using: &random),
                at: TimeOfDay(hour: Int.random(in: 0...23, using: &random)), recurrence: Bool.random(using: &random) ? .yearly : .once)
            let from = Instant(millisecondsSinceEpoch: Int64.random(in: 1_767_225_600_000...1_830_297_600_000, using: &random))
            let to = from.adding(milliseconds: Int64.random(in: 60_000...3 * 86_400_000, using: &random))
            // A date near the window, so that many fall in it.
            let near = ISO8601.civilFromDays(
                Int(from.millisecondsSinceEpoch / 86_400_000) - schedule.offsetDays + Int.random(in: -2...3, using: &random))
            let year = schedule.recurrence == .once ? near.year : Int.random(in: 1960...2010, using: &random)
            let month = near.month, day = min(near.day, ISO8601.daysIn(month: near.month, year: year))
            let text: String
            switch Int.random(in: 0..<3, using: &random) {
            case 0: text = "\(year)-\(pad(month))-\(pad(day))"
            case 1: text = "\(pad(month))-\(pad(day))"
            default: text = "\(year)-\(pad(month))-\(pad(day))T\(pad(Int.random(in: 0...23, using: &random))):30:00Z"
            }
            let offset = Int.random(in: -12...14, using: &random) * 3600
            guard schedule.occurrence(of: .string(text), after: from, through: to, utcOffsetSeconds: offset) != nil else { continue }
            found += 1
            // What the store's narrowing reads of the stored JSON text: characters 7–11, or 2–6 of a bare month-day.
            let stored = Array("\"\(text)\"")
            let monthDay = String(stored.count == 7 ? stored[1..<6] : stored[6..<11])
            #expect(schedule.candidateMonthDays(after: from, through: to).contains(monthDay), "\(text) \(schedule) \(from)")
        }
        #expect(found > 500, "the windows catch enough occurrences to test")
    }

    @Test("ISO weekday numbers")
    func weekdays() {
        #expect(Weekday(daysSinceEpoch: 0) == .thursday)
        #expect(Weekday(daysSinceEpoch: -1) == .wednesday)
        #expect(Weekday(daysSinceEpoch: 4) == .monday)
        #expect(Weekday.sunday.rawValue == 7)
    }
}
