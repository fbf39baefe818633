import PondCore

/// One message to decide: a policy, a request, the facts and the time.
struct DispatchCase: CustomStringConvertible {
    var policy: DispatchPolicy
    var request: DispatchRequest
    var facts: DispatchFacts
    var now: Instant

    var description: String {
        let deliveries = facts.deliveries.map { "\($0.at) \($0.channel) \($0.category.rawValue)" }
        return """
            now \(now) at UTC\(facts.utcOffsetSeconds >= 0 ? "+" : "")\(facts.utcOffsetSeconds)s; \
            request \(request.category.rawValue) on \(request.channel), expires \(request.expiresAt.map { "\($0)" } ?? "never")
              caps \(policy.caps.map { "\($0.categories.map(\.rawValue)) \($0.scope) ≤\($0.limit)/\($0.days)d" })
              quiet \(policy.quietHours.map { "\($0.start)–\($0.end) exempt \($0.exempt.map(\.rawValue))" } ?? "off"); \
            share \(policy.marketingShare.map { "\($0.percent)% of \($0.windowDays)d" } ?? "off")
              consent \(facts.consent.marketing.status.rawValue)/\(facts.consent.service.status.rawValue), \
            rules \(policy.consent.service) \(policy.consent.content); address \(facts.hasAddress)
              deliveries \(deliveries)
            """
    }
}

/// Random policies, histories and requests, built so that rules meet: short windows, few channels, histories
/// dense enough to reach caps and shares, nights of every length, expiries around the instants rules free a message.
struct DispatchCaseGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    static let channels: [ChannelID] = [.sms, .email, .wecom]
    static let minute: Int64 = 60_000
    static let day: Int64 = 86_400_000
    /// 2026-03-02T00:00Z.
    static let start = Instant(millisecondsSinceEpoch: 1_772_409_600_000)

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func int64(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { random.chance(percent) }
    mutating func pick<T>(_ values: [T]) -> T { values[random.int(values.count)] }

    mutating func category(marketing: Int) -> MessageCategory {
        let roll = random.int(100)
        return roll < marketing ? .marketing : roll < marketing + (100 - marketing) * 2 / 3 ? .service : .content
    }

    mutating func categories() -> [MessageCategory] {
        if chance(60) { return [.marketing] }
        let some = MessageCategory.allCases.filter { _ in chance(50) }
        return some.isEmpty ? [pick(MessageCategory.allCases)] : some
    }

    mutating func cap() -> FrequencyCap {
        let scope: FrequencyCap.Scope
        switch random.int(4) {
        case 0: scope = .allChannels
        case 1: scope = .channel(pick(Self.channels))
        default: scope = .eachChannel
        }
        return FrequencyCap(categories: categories(), scope: scope, limit: int(1...4), days: pick([1, 1, 2, 3, 7]))
    }

    mutating func timeOfDay() -> TimeOfDay {
        chance(50) ? TimeOfDay(hour: pick([0, 9, 12, 21, 22, 23])) : TimeOfDay(minutesSinceMidnight: int(0...1439))
    }

    mutating func quietHours() -> QuietHours {
        let start = timeOfDay()
        var end = timeOfDay()
        while end == start { end = timeOfDay() }
        return QuietHours(start: start, end: end, exempt: [MessageCategory.service, .content].filter { _ in chance(40) })
    }

    mutating func consentRule(requirements: [ConsentRule.Requirement]) -> ConsentRule {
        ConsentRule(purpose: pick([.marketing, .service]), requires: pick(requirements))
    }

    /// A valid policy: a draw with a redundant cap is drawn again.
    mutating func policy() -> DispatchPolicy {
        while true {
            let policy = DispatchPolicy(
                caps: (0..<int(0...3)).map { _ in cap() }, quietHours: chance(75) ? quietHours() : nil,
                marketingShare: chance(60)
                    ? MarketingShare(percent: chance(50) ? pick([10, 25, 30, 50, 100]) : int(1...100), windowDays: int(1...5))
                    : nil,
                consent: ConsentRules(
                    service: consentRule(requirements: ConsentRule.Requirement.allCases),
                    content: consentRule(requirements: [.grant, .noRevocation])))
            if (try? policy.validate()) != nil { return policy }
        }
    }

    mutating func consentState() -> ConsentState {
        let roll = random.int(100)
        if roll < 82 {
            return ConsentState(latest: ConsentEntry(action: .grant, at: Self.start, noticeVersion: "v1", source: "test"))
        }
        if roll < 91 { return ConsentState(latest: ConsentEntry(action: .revoke, at: Self.start, source: "test")) }
        return .unknown
    }

    /// Offsets of real zones (Shanghai, New York, Mumbai, Kathmandu, Chatham, the extremes) and any whole minute.
    mutating func offset() -> Int {
        chance(70)
            ? pick([8 * 3600, -5 * 3600, 5 * 3600 + 1800, 5 * 3600 + 2700, 12 * 3600 + 2700, 14 * 3600, -12 * 3600, 0])
            : int(-720...840) * 60
    }

    /// With `onTheMinute`, deliveries fall on whole minutes (as the reference needs); otherwise on any millisecond.
    mutating func next(onTheMinute: Bool = true) -> DispatchCase {
        let policy = policy()
        let now = Self.start.adding(milliseconds: int64(0...14 * Self.day))
        let lastMinute = now.millisecondsSinceEpoch / Self.minute * Self.minute
        let busyChannel = pick(Self.channels)
        let deliveries = (0..<int(0...14)).map { _ in
            var at = lastMinute - int64(0...8 * 1440) * Self.minute
            if chance(30) { at = lastMinute - int64(0...2 * 1440) * Self.minute }
            if chance(4) { at = lastMinute + int64(1...30) * Self.minute }
            if !onTheMinute { at += int64(0...Self.minute - 1) }
            return DeliveryRecord(
                at: Instant(millisecondsSinceEpoch: at), channel: chance(50) ? busyChannel : pick(Self.channels),
                category: category(marketing: 45))
        }
        let facts = DispatchFacts(
            hasAddress: chance(97), consent: ChannelConsent(marketing: consentState(), service: consentState(), analytics: consentState()),
            deliveries: deliveries, workspaceUTCOffsetSeconds: chance(50) ? offset() : 8 * 3600,
            profileUTCOffsetSeconds: chance(50) ? offset() : nil)
        let expiresAt = chance(50) ? nil : now.adding(milliseconds: int64(-30 * Self.minute...4 * Self.day))
        let request = DispatchRequest(
            profileID: 7, channel: chance(60) ? busyChannel : pick(Self.channels), category: category(marketing: 60),
            createdAt: now, expiresAt: expiresAt)
        return DispatchCase(policy: policy, request: request, facts: facts, now: now)
    }
}
