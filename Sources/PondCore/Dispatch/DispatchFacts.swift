/// What the store knows about the profile when a message is decided: the facts `DispatchRules.decide` reads and
/// nothing else, so a decision is a pure function of them, the request and the time.
public struct DispatchFacts: Sendable, Hashable {
    /// Whether the profile has somewhere to receive messages on the request's channel (a phone number for `sms`,
    /// an address for `email`, an external user id for `wecom`).
    public var hasAddress: Bool
    /// The consent ledger's state for the request's channel.
    public var consent: ChannelConsent
    /// What the profile received, on every channel and in every category, at least since
    /// `DispatchRules.historyStart(now:)`; older ones may be left out and any order will do.
    public var deliveries: [DeliveryRecord]
    /// The brand's offset from UTC (`WorkspaceSettings.utcOffsetSeconds`).
    public var workspaceUTCOffsetSeconds: Int
    /// The profile's own offset, when it is known to live elsewhere (a customer in Vancouver of a Shanghai brand).
    public var profileUTCOffsetSeconds: Int?

    public init(
        hasAddress: Bool = true, consent: ChannelConsent = .unknown, deliveries: [DeliveryRecord] = [],
        workspaceUTCOffsetSeconds: Int = WorkspaceSettings.defaultUTCOffsetSeconds, profileUTCOffsetSeconds: Int? = nil
    ) {
        self.hasAddress = hasAddress
        self.consent = consent
        self.deliveries = deliveries
        self.workspaceUTCOffsetSeconds = workspaceUTCOffsetSeconds
        self.profileUTCOffsetSeconds = profileUTCOffsetSeconds
    }

    /// The offset the profile lives at: its own when known, otherwise the brand's. Quiet hours and caps' days are
    /// the profile's local ones — 22:00 in Vancouver is not 22:00 in Shanghai.
    public var utcOffsetSeconds: Int { profileUTCOffsetSeconds ?? workspaceUTCOffsetSeconds }
}
