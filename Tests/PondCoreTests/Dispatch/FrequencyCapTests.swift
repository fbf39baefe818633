import Testing

@testable import PondCore

@Suite("Dispatch frequency caps")
struct FrequencyCapTests {
    typealias F = DispatchFixture

    static func caps(_ caps: FrequencyCap...) -> DispatchPolicy {
        DispatchPolicy(caps: caps, quietHours: nil, marketingShare: nil)
    }

    static let twoToday = [F.delivery("2026-03-02T08:00+08:00"), F.delivery("2026-03-02T09:30+08:00")]

    @Test("a third marketing message in a local day waits for the next one")
    func daily() {
        #expect(F.decide(F.onlyDefaultCaps, F.request(), F.facts([Self.twoToday[0]]), at: "2026-03-02T15:00+08:00") == .send)
        #expect(
            F.decide(F.onlyDefaultCaps, F.request(), F.facts(Self.twoToday), at: "2026-03-02T15:00+08:00")
                == F.deferred(until: "2026-03-03T00:00+08:00", .cap))
    }

    @Test("with quiet hours, the next day starts at 09:00")
    func dailyWithQuietHours() {
        let policy = DispatchPolicy(marketingShare: nil)
        #expect(
            F.decide(policy, F.request(), F.facts(Self.twoToday), at: "2026-03-02T15:00+08:00")
                == F.deferred(until: "2026-03-03T09:00+08:00", .cap))
    }

    @Test("a day is the profile's calendar day: last night's messages do not count this morning")
    func calendarDay() {
        let lastNight = [F.delivery("2026-03-01T20:00+08:00"), F.delivery("2026-03-01T20:30+08:00")]
        #expect(F.decide(F.onlyDefaultCaps, F.request(), F.facts(lastNight), at: "2026-03-02T09:00+08:00") == .send)
        // The same instants seen from New York are one local day: 07:00 and 07:30 on 2026-03-01, then 20:00.
        #expect(
            F.decide(F.onlyDefaultCaps, F.request(), F.facts(lastNight, offset: -5 * 3600), at: "2026-03-02T09:00+08:00")
                == F.deferred(until: "2026-03-02T00:00-05:00", .cap))
    }

    @Test("five in the last seven local days hold the sixth until the oldest leaves the window")
    func weekly() {
        // One a day from Tuesday to Saturday; the following Monday still sees all five in its seven days.
        let week = (24...28).map { F.delivery("2026-02-\($0)T12:00+08:00") }
        #expect(
            F.decide(F.onlyDefaultCaps, F.request(), F.facts(week), at: "2026-03-02T10:00+08:00")
                == F.deferred(until: "2026-03-03T00:00+08:00", .cap))
        #expect(F.decide(F.onlyDefaultCaps, F.request(), F.facts(week), at: "2026-03-03T00:00+08:00") == .send)
    }

    @Test("the week cap finds the first day on which its count falls below the limit")
    func weeklyAfterABusyDay() {
        let caps = Self.caps(FrequencyCap(limit: 3, days: 7))
        // Three on Tuesday, one on Thursday: the window must lose Tuesday, on the next Tuesday.
        let history = ["2026-02-24T09:00", "2026-02-24T10:00", "2026-02-24T11:00", "2026-02-26T11:00"].map {
            F.delivery($0 + "+08:00")
        }
        #expect(
            F.decide(caps, F.request(), F.facts(history), at: "2026-02-27T10:00+08:00")
                == F.deferred(until: "2026-03-03T00:00+08:00", .cap))
    }

    @Test("caps count per channel by default, across channels or for one channel when configured")
    func scopes() {
        let mixed = [F.delivery("2026-03-02T08:00+08:00", on: .sms), F.delivery("2026-03-02T09:00+08:00", on: .email)]
        let now = "2026-03-02T15:00+08:00"
        let tomorrow = F.deferred(until: "2026-03-03T00:00+08:00", .cap)
        let perChannel = Self.caps(FrequencyCap(limit: 1, days: 1))
        #expect(F.decide(perChannel, F.request(on: .sms), F.facts(mixed), at: now) == tomorrow)
        #expect(F.decide(perChannel, F.request(on: .wecom), F.facts(mixed), at: now) == .send)
        let across = Self.caps(FrequencyCap(scope: .allChannels, limit: 2, days: 1))
        #expect(F.decide(across, F.request(on: .wecom), F.facts(mixed), at: now) == tomorrow)
        let smsOnly = Self.caps(FrequencyCap(scope: .channel(.sms), limit: 1, days: 1))
        #expect(F.decide(smsOnly, F.request(on: .sms), F.facts(mixed), at: now) == tomorrow)
        #expect(F.decide(smsOnly, F.request(on: .email), F.facts(mixed + mixed), at: now) == .send)
    }

    @Test("caps count their own categories and hold only those")
    func categories() {
        let now = "2026-03-02T15:00+08:00"
        let services = Array(repeating: F.delivery("2026-03-02T08:00+08:00", .service), count: 4)
        #expect(F.decide(F.onlyDefaultCaps, F.request(.marketing), F.facts(services), at: now) == .send)
        #expect(F.decide(F.onlyDefaultCaps, F.request(.service), F.facts(services + Self.twoToday), at: now) == .send)
        let pushes = Self.caps(FrequencyCap(categories: [.content, .marketing], limit: 2, days: 1))
        let oneOfEach = [F.delivery("2026-03-02T08:00+08:00", .content), F.delivery("2026-03-02T09:00+08:00")]
        #expect(F.decide(pushes, F.request(.content), F.facts(oneOfEach), at: now) == F.deferred(until: "2026-03-03T00:00+08:00", .cap))
        #expect(F.decide(pushes, F.request(.service), F.facts(oneOfEach), at: now) == .send)
    }

    @Test("the strictest of several holding caps decides the day")
    func latestCapWins() {
        let caps = Self.caps(FrequencyCap(limit: 1, days: 1), FrequencyCap(limit: 2, days: 3))
        let history = [F.delivery("2026-03-01T10:00+08:00"), F.delivery("2026-03-02T10:00+08:00")]
        // The daily cap frees tomorrow; the 3-day cap when 03-01 leaves its window, on 03-04.
        #expect(
            F.decide(caps, F.request(), F.facts(history), at: "2026-03-02T15:00+08:00")
                == F.deferred(until: "2026-03-04T00:00+08:00", .cap))
    }

    @Test("a delivery stamped after now, by another node's clock, counts")
    func laterStampCounts() {
        let history = [F.delivery("2026-03-02T10:00+08:00"), F.delivery("2026-03-02T15:00:00.300+08:00")]
        #expect(
            F.decide(F.onlyDefaultCaps, F.request(), F.facts(history), at: "2026-03-02T15:00+08:00")
                == F.deferred(until: "2026-03-03T00:00+08:00", .cap))
    }

    @Test("a cap that holds past the expiry suppresses")
    func expiresFirst() {
        let request = F.request(expiresAt: "2026-03-02T23:59+08:00")
        #expect(F.decide(F.onlyDefaultCaps, request, F.facts(Self.twoToday), at: "2026-03-02T15:00+08:00") == .suppress(.expired))
    }
}
