import PondCore

/// Requests, facts and policies built in code, so each test reads as the scenario it describes: local times are
/// written with the profile's offset (`"2026-03-02T21:00+08:00"`).
enum DispatchFixture {
    static func at(_ text: String) -> Instant {
        guard let instant = ISO8601.parse(text) else { preconditionFailure("not a timestamp: \(text)") }
        return instant
    }

    static let granted = ConsentState(
        latest: ConsentEntry(
            action: .grant, at: at("2026-01-01T10:00+08:00"), noticeVersion: "privacy-2026-01", source: "mini-program signup",
            evidence: "form-8812"))
    static let revoked = ConsentState(
        latest: ConsentEntry(action: .revoke, at: at("2026-02-01T10:00+08:00"), source: "sms reply TD", evidence: "mo-1203"))

    /// Marketing and service granted on the channel.
    static let consenting = ChannelConsent(marketing: granted, service: granted)

    static func request(
        _ category: MessageCategory = .marketing, on channel: ChannelID = .sms, createdAt: String = "2026-03-02T10:00+08:00",
        expiresAt: String? = nil
    ) -> DispatchRequest {
        DispatchRequest(
            profileID: 42, channel: channel, category: category, createdAt: at(createdAt),
            expiresAt: expiresAt.map(at))
    }

    static func delivery(_ time: String, _ category: MessageCategory = .marketing, on channel: ChannelID = .sms)
        -> DeliveryRecord
    {
        DeliveryRecord(at: at(time), channel: channel, category: category)
    }

    static func facts(
        _ deliveries: [DeliveryRecord] = [], consent: ChannelConsent = consenting, hasAddress: Bool = true,
        offset: Int = 8 * 3600, profileOffset: Int? = nil
    ) -> DispatchFacts {
        DispatchFacts(
            hasAddress: hasAddress, consent: consent, deliveries: deliveries, workspaceUTCOffsetSeconds: offset,
            profileUTCOffsetSeconds: profileOffset)
    }

    /// A policy of one kind of rule, so a test sees that rule alone.
    static let onlyQuietHours = DispatchPolicy(caps: [], quietHours: QuietHours(), marketingShare: nil)
    static let onlyDefaultCaps = DispatchPolicy(quietHours: nil, marketingShare: nil)
    static let onlyMarketingShare = DispatchPolicy(caps: [], quietHours: nil, marketingShare: MarketingShare())

    static func rules(_ policy: DispatchPolicy = DispatchPolicy()) -> DispatchRules {
        do { return try DispatchRules(policy: policy) } catch { preconditionFailure("invalid policy: \(error)") }
    }

    static func decide(
        _ policy: DispatchPolicy, _ request: DispatchRequest = request(), _ facts: DispatchFacts = facts(), at now: String
    ) -> DispatchDecision {
        rules(policy).decide(request, facts: facts, now: at(now))
    }

    static func deferred(until time: String, _ reason: DispatchReason) -> DispatchDecision {
        .defer(until: at(time), reason: reason)
    }
}
