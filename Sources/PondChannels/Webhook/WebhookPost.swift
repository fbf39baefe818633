import AsyncHTTPClient
import NIOCore
import PondCore

/// One signed JSON `POST` to an endpoint of the brand's: what the webhook channel sends per message and a journey's
/// webhook step sends per run.
///
/// Headers: `Pond-Timestamp`, `Pond-Signature` (`WebhookSignature`) and `Pond-Idempotency-Key`, by which the receiver
/// drops a retry it already processed — a retry is always possible, because an answer can be lost after the receiver
/// acted. Any 2xx is success. 408, 429 (with its `Retry-After`), 5xx, timeouts and connection failures are transient;
/// any other answer, redirects included, is permanent: a receiver that refuses a well-formed signed body will refuse
/// it again.
public struct WebhookPost: Sendable {
    private let httpClient: HTTPClient
    private let requestTimeout: TimeAmount

    public init(httpClient: HTTPClient, requestTimeout: Duration = .seconds(10)) {
        self.httpClient = httpClient
        self.requestTimeout = TimeAmount(requestTimeout)
    }

    /// Posts `body`, signed at `now` with `secret`. `service` names the receiver in failure reasons, which never
    /// carry the URL (it may hold signed query parameters).
    public func send(
        _ body: [UInt8], to url: String, idempotencyKey: String, secret: Secret, at now: Instant, service: String = "the webhook"
    ) async throws(ChannelFailure) {
        guard !idempotencyKey.containsLineBreakOrNUL else {
            throw .invalidMessage("the idempotency key contains a line break")
        }
        let timestamp = now.millisecondsSinceEpoch / 1000
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "Pond-Webhook/1")
        request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
        request.headers.add(
            name: WebhookSignature.signatureHeader, value: WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret))
        request.headers.add(name: WebhookSignature.idempotencyKeyHeader, value: idempotencyKey)
        request.body = .bytes(ByteBuffer(bytes: body))

        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: requestTimeout)
            // Read (and bound) the answer so the connection can be reused; its content is not needed.
            _ = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw HTTPOutcome.transportFailure(error, service: service)
        }
        let status = Int(response.status.code)
        if (200...299).contains(status) { return }
        if HTTPOutcome.isTransient(status: status) {
            throw .transient(
                code: "webhook_http_\(status)", reason: "\(service) answered HTTP \(status)",
                retryAfter: HTTPOutcome.retryAfter(response.headers))
        }
        throw .permanent(code: "webhook_http_\(status)", reason: "\(service) answered HTTP \(status)")
    }
}
