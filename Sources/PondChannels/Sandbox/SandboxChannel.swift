import PondCore

/// The channel that delivers to nobody: it records each message in a `SandboxSink`, where the console and the API
/// list it. It lets a brand try journeys and broadcasts end to end before any real channel is configured, and it is
/// what the demo uses.
public struct SandboxChannel: MessageChannel {
    public let id: ChannelID
    private let sink: any SandboxSink
    private let clock: any Clock

    public init(id: ChannelID = .sandbox, sink: any SandboxSink, clock: any Clock = SystemClock()) {
        self.id = id
        self.sink = sink
        self.clock = clock
    }

    public func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt {
        do {
            return try await sink.record(message, channel: id, acceptedAt: clock.now())
        } catch let failure as ChannelFailure {
            throw failure
        } catch {
            throw .transient(code: "sandbox_unavailable", reason: "the sandbox could not record the message")
        }
    }
}
