import AsyncHTTPClient
import NIOCore
import NIOPosix
import PondCore

/// Builds the `MessageChannel` for a configuration, every one wrapped in `RetryingChannel`, all sharing one
/// `HTTPClient` (its connection pool) and one event loop group.
public struct ChannelFactory: Sendable {
    public var httpClient: HTTPClient
    public var sandboxSink: any SandboxSink
    public var clock: any Clock
    public var retryPolicy: RetryPolicy
    public var sleep: RetryingChannel.Sleep

    public init(
        httpClient: HTTPClient, sandboxSink: any SandboxSink, clock: any Clock = SystemClock(),
        retryPolicy: RetryPolicy = RetryPolicy(), sleep: @escaping RetryingChannel.Sleep = { try await Task.sleep(for: $0) }
    ) {
        self.httpClient = httpClient
        self.sandboxSink = sandboxSink
        self.clock = clock
        self.retryPolicy = retryPolicy
        self.sleep = sleep
    }

    /// An `HTTPClient` fit for channels: redirects are not followed (a signed request must go where it was
    /// signed for, and a webhook answering 3xx is misconfigured), connections are bounded in time.
    public static func makeHTTPClient(eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
        -> HTTPClient
    {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
    }

    /// The channel for `configuration`, with the factory's retry policy.
    /// - Parameter id: the channel's id when it is not the kind's own (two SMS providers side by side).
    public func makeChannel(_ configuration: ChannelConfiguration, id: ChannelID? = nil) -> RetryingChannel {
        RetryingChannel(makeUnretriedChannel(configuration, id: id), policy: retryPolicy, sleep: sleep)
    }

    /// The channel without retries or deadline, for callers that bring their own.
    public func makeUnretriedChannel(_ configuration: ChannelConfiguration, id: ChannelID? = nil) -> any MessageChannel {
        let id = id ?? configuration.channelID
        switch configuration {
        case .sandbox:
            return SandboxChannel(id: id, sink: sandboxSink, clock: clock)
        case .webhook(let webhook):
            return WebhookChannel(
                id: id, configuration: webhook, httpClient: httpClient, clock: clock,
                requestTimeout: retryPolicy.attemptTimeout)
        case .smtp(let smtp):
            return EmailChannel(id: id, configuration: smtp, clock: clock, group: httpClient.eventLoopGroup)
        case .aliyunSMS(let sms):
            return AliyunSMSChannel(
                id: id, configuration: sms, httpClient: httpClient, clock: clock,
                requestTimeout: retryPolicy.attemptTimeout)
        }
    }
}
