import PondCore

/// Where the sandbox channel keeps what it "sent", so the management API can list it.
///
/// The engine implements this over the store (sandbox deliveries must survive a restart and be visible from every
/// node); `InMemorySandboxSink` is the one for tests and one-off demos.
///
/// A sink is idempotent by `OutboundMessage.idempotencyKey`: recording a key again stores nothing new and returns
/// the receipt of the first recording, exactly as a provider that deduplicates would. Errors it throws are treated
/// as transient (the store is busy or unreachable) unless they are a `ChannelFailure` already.
public protocol SandboxSink: Sendable {
    func record(_ message: OutboundMessage, channel: ChannelID, acceptedAt: Instant) async throws -> ChannelReceipt
}
