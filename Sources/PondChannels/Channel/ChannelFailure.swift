/// Why a channel could not hand a message over, split by what the engine should do next.
///
/// - `transient`: the same message may well go through later — a timeout, a refused connection, a 5xx, a
///   malformed answer, a rate limit (HTTP 429, Aliyun `isv.BUSINESS_LIMIT_CONTROL`, SMTP 4xx). `retryAfter` is the
///   provider's own hint when it gave one. `RetryingChannel` retries these a few times within seconds; the engine
///   retries what is left through its job queue.
/// - `permanent`: sending the same message again cannot succeed until something else changes — an invalid number,
///   a template the provider does not know, a recipient the SMTP server refuses, a webhook answering 4xx.
///
/// Both carry a stable `code` (a provider's own code where it has one, such as `isv.MOBILE_NUMBER_ILLEGAL`, else
/// one of Pond's such as `timeout` or `smtp_recipient_refused`): the delivery history groups failures by it and an
/// operator searches for it. Transient failures carry one too, because "timeout" and "rate limited" call for
/// different remedies. `reason` is for people. Neither ever contains a secret.
public enum ChannelFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case transient(code: String, reason: String, retryAfter: Duration? = nil)
    case permanent(code: String, reason: String)

    public var code: String {
        switch self {
        case .transient(let code, _, _), .permanent(let code, _): code
        }
    }

    public var reason: String {
        switch self {
        case .transient(_, let reason, _), .permanent(_, let reason): reason
        }
    }

    public var isTransient: Bool {
        if case .transient = self { return true }
        return false
    }

    /// The provider's hint of when to try again, if it gave one.
    public var retryAfter: Duration? {
        if case .transient(_, _, let retryAfter) = self { return retryAfter }
        return nil
    }

    public var description: String {
        switch self {
        case .transient(let code, let reason, let retryAfter):
            "transient \(code): \(reason)" + (retryAfter.map { " (retry after \($0))" } ?? "")
        case .permanent(let code, let reason): "permanent \(code): \(reason)"
        }
    }

    /// The call took longer than its deadline; the provider may or may not have accepted the message, which is why
    /// the idempotency key travels with it.
    public static func timeout(after limit: Duration) -> ChannelFailure {
        .transient(code: "timeout", reason: "no answer within \(limit)")
    }

    /// The message itself cannot be encoded for the channel (a CR/LF in a header, a missing template, an address of
    /// the wrong form).
    public static func invalidMessage(_ reason: String) -> ChannelFailure {
        .permanent(code: "invalid_message", reason: reason)
    }
}
