import PondCore

/// A `SandboxSink` in memory: for tests, and for a demo that needs no database.
public actor InMemorySandboxSink: SandboxSink {
    public struct Delivery: Sendable, Hashable {
        public var channel: ChannelID
        public var message: OutboundMessage
        public var receipt: ChannelReceipt
    }

    private var byKey: [String: Int] = [:]
    /// Every recorded delivery, first recording of each key only, in the order recorded.
    public private(set) var deliveries: [Delivery] = []

    public init() {}

    public func record(_ message: OutboundMessage, channel: ChannelID, acceptedAt: Instant) -> ChannelReceipt {
        if let index = byKey[message.idempotencyKey] { return deliveries[index].receipt }
        let receipt = ChannelReceipt(providerMessageID: "sandbox-\(deliveries.count + 1)", acceptedAt: acceptedAt)
        byKey[message.idempotencyKey] = deliveries.count
        deliveries.append(Delivery(channel: channel, message: message, receipt: receipt))
        return receipt
    }
}
