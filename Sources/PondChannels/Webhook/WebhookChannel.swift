import AsyncHTTPClient
import PondCore

/// Delivers each message as a signed JSON `POST` to the brand's endpoint (`WebhookPost`: headers, and which
/// answers are success, transient or permanent).
///
/// The body is `{id, idempotencyKey, channel, category, to, subject, text, html, metadata, sentAt}` with sorted keys;
/// `id` is derived from the idempotency key (the same message has the same id on every retry) and `sentAt` is when
/// this attempt was made.
public struct WebhookChannel: MessageChannel {
    public let id: ChannelID
    private let configuration: WebhookConfiguration
    private let httpClient: HTTPClient
    private let clock: any Clock
    private let requestTimeout: Duration

    public init(
        id: ChannelID = .webhook, configuration: WebhookConfiguration, httpClient: HTTPClient,
        clock: any Clock = SystemClock(), requestTimeout: Duration = .seconds(10)
    ) {
        self.id = id
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        self.requestTimeout = requestTimeout
    }

    /// The body sent for `message` at `now`; public so receivers' tests and documentation can show the exact shape.
    public func body(for message: OutboundMessage, at now: Instant) -> [UInt8] {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        let document: JSONValue = .object([
            "id": .string(Self.messageID(for: message)),
            "idempotencyKey": .string(message.idempotencyKey),
            "channel": .string(id.rawValue),
            "category": .string(message.category.rawValue),
            "to": .string(message.address),
            "subject": optional(message.subject),
            "text": .string(message.text),
            "html": optional(message.html),
            "metadata": .object(message.metadata.mapValues(JSONValue.string)),
            "sentAt": .string(ISO8601.format(now)),
        ])
        return JSONWriter.bytes(document)
    }

    /// `msg_` and the key's `WebhookSignature.stableID`.
    public static func messageID(for message: OutboundMessage) -> String {
        WebhookSignature.stableID("msg", for: message.idempotencyKey)
    }

    public func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt {
        let now = clock.now()
        try await WebhookPost(httpClient: httpClient, requestTimeout: requestTimeout).send(
            body(for: message, at: now), to: configuration.url, idempotencyKey: message.idempotencyKey,
            secret: configuration.secret, at: now)
        return ChannelReceipt(providerMessageID: Self.messageID(for: message), acceptedAt: now)
    }
}
