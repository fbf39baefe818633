import Foundation
import Testing

@testable import PondCore

@Suite("Dispatch quiet hours")
struct QuietHoursTests {
    typealias F = DispatchFixture

    struct Case: CustomStringConvertible {
        var offset: Int
        /// Local times, written with `offset`.
        var now: String
        var expected: String?
        var description: String { "\(now) → \(expected ?? "send")" }
    }

    static func cases(_ offset: String, seconds: Int) -> [Case] {
        [
            Case(offset: seconds, now: "2026-03-02T20:59:59.999\(offset)", expected: nil),
            Case(offset: seconds, now: "2026-03-02T21:00\(offset)", expected: "2026-03-03T09:00\(offset)"),
            Case(offset: seconds, now: "2026-03-02T23:59:59.999\(offset)", expected: "2026-03-03T09:00\(offset)"),
            Case(offset: seconds, now: "2026-03-03T00:00\(offset)", expected: "2026-03-03T09:00\(offset)"),
            Case(offset: seconds, now: "2026-03-03T03:17:21.500\(offset)", expected: "2026-03-03T09:00\(offset)"),
            Case(offset: seconds, now: "2026-03-03T08:59:59.999\(offset)", expected: "2026-03-03T09:00\(offset)"),
            Case(offset: seconds, now: "2026-03-03T09:00\(offset)", expected: nil),
            Case(offset: seconds, now: "2026-03-03T12:00\(offset)", expected: nil),
            // The last night of a month and of a year wrap like any other.
            Case(offset: seconds, now: "2026-02-28T22:00\(offset)", expected: "2026-03-01T09:00\(offset)"),
            Case(offset: seconds, now: "2026-12-31T23:00\(offset)", expected: "2027-01-01T09:00\(offset)"),
        ]
    }

    static let shanghai = cases("+08:00", seconds: 8 * 3600)
    static let newYork = cases("-05:00", seconds: -5 * 3600)
    static let mumbai = cases("+05:30", seconds: 5 * 3600 + 1800)
    static let kathmandu = cases("+05:45", seconds: 5 * 3600 + 2700)

    @Test("21:00–09:00 wraps midnight in the profile's zone", arguments: shanghai + newYork + mumbai + kathmandu)
    func wrapsMidnight(_ c: Case) {
        let decision = F.decide(F.onlyQuietHours, F.request(), F.facts(offset: c.offset), at: c.now)
        #expect(decision == (c.expected.map { F.deferred(until: $0, .quietHours) } ?? .send))
    }

    @Test("one instant is night in Shanghai and morning in New York and Mumbai")
    func sameInstantOtherZones() {
        let now = "2026-03-02T14:00Z"
        #expect(
            F.decide(F.onlyQuietHours, F.request(), F.facts(offset: 8 * 3600), at: now)
                == F.deferred(until: "2026-03-03T01:00Z", .quietHours))
        #expect(F.decide(F.onlyQuietHours, F.request(), F.facts(offset: -5 * 3600), at: now) == .send)
        #expect(F.decide(F.onlyQuietHours, F.request(), F.facts(offset: 5 * 3600 + 1800), at: now) == .send)
    }

    @Test("the profile's own offset wins over the brand's")
    func profileOffset() {
        let facts = F.facts(offset: 8 * 3600, profileOffset: -8 * 3600)
        #expect(facts.utcOffsetSeconds == -8 * 3600)
        // 10:00 in Shanghai is 18:00 the day before in Vancouver: open. 14:00 in Shanghai is 22:00 there, until 09:00.
        #expect(F.decide(F.onlyQuietHours, F.request(), facts, at: "2026-03-02T10:00+08:00") == .send)
        #expect(
            F.decide(F.onlyQuietHours, F.request(), facts, at: "2026-03-02T14:00+08:00")
                == F.deferred(until: "2026-03-02T09:00-08:00", .quietHours))
    }

    @Test("quiet hours within one day hold only inside them")
    func withinOneDay() {
        let lunch = DispatchPolicy(
            caps: [], quietHours: QuietHours(start: TimeOfDay(hour: 12), end: TimeOfDay(hour: 13, minute: 30)),
            marketingShare: nil)
        #expect(F.decide(lunch, at: "2026-03-02T11:59+08:00") == .send)
        #expect(F.decide(lunch, at: "2026-03-02T12:00+08:00") == F.deferred(until: "2026-03-02T13:30+08:00", .quietHours))
        #expect(F.decide(lunch, at: "2026-03-02T13:29:59+08:00") == F.deferred(until: "2026-03-02T13:30+08:00", .quietHours))
        #expect(F.decide(lunch, at: "2026-03-02T13:30+08:00") == .send)
        #expect(F.decide(lunch, at: "2026-03-02T23:00+08:00") == .send)
    }

    @Test("service is exempt by default, content and marketing are not; exemptions are configurable")
    func exemptions() {
        let night = "2026-03-02T23:00+08:00"
        #expect(F.decide(F.onlyQuietHours, F.request(.service), at: night) == .send)
        #expect(F.decide(F.onlyQuietHours, F.request(.content), at: night) == F.deferred(until: "2026-03-03T09:00+08:00", .quietHours))
        #expect(F.decide(F.onlyQuietHours, F.request(.marketing), at: night) == F.deferred(until: "2026-03-03T09:00+08:00", .quietHours))
        let strict = DispatchPolicy(caps: [], quietHours: QuietHours(exempt: []), marketingShare: nil)
        #expect(F.decide(strict, F.request(.service), at: night) == F.deferred(until: "2026-03-03T09:00+08:00", .quietHours))
        let relaxed = DispatchPolicy(caps: [], quietHours: QuietHours(exempt: [.service, .content]), marketingShare: nil)
        #expect(F.decide(relaxed, F.request(.content), at: night) == .send)
    }

    @Test("without quiet hours night is like day")
    func off() {
        #expect(F.decide(DispatchPolicy(caps: [], quietHours: nil, marketingShare: nil), at: "2026-03-02T23:00+08:00") == .send)
    }

    @Test("local days and times agree with Foundation's calendar at every offset")
    func calendarArithmetic() throws {
        var random = SplitMix64(seed: 20_260_302)
        var calendar = Calendar(identifier: .gregorian)
        for _ in 0..<2_000 {
            let offset = Int.random(in: WorkspaceSettings.utcOffsetRange, using: &random) / 60 * 60
            let instant = Instant(millisecondsSinceEpoch: Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &random))
            calendar.timeZone = try #require(TimeZone(secondsFromGMT: offset))
            let date = Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1000)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let local = LocalCalendar(utcOffsetSeconds: offset)
            let day = local.day(of: instant)
            #expect(day == Int64(ISO8601.daysFromCivil(year: parts.year!, month: parts.month!, day: parts.day!)), "\(instant) at \(offset)")
            #expect(local.timeOfDay(of: instant) / 1000 == Int64(parts.hour! * 3600 + parts.minute! * 60 + parts.second!))
            let midnight = local.start(ofDay: day)
            #expect(midnight <= instant && instant.millisecondsSinceEpoch - midnight.millisecondsSinceEpoch < 86_400_000)
            #expect(calendar.startOfDay(for: date) == Date(timeIntervalSince1970: Double(midnight.millisecondsSinceEpoch) / 1000))
        }
    }
}
