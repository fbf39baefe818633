import AsyncHTTPClient
import PondChannels
import PondCore
import Synchronization

/// A message with the fields every channel test needs; tests change what they look at.
func outbound(
    key: String = "delivery-1", to address: String = "13800138000", category: MessageCategory = .service,
    subject: String? = nil, text: String = "您的订单已发货", html: String? = nil, unsubscribeURL: String? = nil,
    template: PondChannels.ProviderTemplate? = PondChannels.ProviderTemplate(code: "SMS_100001", parameters: ["code": "123456"]),
    metadata: [String: String] = ["profileId": "42"]
) -> OutboundMessage {
    OutboundMessage(
        idempotencyKey: key, address: address, category: category, subject: subject, text: text, html: html,
        unsubscribeURL: unsubscribeURL, template: template, metadata: metadata)
}

/// The pauses a `RetryingChannel` asked for, without waiting for them.
final class RecordedSleeps: Sendable {
    private let pauses = Mutex<[Duration]>([])

    var recorded: [Duration] { pauses.withLock { $0 } }

    var sleep: RetryingChannel.Sleep {
        { duration in self.pauses.withLock { $0.append(duration) } }
    }
}

/// A channel that answers from a script, one outcome per call, and counts the calls.
final class ScriptedChannel: MessageChannel {
    let id: ChannelID = "scripted"
    private let script: Mutex<[Result<ChannelReceipt, ChannelFailure>]>
    private let count = Mutex(0)

    init(_ script: [Result<ChannelReceipt, ChannelFailure>]) { self.script = Mutex(script) }

    var calls: Int { count.withLock { $0 } }

    func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt {
        count.withLock { $0 += 1 }
        let next = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        guard let next else { throw .permanent(code: "script_ended", reason: "no more outcomes scripted") }
        return try next.get()
    }
}

let acceptedReceipt = ChannelReceipt(providerMessageID: "p-1", acceptedAt: Instant(millisecondsSinceEpoch: 0))

/// A channel HTTP client for the duration of `body`, shut down afterwards.
func withHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let client = ChannelFactory.makeHTTPClient()
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Runs `send`, returning its failure (or nil when it succeeded), so a test can look at the failure itself.
func failureOf(_ send: () async throws(ChannelFailure) -> ChannelReceipt) async -> ChannelFailure? {
    do {
        _ = try await send()
        return nil
    } catch {
        return error
    }
}
