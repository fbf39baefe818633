import PondCore

/// One message to one recipient on one channel, as the dispatcher hands it to a channel.
///
/// Rendering (templates, personalisation, short links) has happened before; a channel only encodes what it is
/// given. Fields a channel has no use for are ignored by it (an SMS has no subject, an email no provider template).
public struct OutboundMessage: Sendable, Hashable, Codable {
    /// Names this delivery for good: the same key on a retry means "the same message". It travels to the provider
    /// (SMTP `Message-ID`, webhook `Pond-Idempotency-Key`, Aliyun `OutId`) and the sandbox records a key once.
    public var idempotencyKey: String
    /// The recipient in the channel's own form: a phone number for SMS, a mailbox for email. A webhook's target is
    /// its configured URL; the address is sent along as `to`.
    public var address: String
    public var category: MessageCategory
    public var subject: String?
    /// The plain-text body; every channel can carry text.
    public var text: String
    public var html: String?
    /// Where the recipient unsubscribes in one click; email sends it as `List-Unsubscribe` (RFC 2369) and, for an
    /// `https` URL, `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
    public var unsubscribeURL: String?
    /// The provider's approved template, for channels that send only those (Chinese SMS providers do).
    public var template: ProviderTemplate?
    /// Pond's own references (profile id, journey or broadcast id), passed through to channels that can carry
    /// them (the webhook body) and never interpreted by a channel.
    public var metadata: [String: String]

    public init(
        idempotencyKey: String, address: String, category: MessageCategory, subject: String? = nil, text: String,
        html: String? = nil, unsubscribeURL: String? = nil, template: ProviderTemplate? = nil,
        metadata: [String: String] = [:]
    ) {
        self.idempotencyKey = idempotencyKey
        self.address = address
        self.category = category
        self.subject = subject
        self.text = text
        self.html = html
        self.unsubscribeURL = unsubscribeURL
        self.template = template
        self.metadata = metadata
    }
}

/// A template approved at the provider, and the values of its variables.
///
/// Chinese SMS providers (阿里云短信 and the others) deliver only text from a template approved in advance together
/// with a signature (签名); the message carries the template's code and its variables, never free text. Values are
/// strings because that is what the providers accept (`{"code":"123456"}`, not `{"code":123456}`).
public struct ProviderTemplate: Sendable, Hashable, Codable {
    public var code: String
    public var parameters: [String: String]

    public init(code: String, parameters: [String: String] = [:]) {
        self.code = code
        self.parameters = parameters
    }
}
