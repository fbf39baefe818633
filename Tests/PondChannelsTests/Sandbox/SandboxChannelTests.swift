import PondChannels
import PondCore
import PondTestSupport
import Testing

@Suite struct SandboxChannelTests {
    @Test func aSentMessageIsRecordedWithItsChannelAndTime() async throws {
        let sink = InMemorySandboxSink()
        let clock = ManualClock()
        let channel = SandboxChannel(sink: sink, clock: clock)
        let receipt = try await channel.send(outbound(key: "run-1/step-2", to: "13800138000"))
        let deliveries = await sink.deliveries
        #expect(deliveries.count == 1)
        #expect(deliveries.first?.channel == .sandbox)
        #expect(deliveries.first?.message.idempotencyKey == "run-1/step-2")
        #expect(receipt.acceptedAt == clock.now())
    }

    @Test func theSameKeyIsRecordedOnceAndAnswersWithTheFirstReceipt() async throws {
        let sink = InMemorySandboxSink()
        let clock = ManualClock()
        let channel = SandboxChannel(sink: sink, clock: clock)
        let first = try await channel.send(outbound(key: "k"))
        clock.advance(milliseconds: 5_000)
        let again = try await channel.send(outbound(key: "k", text: "changed"))
        let other = try await channel.send(outbound(key: "other"))
        #expect(again == first)
        #expect(other != first)
        #expect(await sink.deliveries.map(\.message.idempotencyKey) == ["k", "other"])
    }

    @Test func aSinkThatFailsMakesATransientFailure() async {
        let channel = SandboxChannel(sink: FailingSink())
        let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
        #expect(failure?.code == "sandbox_unavailable")
        #expect(failure?.isTransient == true)
    }
}

private struct FailingSink: SandboxSink {
    struct StoreDown: Error {}
    func record(_ message: OutboundMessage, channel: ChannelID, acceptedAt: Instant) async throws -> ChannelReceipt {
        throw StoreDown()
    }
}
