/// Everything a segment rule can look at for one profile, as plain values.
///
/// The in-memory evaluator reads this; stores build it from their tables (or compile the rule to SQL instead and
/// must then agree with the evaluator — see `SegmentEvaluator`).
public struct ProfileFacts: Sendable, Hashable {
    /// The profile's traits. A `null` value is treated exactly like a missing one.
    public var traits: [String: JSONValue]
    public var tags: Set<String>
    /// The profile's events, in any order.
    public var events: [EventFact]
    /// `nil` when the profile has not been scored (no orders yet); every RFM condition is then false.
    public var rfm: RFMFacts?
    /// The lifecycle stage; `nil` means none, and every stage condition is then false.
    public var stage: String?
    /// Channels the customer has been seen on ("wecom", "mini_program", "tmall", "offline_store", …).
    public var channels: Set<String>
    /// Consent per purpose: `true` granted, `false` denied (or withdrawn), absent unknown.
    public var consent: [String: Bool]

    public init(
        traits: [String: JSONValue] = [:], tags: Set<String> = [], events: [EventFact] = [], rfm: RFMFacts? = nil,
        stage: String? = nil, channels: Set<String> = [], consent: [String: Bool] = [:]
    ) {
        self.traits = traits
        self.tags = tags
        self.events = events
        self.rfm = rfm
        self.stage = stage
        self.channels = channels
        self.consent = consent
    }
}
