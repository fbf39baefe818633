import Testing

@testable import PondCore

@Suite("Dispatch marketing share")
struct MarketingShareTests {
    typealias F = DispatchFixture
    static let now = "2026-03-02T15:00+08:00"

    static func history(marketing: Int, others: Int, on day: String = "2026-02-20") -> [DeliveryRecord] {
        (0..<marketing).map { F.delivery("\(day)T10:0\($0)+08:00") }
            + (0..<others).map { F.delivery("\(day)T11:0\($0)+08:00", .service, on: .email) }
    }

    @Test("marketing may go while it is at most 30 % of the window's messages, an empty window included")
    func withinShare() {
        let cases: [(marketing: Int, others: Int, sends: Bool)] = [
            (0, 0, true), (0, 5, true), (1, 3, true), (1, 2, false), (3, 7, true), (4, 9, false), (1, 0, false),
        ]
        for c in cases {
            let decision = F.decide(F.onlyMarketingShare, F.request(), F.facts(Self.history(marketing: c.marketing, others: c.others)), at: Self.now)
            #expect((decision == .send) == c.sends, "\(c.marketing) of \(c.marketing + c.others): \(decision)")
        }
    }

    @Test("beyond the share, marketing waits until enough marketing has left the rolling window")
    func deferredUntilMarketingLeaves() {
        // 1 of 3: the marketing message leaves at 2026-02-20T10:00 + 30 days.
        let facts = F.facts(Self.history(marketing: 1, others: 2))
        #expect(F.decide(F.onlyMarketingShare, F.request(), facts, at: Self.now) == F.deferred(until: "2026-03-22T10:00+08:00", .marketingShare))
        #expect(F.decide(F.onlyMarketingShare, F.request(), facts, at: "2026-03-22T10:00+08:00") == .send)
    }

    @Test("when service messages would leave first and push the share up, the wait is for the marketing ones")
    func othersLeavingFirstDoNotHelp() {
        let facts = F.facts(
            Self.history(marketing: 0, others: 2, on: "2026-02-05") + Self.history(marketing: 2, others: 3, on: "2026-02-25"))
        // 2 of 7 now: sends. Seen from after 2026-03-07T11:01, when the two older ones have left, 2 of 5 holds until
        // the first marketing message of 02-25 leaves (1 of 4): 2026-03-27T10:00.
        #expect(F.decide(F.onlyMarketingShare, F.request(), facts, at: Self.now) == .send)
        #expect(
            F.decide(F.onlyMarketingShare, F.request(), facts, at: "2026-03-08T12:00+08:00")
                == F.deferred(until: "2026-03-27T10:00+08:00", .marketingShare))
    }

    @Test("only marketing is held by the share; every message of every channel counts towards it")
    func whatCounts() {
        let facts = F.facts(Self.history(marketing: 1, others: 0))
        #expect(F.decide(F.onlyMarketingShare, F.request(.service), facts, at: Self.now) == .send)
        #expect(F.decide(F.onlyMarketingShare, F.request(.content), facts, at: Self.now) == .send)
        #expect(F.decide(F.onlyMarketingShare, F.request(on: .wecom), facts, at: Self.now) != .send)
        let content = (0..<3).map { F.delivery("2026-02-21T10:0\($0)+08:00", .content, on: .wecom) }
        #expect(F.decide(F.onlyMarketingShare, F.request(on: .sms), F.facts(facts.deliveries + content), at: Self.now) == .send)
    }

    @Test("a share that frees at night waits for the morning, and the morning may be after the expiry")
    func shareThenQuietHours() {
        let policy = DispatchPolicy(caps: [], marketingShare: MarketingShare())
        // The marketing message leaves at 2026-03-22T22:00, in quiet hours.
        let facts = F.facts([F.delivery("2026-02-20T22:00+08:00")])
        #expect(F.decide(policy, F.request(), facts, at: Self.now) == F.deferred(until: "2026-03-23T09:00+08:00", .marketingShare))
        let expiring = F.request(expiresAt: "2026-03-23T08:00+08:00")
        #expect(F.decide(policy, expiring, facts, at: Self.now) == .suppress(.expired))
    }

    @Test("after quiet hours end, the share may hold again: service messages left the window overnight")
    func quietHoursThenShare() {
        let policy = DispatchPolicy(caps: [], marketingShare: MarketingShare())
        // 1 of 4 at 22:00; by 09:00 the three service messages of 01-31T23:00 have left: 1 of 1 until 03-25T10:00.
        let facts = F.facts(
            [F.delivery("2026-02-23T10:00+08:00")]
                + (0..<3).map { F.delivery("2026-01-31T23:0\($0)+08:00", .service) })
        #expect(
            F.decide(policy, F.request(), facts, at: "2026-03-02T22:00+08:00")
                == F.deferred(until: "2026-03-25T10:00+08:00", .quietHours))
    }
}
