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
