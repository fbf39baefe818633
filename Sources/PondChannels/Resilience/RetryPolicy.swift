/// How a channel call is retried in process: a few attempts within seconds, each bounded by a deadline.
///
/// In-process retries cover the blips — a dropped connection, one 503, a provider restarting — without a round
/// trip through the engine's job queue. Anything longer belongs to that queue (durable, spread across nodes), so
/// the defaults stay short: 3 attempts, 250 ms doubling to at most 2 s, 10 s per attempt. A provider asking for a
/// longer pause than `maximumBackoff` (Aliyun's per-number limits, a `Retry-After: 60`) is not waited for here: the
/// failure goes back to the engine at once, with the provider's hint, so a worker is not held for a minute.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Calls in all, the first included; 1 means no retry.
    public var attempts: Int
    /// The pause after the first failed attempt; it doubles after each further one.
    public var baseBackoff: Duration
    /// The longest pause between attempts, and the longest provider `retryAfter` still waited for in process.
    public var maximumBackoff: Duration
    /// The deadline of each attempt, so a hanging provider costs at most this much per attempt and never stalls
    /// the sends of other channels.
    public var attemptTimeout: Duration

    public init(
        attempts: Int = 3, baseBackoff: Duration = .milliseconds(250), maximumBackoff: Duration = .seconds(2),
        attemptTimeout: Duration = .seconds(10)
    ) {
        self.attempts = max(1, attempts)
        self.baseBackoff = baseBackoff
        self.maximumBackoff = maximumBackoff
        self.attemptTimeout = attemptTimeout
    }

    /// One attempt, no retries: for callers that retry themselves.
    public static func once(timeout: Duration = .seconds(10)) -> RetryPolicy {
        RetryPolicy(attempts: 1, attemptTimeout: timeout)
    }

    /// The pause before attempt `failedAttempt + 1`, or `nil` when the failure should go back to the caller instead:
    /// the attempts are used up, or the provider asked for a longer pause than `maximumBackoff`.
    public func pause(after failedAttempt: Int, retryAfter: Duration?) -> Duration? {
        guard failedAttempt < attempts else { return nil }
        var backoff = baseBackoff
        for _ in 1..<max(1, failedAttempt) {
            backoff = backoff * 2
            if backoff >= maximumBackoff { break }
        }
        backoff = min(backoff, maximumBackoff)
        guard let retryAfter else { return backoff }
        guard retryAfter <= maximumBackoff else { return nil }
        return max(backoff, retryAfter)
    }
}
