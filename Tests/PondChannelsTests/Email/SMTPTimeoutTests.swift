import NIOCore
import NIOPosix
import PondChannels
import Testing

/// A server that accepts the connection and then says nothing: the client gives up after its command timeout
/// instead of waiting for a greeting that never comes.
@Suite struct SMTPTimeoutTests {
    @Test func aServerThatNeverGreetsTimesOut() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let channel = EmailChannel(
            configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .none, from: "noreply@pond.example"),
            commandTimeout: .milliseconds(200))
        let started = ContinuousClock.now
        let failure = await failureOf { () async throws(ChannelFailure) in
            try await channel.send(outbound(to: "member@example.com", template: nil))
        }
        let elapsed = ContinuousClock.now - started
        try await server.close()
        #expect(failure?.code == "timeout")
        #expect(failure?.isTransient == true)
        #expect(elapsed < .seconds(5))
    }
}
