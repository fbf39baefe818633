import Synchronization
import PondChannels
import PondCore
import Testing

@Suite struct RetryingChannelTests {
    let policy = RetryPolicy(attempts: 3, baseBackoff: .milliseconds(250), maximumBackoff: .seconds(2))

    @Test func transientFailuresAreRetriedWithDoublingPauses() async throws {
        let base = ScriptedChannel([
            .failure(.transient(code: "http_503", reason: "busy")),
            .failure(.transient(code: "timeout", reason: "slow")),
            .success(acceptedReceipt),
        ])
        let sleeps = RecordedSleeps()
        let receipt = try await RetryingChannel(base, policy: policy, sleep: sleeps.sleep).send(outbound())
        #expect(receipt == acceptedReceipt)
        #expect(base.calls == 3)
        #expect(sleeps.recorded == [.milliseconds(250), .milliseconds(500)])
    }

    @Test func theLastFailureIsReturnedWhenTheAttemptsAreUsedUp() async {
        let base = ScriptedChannel([
            .failure(.transient(code: "first", reason: "a")),
            .failure(.transient(code: "second", reason: "b")),
            .failure(.transient(code: "third", reason: "c")),
            .success(acceptedReceipt),
        ])
        let channel = RetryingChannel(base, policy: policy, sleep: RecordedSleeps().sleep)
        let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
        #expect(failure?.code == "third")
        #expect(failure?.isTransient == true)
        #expect(base.calls == 3)
    }

    @Test func permanentFailuresAreNotRetried() async {
        let base = ScriptedChannel([
            .failure(.permanent(code: "isv.MOBILE_NUMBER_ILLEGAL", reason: "bad number")), .success(acceptedReceipt),
        ])
        let sleeps = RecordedSleeps()
        let channel = RetryingChannel(base, policy: policy, sleep: sleeps.sleep)
        let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
        #expect(failure == .permanent(code: "isv.MOBILE_NUMBER_ILLEGAL", reason: "bad number"))
        #expect(base.calls == 1)
        #expect(sleeps.recorded.isEmpty)
    }

    @Test func aProviderHintWithinTheCapIsWaitedFor() async throws {
        let base = ScriptedChannel([
            .failure(.transient(code: "webhook_http_429", reason: "slow down", retryAfter: .seconds(1))),
            .success(acceptedReceipt),
        ])
        let sleeps = RecordedSleeps()
        _ = try await RetryingChannel(base, policy: policy, sleep: sleeps.sleep).send(outbound())
        #expect(sleeps.recorded == [.seconds(1)])
    }

    @Test func aProviderHintBeyondTheCapGoesBackToTheEngineAtOnce() async {
        let limited = ChannelFailure.transient(
            code: "isv.BUSINESS_LIMIT_CONTROL", reason: "per-number limit", retryAfter: .seconds(60))
        let base = ScriptedChannel([.failure(limited), .success(acceptedReceipt)])
        let sleeps = RecordedSleeps()
        let channel = RetryingChannel(base, policy: policy, sleep: sleeps.sleep)
        let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
        #expect(failure == limited)
        #expect(failure?.retryAfter == .seconds(60))
        #expect(base.calls == 1)
        #expect(sleeps.recorded.isEmpty)
    }

    @Test func pausesStopGrowingAtTheCap() {
        let policy = RetryPolicy(attempts: 6, baseBackoff: .seconds(1), maximumBackoff: .seconds(3))
        #expect((1...5).map { policy.pause(after: $0, retryAfter: nil) } == [
            .seconds(1), .seconds(2), .seconds(3), .seconds(3), .seconds(3),
        ])
        #expect(policy.pause(after: 6, retryAfter: nil) == nil)
    }

    @Test func eachAttemptIsBoundedByItsDeadlineEvenWhenTheChannelIgnoresCancellation() async {
        let stuck = StuckChannel()
        let channel = RetryingChannel(
            stuck, policy: RetryPolicy(attempts: 2, attemptTimeout: .milliseconds(200)), sleep: RecordedSleeps().sleep)
        let started = ContinuousClock.now
        let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
        let elapsed = ContinuousClock.now - started
        stuck.release()
        #expect(failure?.code == "timeout")
        #expect(stuck.calls == 2)
        // Two attempts of 200 ms; the bound is loose because the test shares two cores with the whole suite, and
        // without the deadline the send would never return at all.
        #expect(elapsed < .seconds(30))
    }
}

/// A channel whose sends wait, deaf to cancellation, until the test releases them.
final class StuckChannel: MessageChannel {
    let id: ChannelID = "stuck"
    private let state = Mutex<(calls: Int, released: Bool, waiting: [CheckedContinuation<Void, Never>])>(
        (0, false, []))

    var calls: Int { state.withLock { $0.calls } }

    func release() {
        let waiting = state.withLock { state in
            state.released = true
            defer { state.waiting = [] }
            return state.waiting
        }
        waiting.forEach { $0.resume() }
    }

    func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt {
        await withCheckedContinuation { continuation in
            let released = state.withLock { state in
                state.calls += 1
                if !state.released { state.waiting.append(continuation) }
                return state.released
            }
            if released { continuation.resume() }
        }
        throw .transient(code: "released", reason: "released by the test")
    }
}
