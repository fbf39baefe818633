import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PondCore
import Synchronization

/// A brand's webhook endpoint, as a receiver following Pond's published contract would write it: it checks
/// `Pond-Signature` over `"<Pond-Timestamp>.<raw body>"` with HMAC-SHA256 (computed here on its own, not with the
/// channel's code), refuses a stale timestamp or a wrong signature with 401, and processes each
/// `Pond-Idempotency-Key` once, answering 200 to the repeats. Faults can be queued to answer the next requests.
public final class WebhookReceiver: Sendable {
    public struct Delivery: Sendable, Hashable {
        public var idempotencyKey: String
        public var timestamp: String
        public var body: [UInt8]
        public var json: JSONValue? { try? JSONParser.parse(body) }
    }

    public enum Fault: Sendable, Hashable {
        case status(Int, retryAfter: Int? = nil)
        case hang(Duration)
    }

    public let secret: String
    public let toleranceSeconds: Int64
    private let clock: any PondCore.Clock

    private struct State {
        var faults: [Fault] = []
        var processed: [Delivery] = []
        var seenKeys: Set<String> = []
        var requests = 0
        var refusedSignatures = 0
    }

    private let state = Mutex(State())

    public init(secret: String, clock: any PondCore.Clock = SystemClock(), toleranceSeconds: Int64 = 300) {
        self.secret = secret
        self.clock = clock
        self.toleranceSeconds = toleranceSeconds
    }

    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults.append(contentsOf: Array(repeating: fault, count: times)) }
    }

    /// Deliveries processed, one per idempotency key.
    public var processed: [Delivery] { state.withLock { $0.processed } }
    public var requestCount: Int { state.withLock { $0.requests } }
    public var refusedSignatures: Int { state.withLock { $0.refusedSignatures } }

    public func run<T: Sendable>(_ body: (_ url: String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hooks/pond") { [self] request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            return await self.respond(
                body: Array(bytes.readableBytesView),
                timestamp: request.headers[HTTPField.Name("Pond-Timestamp")!],
                signature: request.headers[HTTPField.Name("Pond-Signature")!],
                key: request.headers[HTTPField.Name("Pond-Idempotency-Key")!])
        }
        return try await LocalHTTPServer.run(router) { base in try await body(base + "/hooks/pond") }
    }

    private func respond(body: [UInt8], timestamp: String?, signature: String?, key: String?) async -> Response {
        let fault: Fault? = state.withLock { state in
            state.requests += 1
            return state.faults.isEmpty ? nil : state.faults.removeFirst()
        }
        switch fault {
        case .hang(let duration)?:
            try? await Task.sleep(for: duration)
            return .json(504, "{}")
        case .status(let status, let retryAfter)?:
            var headers = HTTPFields()
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            return .json(status, #"{"error":"injected"}"#, headers: headers)
        case nil:
            break
        }
        guard let timestamp, let signature, let key, let seconds = Int64(timestamp),
            abs(clock.now().millisecondsSinceEpoch / 1000 - seconds) <= toleranceSeconds,
            signature.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "v1=" + expectedSignature(timestamp, body) })
        else {
            state.withLock { $0.refusedSignatures += 1 }
            return .json(401, #"{"error":"bad signature"}"#)
        }
        state.withLock { state in
            if state.seenKeys.insert(key).inserted {
                state.processed.append(Delivery(idempotencyKey: key, timestamp: timestamp, body: body))
            }
        }
        return .json(200, #"{"ok":true}"#)
    }

    private func expectedSignature(_ timestamp: String, _ body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array((timestamp + ".").utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
