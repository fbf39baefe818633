import PondCore

/// Wraps a channel with its `RetryPolicy`: every attempt bounded by the policy's deadline, transient failures
/// retried with exponential backoff, permanent ones returned at once.
///
/// The pause goes through an injected `sleep`, so tests check the backoff without waiting for it. After the last
/// attempt the last failure is returned as it was, for the engine to record and, if transient, to schedule again.
public struct RetryingChannel: MessageChannel {
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    public let base: any MessageChannel
    public let policy: RetryPolicy
    private let sleep: Sleep

    public init(
        _ base: any MessageChannel, policy: RetryPolicy = RetryPolicy(),
        sleep: @escaping Sleep = { try await Task.sleep(for: $0) }
    ) {
        self.base = base
        self.policy = policy
        self.sleep = sleep
    }

    public var id: ChannelID { base.id }

    public func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt {
        var attempt = 1
        while true {
            let failure: ChannelFailure
            do {
                let base = self.base
                return try await Deadline.run(within: policy.attemptTimeout) { () async throws(ChannelFailure) in
                    try await base.send(message)
                }
            } catch {
                failure = error
            }
            guard failure.isTransient, let pause = policy.pause(after: attempt, retryAfter: failure.retryAfter) else {
                throw failure
            }
            do {
                try await sleep(pause)
            } catch {
                // Cancelled while waiting: the engine is shutting down; what it records is the failure we had.
                throw failure
            }
            attempt += 1
        }
    }
}

extension RetryingChannel {
    /// The wrapped channel's delivery reports, when its provider has them. Reports are read once, without retries:
    /// the engine polls again later anyway.
    public var deliveryReports: (any DeliveryReportingChannel)? { base as? any DeliveryReportingChannel }
}
