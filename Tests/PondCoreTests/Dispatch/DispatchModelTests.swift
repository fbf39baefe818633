import Testing

@testable import PondCore

/// `DispatchRules.decide` against `DispatchReference` on random policies, histories and requests, and the
/// properties a deferral promises. Both refuse to pass vacuously: they count what they exercised.
@Suite("Dispatch rules against the reference")
struct DispatchModelTests {
    static let seeds: [UInt64] = [1_201, 1_202, 1_203]
    static let casesPerSeed = 700

    struct Tally {
        var suppressed: [DispatchReason: Int] = [:]
        var deferred: [DispatchReason: Int] = [:]
        var sent = 0
        var compound = 0
        var expiredWhileHeld = 0

        mutating func count(_ decision: DispatchDecision, compound isCompound: Bool, now: Instant, request: DispatchRequest) {
            switch decision {
            case .send: sent += 1
            case .defer(_, let reason): deferred[reason, default: 0] += 1
            case .suppress(let reason):
                suppressed[reason, default: 0] += 1
                if reason == .expired, let expiry = request.expiresAt, expiry > now { expiredWhileHeld += 1 }
            }
            if isCompound { compound += 1 }
        }
    }

    @Test("every decision is the reference's, found by trying every minute", arguments: seeds)
    func agreesWithReference(seed: UInt64) throws {
        var generator = DispatchCaseGenerator(seed: seed)
        var tally = Tally()
        var failures = 0
        for number in 0..<Self.casesPerSeed {
            let c = generator.next()
            let rules = try DispatchRules(policy: c.policy)
            let decided = rules.decide(c.request, facts: c.facts, now: c.now)
            let reference = try #require(
                DispatchReference.decide(c.policy, c.request, c.facts, now: c.now),
                "seed \(seed), case \(number): the reference found no instant within 30 days\n\(c)")
            if decided != reference.decision {
                failures += 1
                if failures <= 5 {
                    Issue.record("seed \(seed), case \(number): decided \(decided), reference \(reference.decision)\n\(c)")
                }
            }
            tally.count(reference.decision, compound: reference.compound, now: c.now, request: c.request)
        }
        // Every reason, every kind of hold, and holds where one rule let go before another did, in quantity.
        let n = Self.casesPerSeed
        #expect(tally.sent * 10 >= n, "sent \(tally.sent)")
        for reason in [DispatchReason.quietHours, .cap, .marketingShare] {
            #expect(tally.deferred[reason, default: 0] * 40 >= n, "deferred for \(reason): \(tally.deferred)")
        }
        for reason in [DispatchReason.noConsent, .unsubscribed, .noAddress, .expired] {
            #expect(tally.suppressed[reason, default: 0] * 100 >= n, "suppressed for \(reason): \(tally.suppressed)")
        }
        #expect(tally.expiredWhileHeld * 50 >= n, "expired while held: \(tally.expiredWhileHeld)")
        #expect(tally.compound * 25 >= n, "compound holds: \(tally.compound)")
    }

    /// `count` cases with deliveries on any millisecond and offsets of any second, which the reference cannot step
    /// over exactly: the properties below need no reference.
    static func forEachCase(
        seed: UInt64, count: Int,
        _ body: (DispatchCase, DispatchRules, inout DispatchCaseGenerator) throws -> Void
    ) throws {
        var generator = DispatchCaseGenerator(seed: seed)
        for _ in 0..<count {
            var c = generator.next(onTheMinute: false)
            if generator.chance(50) { c.facts.profileUTCOffsetSeconds = generator.int(WorkspaceSettings.utcOffsetRange) }
            try body(c, try DispatchRules(policy: c.policy), &generator)
        }
    }

    @Test("deciding again at the deferred instant sends, and at any earlier instant defers to the same one")
    func deferralIsEarliestAndSends() throws {
        var deferrals = 0
        try Self.forEachCase(seed: 1_301, count: 4_000) { c, rules, generator in
            guard case .defer(let until, _) = rules.decide(c.request, facts: c.facts, now: c.now) else { return }
            deferrals += 1
            #expect(until > c.now, "\(c)")
            #expect(rules.decide(c.request, facts: c.facts, now: until) == .send, "at \(until)\n\(c)")
            let span = until.millisecondsSinceEpoch - c.now.millisecondsSinceEpoch
            for earlier in [until.adding(milliseconds: -1), c.now.adding(milliseconds: generator.int64(0...span - 1))] {
                let again = rules.decide(c.request, facts: c.facts, now: earlier)
                guard case .defer(until, _) = again else {
                    Issue.record("at \(earlier): \(again), not deferred until \(until)\n\(c)")
                    continue
                }
            }
        }
        #expect(deferrals >= 600, "only \(deferrals) deferrals")
    }

    @Test("the history's order does not matter, nor anything before historyStart")
    func historyThatDoesNotMatter() throws {
        var pruned = 0
        try Self.forEachCase(seed: 1_401, count: 3_000) { c, rules, generator in
            let decided = rules.decide(c.request, facts: c.facts, now: c.now)
            var shuffled = c.facts
            shuffled.deliveries.shuffle(using: &generator.random)
            #expect(rules.decide(c.request, facts: shuffled, now: c.now) == decided, "shuffled\n\(c)")
            let start = rules.historyStart(now: c.now)
            var recent = c.facts
            recent.deliveries.removeAll { $0.at < start }
            pruned += c.facts.deliveries.count - recent.deliveries.count
            #expect(rules.decide(c.request, facts: recent, now: c.now) == decided, "pruned before \(start)\n\(c)")
            var older = c.facts
            older.deliveries += (0..<5).map { _ in
                DeliveryRecord(
                    at: start.adding(milliseconds: -generator.int64(1...40 * DispatchCaseGenerator.day)),
                    channel: c.request.channel, category: c.request.category)
            }
            #expect(rules.decide(c.request, facts: older, now: c.now) == decided, "more before \(start)\n\(c)")
        }
        #expect(pruned >= 1_000, "only \(pruned) deliveries were before historyStart")
    }

    @Test("historyStart reaches back over the longest window, and no further")
    func historyStart() throws {
        let now = DispatchFixture.at("2026-03-02T15:00+08:00")
        #expect(try DispatchRules().historyStart(now: now) == now.adding(milliseconds: 1 - 30 * 86_400_000))
        let shortShare = DispatchPolicy(marketingShare: MarketingShare(windowDays: 3))
        #expect(try DispatchRules(policy: shortShare).historyStart(now: now) == now.adding(milliseconds: 1 - 7 * 86_400_000))
        let nothing = DispatchPolicy(caps: [], quietHours: nil, marketingShare: nil)
        #expect(try DispatchRules(policy: nothing).historyStart(now: now) == now)
    }
}
