import Testing

@testable import PondCore

/// The rules in the order the dispatcher checks them: each case removes the first failing rule of the one before,
/// so the next one decides.
@Suite("Dispatch decision order")
struct DispatchOrderTests {
    typealias F = DispatchFixture

    /// 21:30 in Shanghai on a Monday with two marketing messages already sent today: everything that can refuse
    /// does, but for the share — 2 of 7 messages this month are marketing.
    static let now = "2026-03-02T21:30+08:00"
    static let history = [
        F.delivery("2026-03-02T10:00+08:00"), F.delivery("2026-03-02T12:00+08:00"),
    ] + (25...28).map { F.delivery("2026-02-\($0)T10:00+08:00", .service) } + [F.delivery("2026-03-01T10:00+08:00", .content)]

    struct Case: CustomStringConvertible {
        var name: String
        var request: DispatchRequest
        var facts: DispatchFacts
        var expected: DispatchDecision
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "expired comes first", request: F.request(expiresAt: "2026-03-02T21:30+08:00"),
            facts: F.facts(history, consent: .unknown, hasAddress: false), expected: .suppress(.expired)),
        Case(
            name: "then no address", request: F.request(expiresAt: "2026-03-09T00:00+08:00"),
            facts: F.facts(history, consent: .unknown, hasAddress: false), expected: .suppress(.noAddress)),
        Case(
            name: "then consent: nothing on record", request: F.request(expiresAt: "2026-03-09T00:00+08:00"),
            facts: F.facts(history, consent: .unknown), expected: .suppress(.noConsent)),
        Case(
            name: "then consent: revoked", request: F.request(expiresAt: "2026-03-09T00:00+08:00"),
            facts: F.facts(history, consent: ChannelConsent(marketing: F.revoked)), expected: .suppress(.unsubscribed)),
        Case(
            name: "then quiet hours, deferred past the night and the cap's day to 09:00",
            request: F.request(expiresAt: "2026-03-09T00:00+08:00"), facts: F.facts(history),
            expected: F.deferred(until: "2026-03-03T09:00+08:00", .quietHours)),
        Case(
            name: "then quiet hours expiring before they end",
            request: F.request(expiresAt: "2026-03-03T09:00+08:00"), facts: F.facts(history),
            expected: .suppress(.expired)),
        Case(
            name: "an expiry a millisecond after the deferral leaves it deferred",
            request: F.request(expiresAt: "2026-03-03T09:00:00.001+08:00"), facts: F.facts(history),
            expected: F.deferred(until: "2026-03-03T09:00+08:00", .quietHours)),
    ]

    @Test("the first rule that refuses decides", arguments: cases)
    func order(_ c: Case) {
        #expect(F.rules().decide(c.request, facts: c.facts, now: F.at(Self.now)) == c.expected)
    }

    @Test("by day, the cap holds before the share does")
    func capBeforeShare() {
        // 14:00: not quiet; two sent today (cap), and one more marketing message makes 3 of 8 (share).
        let facts = F.facts(Self.history + [F.delivery("2026-02-20T10:00+08:00")])
        #expect(
            F.decide(DispatchPolicy(), F.request(), facts, at: "2026-03-02T14:00+08:00")
                // Midnight frees the cap and 09:00 ends the night, but the share holds until that message leaves
                // its 30 days (2 of 7 again): 2026-02-20T10:00 + 30 days, which is daytime.
                == F.deferred(until: "2026-03-22T10:00+08:00", .cap))
    }

    @Test("with the cap free, the share decides")
    func shareLast() {
        let facts = F.facts([F.delivery("2026-03-01T10:00+08:00")])
        #expect(
            F.decide(DispatchPolicy(), F.request(), facts, at: "2026-03-02T14:00+08:00")
                == F.deferred(until: "2026-03-31T10:00+08:00", .marketingShare))
    }

    @Test("a message nothing holds is sent")
    func send() {
        #expect(F.decide(DispatchPolicy(), at: "2026-03-02T14:00+08:00") == .send)
    }
}

@Suite("Dispatch consent")
struct DispatchConsentTests {
    typealias F = DispatchFixture
    static let now = "2026-03-02T14:00+08:00"
    static let regranted = ConsentState(
        latest: ConsentEntry(action: .grant, at: F.at("2026-02-20T10:00+08:00"), noticeVersion: "privacy-2026-02", source: "wecom"))

    struct Case: CustomStringConvertible {
        var name: String
        var policy = DispatchPolicy()
        var category: MessageCategory
        var consent: ChannelConsent
        var expected: DispatchDecision
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "marketing with a grant", category: .marketing, consent: ChannelConsent(marketing: F.granted), expected: .send),
        Case(name: "marketing with nothing on record", category: .marketing, consent: .unknown, expected: .suppress(.noConsent)),
        Case(
            name: "marketing after a revocation", category: .marketing, consent: ChannelConsent(marketing: F.revoked),
            expected: .suppress(.unsubscribed)),
        Case(
            name: "marketing re-granted after a revocation", category: .marketing,
            consent: ChannelConsent(marketing: regranted), expected: .send),
        Case(
            name: "a service grant does not permit marketing", category: .marketing,
            consent: ChannelConsent(service: F.granted, analytics: F.granted), expected: .suppress(.noConsent)),
        Case(name: "service with nothing on record", category: .service, consent: .unknown, expected: .send),
        Case(
            name: "service after its revocation", category: .service, consent: ChannelConsent(service: F.revoked),
            expected: .suppress(.unsubscribed)),
        Case(
            name: "service is not stopped by a marketing revocation", category: .service,
            consent: ChannelConsent(marketing: F.revoked), expected: .send),
        Case(
            name: "service that needs no consent goes despite a revocation",
            policy: DispatchPolicy(consent: ConsentRules(service: ConsentRule(purpose: .service, requires: .notRequired))),
            category: .service, consent: ChannelConsent(service: F.revoked), expected: .send),
        Case(
            name: "service that needs a grant", policy: DispatchPolicy(consent: ConsentRules(service: ConsentRule(purpose: .service, requires: .grant))),
            category: .service, consent: .unknown, expected: .suppress(.noConsent)),
        Case(name: "content needs a marketing grant", category: .content, consent: ChannelConsent(service: F.granted), expected: .suppress(.noConsent)),
        Case(name: "content with a marketing grant", category: .content, consent: ChannelConsent(marketing: F.granted), expected: .send),
        Case(
            name: "content under the service purpose, unless revoked",
            policy: DispatchPolicy(consent: ConsentRules(content: ConsentRule(purpose: .service, requires: .noRevocation))),
            category: .content, consent: .unknown, expected: .send),
    ]

    @Test("each category meets its consent rule on the request's channel", arguments: cases)
    func consent(_ c: Case) {
        #expect(F.decide(c.policy, F.request(c.category), F.facts(consent: c.consent), at: Self.now) == c.expected)
    }

    @Test("the state is the latest entry's, and keeps the evidence it rests on")
    func state() {
        #expect(ConsentState.unknown.status == .unknown)
        #expect(F.granted.status == .granted)
        #expect(F.revoked.status == .revoked)
        #expect(F.granted.latest?.noticeVersion == "privacy-2026-01")
        #expect(F.revoked.latest?.evidence == "mo-1203")
    }
}
