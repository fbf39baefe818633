/// One entry of the consent ledger: a customer granting or revoking one purpose on one channel, with what PIPL asks
/// a brand to be able to show afterwards — which notice text they saw, when, where and the proof.
public struct ConsentEntry: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        case grant
        case revoke
    }

    public var action: Action
    public var at: Instant
    /// The version of the notice text shown when the customer answered ("privacy-2026-03"), so a brand can tell
    /// which wording a grant was given under. A revocation needs none.
    public var noticeVersion: String?
    /// Where the answer came from: "mini-program signup", "sms reply TD", "unsubscribe link", "import".
    public var source: String
    /// What proves it: a form submission id, the reply message id, the signed link's token, an import file's row.
    public var evidence: String?

    public init(action: Action, at: Instant, noticeVersion: String? = nil, source: String, evidence: String? = nil) {
        self.action = action
        self.at = at
        self.noticeVersion = noticeVersion
        self.source = source
        self.evidence = evidence
    }
}
