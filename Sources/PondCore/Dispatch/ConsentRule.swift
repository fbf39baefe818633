/// Which consent a category of message needs on the channel it goes out on.
public struct ConsentRule: Sendable, Hashable, Codable {
    public enum Requirement: String, Sendable, Hashable, Codable, CaseIterable {
        /// The latest entry for the purpose must be a grant: nothing on record is `no_consent`, a revocation
        /// `unsubscribed`. What PIPL asks of marketing (明示同意).
        case grant
        /// Nothing on record is enough, a revocation is not (`unsubscribed`): messages the customer can expect
        /// from being a customer, which they may still turn off.
        case noRevocation = "no_revocation"
        /// The ledger is not consulted: messages whose lawful basis is not consent but performing the customer's
        /// own contract (PIPL art. 13(1)(2)) — a refund notice goes out even to someone who revoked `service`.
        case notRequired = "not_required"
    }

    public var purpose: ConsentPurpose
    public var requires: Requirement

    public init(purpose: ConsentPurpose, requires: Requirement) {
        self.purpose = purpose
        self.requires = requires
    }

    /// What the ledger's state on the channel means for a message under this rule: nil when it may go.
    func refusal(_ consent: ChannelConsent) -> DispatchReason? {
        switch (requires, consent[purpose].status) {
        case (.notRequired, _), (.grant, .granted), (.noRevocation, .granted), (.noRevocation, .unknown): return nil
        case (.grant, .unknown): return .noConsent
        case (.grant, .revoked), (.noRevocation, .revoked): return .unsubscribed
        }
    }
}

/// The consent each category of message needs. Marketing always needs a grant of `marketing` on the channel —
/// that is the law, not a setting — so only service and content messages have a rule of their own.
public struct ConsentRules: Sendable, Hashable, Codable {
    /// By default `service`, unless revoked: a customer expects to hear about their own orders without having
    /// ticked a box, and may still turn it off.
    public var service: ConsentRule
    /// By default a grant of `marketing`: 干货 and 种草 are sent unasked and promote the brand, so they need the
    /// same 明示同意 as an offer; a brand that collects a separate content consent can point this at another
    /// purpose.
    public var content: ConsentRule

    public static let marketing = ConsentRule(purpose: .marketing, requires: .grant)
    public static let defaultService = ConsentRule(purpose: .service, requires: .noRevocation)
    public static let defaultContent = ConsentRule(purpose: .marketing, requires: .grant)

    public init(service: ConsentRule = ConsentRules.defaultService, content: ConsentRule = ConsentRules.defaultContent) {
        self.service = service
        self.content = content
    }

    public subscript(category: MessageCategory) -> ConsentRule {
        switch category {
        case .service: return service
        case .content: return content
        case .marketing: return Self.marketing
        }
    }

    private enum CodingKeys: String, CodingKey { case service, content }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            service: try container.decodeIfPresent(ConsentRule.self, forKey: .service) ?? Self.defaultService,
            content: try container.decodeIfPresent(ConsentRule.self, forKey: .content) ?? Self.defaultContent)
    }

    func validate(path: String) throws(DispatchPolicyError) {
        for (name, rule) in [("service", service), ("content", content)] where rule.purpose == .analytics {
            throw DispatchPolicyError(
                .invalidConsentRule, path: "\(path).\(name).purpose",
                "consent to analytics never permits a message; name marketing or service")
        }
        guard content.requires != .notRequired else {
            throw DispatchPolicyError(
                .invalidConsentRule, path: "\(path).content.requires",
                "content is sent unasked, so a revocation must stop it: use grant or no_revocation")
        }
    }
}
