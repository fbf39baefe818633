import AsyncHTTPClient
import Crypto
import NIOCore
import PondCore

/// Delivers each message as a signed JSON `POST` to the brand's endpoint.
///
/// The body is `{id, idempotencyKey, channel, category, to, subject, text, html, metadata, sentAt}` with sorted keys;
/// `id` is derived from the idempotency key (the same message has the same id on every retry) and `sentAt` is when
/// this attempt was made. Headers: `Pond-Timestamp`, `Pond-Signature` (see `WebhookSignature`) and
/// `Pond-Idempotency-Key`, by which the receiver drops a retry it already processed — a retry is always possible,
/// because an answer can be lost after the receiver acted.
///
/// Any 2xx is success. 408, 429 (with its `Retry-After`), 5xx, timeouts and connection failures are transient; any
/// other answer, redirects included, is permanent: a receiver that refuses a well-formed signed body will refuse it
/// again.
public struct WebhookChannel: MessageChannel {
    public let id: ChannelID
    private let configuration: WebhookConfiguration
    private let httpClient: HTTPClient
    private let clock: any Clock
    private let requestTimeout: TimeAmount

    public init(
        id: ChannelID = .webhook, configuration: WebhookConfiguration, httpClient: HTTPClient,
        clock: any Clock = SystemClock(), requestTimeout: Duration = .seconds(10)
    ) {
        self.id = id
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        self.requestTimeout = TimeAmount(requestTimeout)
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

    /// `msg_` and 24 hex digits of the SHA-256 of the idempotency key: the same on every retry, and safe to show
    /// where the key itself (which names Pond's internal jobs) should not appear.
    public static func messageID(for message: OutboundMessage) -> String {
        "msg_" + WebhookSignature.hex(SHA256.hash(data: Array(message.idempotencyKey.utf8)).prefix(12))
    }

    public func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt {
        guard !message.idempotencyKey.containsLineBreakOrNUL else {
            throw .invalidMessage("the idempotency key contains a line break")
        }
        let now = clock.now()
        let bytes = body(for: message, at: now)
        let timestamp = now.millisecondsSinceEpoch / 1000
        var request = HTTPClientRequest(url: configuration.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "Pond-Webhook/1")
        request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
        request.headers.add(
            name: WebhookSignature.signatureHeader,
            value: WebhookSignature.sign(body: bytes, timestamp: timestamp, secret: configuration.secret))
        request.headers.add(name: WebhookSignature.idempotencyKeyHeader, value: message.idempotencyKey)
        request.body = .bytes(ByteBuffer(bytes: bytes))

        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: requestTimeout)
            // Read (and bound) the answer so the connection can be reused; its content is not needed.
            _ = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw HTTPOutcome.transportFailure(error, service: "the webhook")
        }
        let status = Int(response.status.code)
        if (200...299).contains(status) {
            return ChannelReceipt(providerMessageID: Self.messageID(for: message), acceptedAt: now)
        }
        if HTTPOutcome.isTransient(status: status) {
            throw .transient(
                code: "webhook_http_\(status)", reason: "the webhook answered HTTP \(status)",
                retryAfter: HTTPOutcome.retryAfter(response.headers))
        }
        throw .permanent(code: "webhook_http_\(status)", reason: "the webhook answered HTTP \(status)")
    }
}
