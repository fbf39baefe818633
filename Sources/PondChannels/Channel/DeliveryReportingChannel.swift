import PondCore

/// A channel whose provider reports, after accepting a message, whether it reached the recipient (SMS providers
/// do: the operator's 回执). The engine polls it some minutes after `send` and records the answer.
public protocol DeliveryReportingChannel: MessageChannel {
    func deliveryStatus(of receipt: ChannelReceipt, for message: OutboundMessage) async throws(ChannelFailure)
        -> DeliveryStatus
}

/// What a provider knows of a message it accepted.
public enum DeliveryStatus: Sendable, Hashable {
    /// Accepted, not yet reported by the operator (or the report is not yet queryable).
    case pending
    case delivered(at: Instant?)
    /// The operator reported a failure; `code` is the operator's or provider's own (for example `MK:0001`).
    case failed(code: String)
}
