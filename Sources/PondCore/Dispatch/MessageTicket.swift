/// A message someone — a journey step, a broadcast, an API call — hands to the dispatcher: who, on which channel,
/// what it is for and what it says, under an idempotency key.
///
/// The key is the message's identity: the same key handed over again (a retried API call, a journey step run again
/// after a crash, two nodes running one broadcast slice) is the same message and is never decided or sent twice.
/// It travels to the channel too, so a provider that deduplicates recognises a resend.
public struct MessageTicket: Sendable, Hashable {
    public var key: String
    /// Any member of the customer's cluster; the message belongs to the cluster.
    public var profileID: Int64
    public var channel: ChannelID
    public var category: MessageCategory
    /// What asked for it: `api`, `journey`, `broadcast`; with `originRef` (the journey and version, the broadcast id)
    /// it is what reports count by.
    public var origin: String
    public var originRef: String?
    public var content: MessageContent
    public var createdAt: Instant
    public var expiresAt: Instant?

    public init(
        key: String, profileID: Int64, channel: ChannelID, category: MessageCategory, origin: String,
        originRef: String? = nil, content: MessageContent, createdAt: Instant, expiresAt: Instant? = nil
    ) {
        self.key = key
        self.profileID = profileID
        self.channel = channel
        self.category = category
        self.origin = origin
        self.originRef = originRef
        self.content = content
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// The idempotency key is 1 to 200 printable characters: it is stored, logged and sent to providers (Aliyun's
    /// `OutId`, an SMTP `Message-ID`).
    public static let maximumKeyLength = 200

    public var request: DispatchRequest {
        DispatchRequest(profileID: profileID, channel: channel, category: category, createdAt: createdAt, expiresAt: expiresAt)
    }
}

/// What a message says once rendered for its channel: a subject and HTML for email, a provider template and its
/// parameters for SMS (Chinese providers send only pre-approved templates), the text everywhere.
public struct MessageContent: Sendable, Hashable, Codable {
    public var subject: String?
    public var text: String
    public var html: String?
    public var providerTemplate: String?
    public var parameters: [String: String]

    public init(
        subject: String? = nil, text: String, html: String? = nil, providerTemplate: String? = nil,
        parameters: [String: String] = [:]
    ) {
        self.subject = subject
        self.text = text
        self.html = html
        self.providerTemplate = providerTemplate
        self.parameters = parameters
    }

    private enum CodingKeys: String, CodingKey { case subject, text, html, providerTemplate, parameters }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            subject: try container.decodeIfPresent(String.self, forKey: .subject),
            text: try container.decode(String.self, forKey: .text),
            html: try container.decodeIfPresent(String.self, forKey: .html),
            providerTemplate: try container.decodeIfPresent(String.self, forKey: .providerTemplate),
            parameters: try container.decodeIfPresent([String: String].self, forKey: .parameters) ?? [:])
    }
}

/// Where a message stands. Stored, listed and counted in reports, so the raw values never change.
public enum MessageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Held by a rule until a later instant, when the dispatcher decides again.
    case deferred
    /// Let go by the dispatcher; handed, or about to be handed, to its channel. It counts towards caps and the
    /// share from the instant it was let go.
    case sending
    /// The channel accepted it.
    case delivered
    /// The channel refused it for good, or kept failing: it no longer counts towards caps.
    case failed
    /// Never to be sent, for the decision's reason.
    case suppressed
}
