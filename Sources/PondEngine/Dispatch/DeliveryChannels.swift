import PondCore
import PondStore

/// What a channel did with a message handed to it.
public enum ChannelHandOver: Sendable, Equatable {
    /// Accepted; the provider's id for it, when it gives one.
    case accepted(providerID: String?)
    /// Not now — a timeout, a 5xx, a rate-limit answer — worth trying again, after `retryAfter` when the provider
    /// says.
    case transient(String, retryAfter: Duration?)
    /// Refused for good (an invalid number, an unknown template): trying again would fail the same way.
    case permanent(String)
}

/// The channels messages go out on, as the delivery job sees them: hand over one message, whose idempotency key
/// travels with it. Each channel is its own failure domain: one that times out or fails answers for itself only.
public protocol DeliveryChannels: Sendable {
    func deliver(_ message: StoredMessage, workspaceID: String) async -> ChannelHandOver
    /// Whether the workspace's channel reports delivery after accepting a message (an SMS operator's 回执), so that
    /// the delivery job queues a poll for the report.
    func reportsDelivery(on channel: ChannelID, workspaceID: String) async -> Bool
    /// What the provider now says of a message it accepted.
    func report(on message: StoredMessage, workspaceID: String) async -> DeliveryReport
}

/// What a provider says of a message it accepted.
public enum DeliveryReport: Sendable, Equatable {
    /// The channel has no delivery reports.
    case notReported
    /// No report yet.
    case pending
    case delivered(at: Instant?)
    /// The operator could not deliver it; its code.
    case failed(code: String)
    /// The provider could not be asked now (a timeout, a 5xx): ask again later.
    case unavailable(String)
}

extension DeliveryChannels {
    public func reportsDelivery(on channel: ChannelID, workspaceID: String) async -> Bool { false }
    public func report(on message: StoredMessage, workspaceID: String) async -> DeliveryReport { .notReported }
}

/// Messages on every channel recorded in the store instead of sent: the demo's and the tests' channel, whose
/// deliveries the API lists. Recording is idempotent by the message's key, so a hand-over repeated after a crash
/// shows once.
public struct SandboxChannels: DeliveryChannels {
    let store: Store
    let clock: any Clock

    public init(store: Store, clock: any Clock) {
        self.store = store
        self.clock = clock
    }

    public func deliver(_ message: StoredMessage, workspaceID: String) async -> ChannelHandOver {
        do {
            let id = try await store.recordSandboxDelivery(workspaceID: workspaceID, message, at: clock.now())
            return .accepted(providerID: "sandbox-\(id)")
        } catch {
            return .transient("the sandbox could not record the message: \(error)", retryAfter: nil)
        }
    }
}
