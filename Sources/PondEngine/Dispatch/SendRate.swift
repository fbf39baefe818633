import PondCore
import Synchronization

/// How fast each channel may be handed messages (providers limit it: Aliyun SMS by account and by number, SMTP
/// relays by connection), per workspace. A message over the rate waits in the queue for its slot instead of being
/// sent and refused.
///
/// A token bucket per workspace and channel: `perSecond` tokens a second, up to `burst` saved. The limit is this
/// process's: two nodes each keep their own, so a brand running several nodes sets the rate per node.
public final class SendRate: Sendable {
    public struct Limit: Sendable, Equatable {
        public var perSecond: Double
        public var burst: Double

        public init(perSecond: Double, burst: Double? = nil) {
            self.perSecond = perSecond
            self.burst = burst ?? max(1, perSecond)
        }
    }

    private struct Bucket {
        var tokens: Double
        var at: Instant
    }

    private let limits: @Sendable (String, ChannelID) -> Limit?
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `limits` gives the limit of a workspace's channel, or nil for none.
    public init(limits: @escaping @Sendable (String, ChannelID) -> Limit?) {
        self.limits = limits
    }

    /// Takes a slot for one message now, or says when the next slot frees (nothing is taken then).
    public func reserve(workspaceID: String, channel: ChannelID, now: Instant) -> Instant? {
        guard let limit = limits(workspaceID, channel), limit.perSecond > 0 else { return nil }
        return buckets.withLock { buckets in
            let key = "\(workspaceID)\u{0}\(channel.rawValue)"
            var bucket = buckets[key] ?? Bucket(tokens: limit.burst, at: now)
            let elapsed = Double(max(0, now.millisecondsSinceEpoch - bucket.at.millisecondsSinceEpoch)) / 1000
            bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.perSecond)
            bucket.at = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            let wait = (1 - bucket.tokens) / limit.perSecond
            return now.adding(milliseconds: max(1, Int64((wait * 1000).rounded(.up))))
        }
    }
}
