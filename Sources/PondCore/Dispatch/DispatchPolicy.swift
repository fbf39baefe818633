/// One workspace's rules for reaching customers without flooding them: frequency caps, quiet hours, the marketing
/// share and the consent each category needs. `DispatchRules` applies them to every message, whatever sent it.
///
/// Every field has a default, and decoding fills in whatever a stored or submitted policy leaves out, so a brand
/// can send `{"quietHours": {"start": "22:00"}}` and keep the rest. `quietHours` and `marketingShare` set to
/// `null` turn that rule off; an empty `caps` list caps nothing.
public struct DispatchPolicy: Sendable, Hashable, Codable {
    /// Defaults: ≤ 2 marketing messages a day and ≤ 5 in 7 days, on each channel.
    public var caps: [FrequencyCap]
    /// Defaults to 21:00–09:00 with service messages exempt.
    public var quietHours: QuietHours?
    /// Defaults to 30 % over 30 days.
    public var marketingShare: MarketingShare?
    public var consent: ConsentRules

    /// The longest window a cap or the share may look back over, which bounds the history the store loads for
    /// each decision.
    public static let maximumWindowDays = 90

    /// Refuses a window of days outside 1 … `maximumWindowDays`.
    static func checkWindow(_ days: Int, _ code: DispatchPolicyError.Code, path: String) throws(DispatchPolicyError) {
        guard (1...maximumWindowDays).contains(days) else {
            throw DispatchPolicyError(code, path: path, "a window runs from 1 to \(maximumWindowDays) days, got \(days)")
        }
    }

    public static let defaultCaps = [FrequencyCap.dailyMarketing, .weeklyMarketing]

    public init(
        caps: [FrequencyCap] = DispatchPolicy.defaultCaps, quietHours: QuietHours? = QuietHours(),
        marketingShare: MarketingShare? = MarketingShare(), consent: ConsentRules = ConsentRules()
    ) {
        self.caps = caps
        self.quietHours = quietHours
        self.marketingShare = marketingShare
        self.consent = consent
    }

    private enum CodingKeys: String, CodingKey { case caps, quietHours, marketingShare, consent }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        /// Absent: the default. `null`: off.
        func optional<Rule: Decodable>(_ key: CodingKeys, default value: Rule) throws -> Rule? {
            guard container.contains(key) else { return value }
            return try container.decodeNil(forKey: key) ? nil : try container.decode(Rule.self, forKey: key)
        }
        self.init(
            caps: try container.decodeIfPresent([FrequencyCap].self, forKey: .caps) ?? Self.defaultCaps,
            quietHours: try optional(.quietHours, default: QuietHours()),
            marketingShare: try optional(.marketingShare, default: MarketingShare()),
            consent: try container.decodeIfPresent(ConsentRules.self, forKey: .consent) ?? ConsentRules())
    }

    /// Writes a rule that is off as `null`, so that it reads back off rather than as the default.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(caps, forKey: .caps)
        if let quietHours { try container.encode(quietHours, forKey: .quietHours) } else {
            try container.encodeNil(forKey: .quietHours)
        }
        if let marketingShare { try container.encode(marketingShare, forKey: .marketingShare) } else {
            try container.encodeNil(forKey: .marketingShare)
        }
        try container.encode(consent, forKey: .consent)
    }

    /// The first problem that would make the rules meaningless, or nothing. The API checks this before storing a
    /// policy, and `DispatchRules` refuses an invalid one, so a bad edit never reaches a broadcast.
    public func validate() throws(DispatchPolicyError) {
        guard caps.count <= FrequencyCap.maximumCount else {
            throw DispatchPolicyError(
                .tooManyCaps, path: "caps", "at most \(FrequencyCap.maximumCount) caps, got \(caps.count)")
        }
        for (index, cap) in caps.enumerated() { try cap.validate(path: "caps[\(index)]") }
        for (index, cap) in caps.enumerated() {
            // Of two identical caps, the second is the redundant one.
            if let other = caps.indices.first(where: {
                $0 != index && caps[$0].outlasts(cap) && (!cap.outlasts(caps[$0]) || $0 < index)
            }) {
                throw DispatchPolicyError(
                    .redundantCap, path: "caps[\(index)]",
                    "≤ \(cap.limit) in \(cap.days) days can never hold a message: caps[\(other)] (≤ \(caps[other].limit) "
                        + "in \(caps[other].days) days, same categories and channels) always holds it first")
            }
        }
        try quietHours?.validate(path: "quietHours")
        try marketingShare?.validate(path: "marketingShare")
        try consent.validate(path: "consent")
    }
}
