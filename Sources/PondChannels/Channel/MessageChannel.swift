import PondCore

/// One outside system Pond delivers messages through: the sandbox, a webhook, an SMTP relay, an SMS provider.
///
/// The dispatcher in `PondEngine` has already decided that the message may go (consent, caps, quiet hours are
/// `PondCore`'s `DispatchRules`); a channel only translates the message into its provider's protocol and reports
/// what the provider answered. It never decides whether to send.
///
/// Every conformance must:
/// - carry `OutboundMessage.idempotencyKey` to the provider in the provider's own form (SMTP `Message-ID`, webhook
///   `Pond-Idempotency-Key`, Aliyun `OutId`), so that a send retried after a lost answer can be recognised
///   downstream;
/// - say whether a failure is worth retrying (`ChannelFailure.transient`) or not (`.permanent`), because the
///   engine retries the first through its job queue and records the second;
/// - keep secrets out of every failure reason and log line.
///
/// Retries and the per-attempt deadline are not each channel's business: `RetryingChannel` wraps any channel with
/// them, so every channel gets the same behaviour and the tests of one hold for all.
public protocol MessageChannel: Sendable {
    /// Which channel this is in dispatch rules, consent and the delivery history.
    var id: ChannelID { get }

    /// Hands `message` to the provider and returns once the provider accepted it (not once it was delivered:
    /// providers that report delivery later do so through `DeliveryReportingChannel`).
    func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt
}
