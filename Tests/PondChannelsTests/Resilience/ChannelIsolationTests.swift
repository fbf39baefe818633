import PondChannels
import PondCore
import PondTestSupport
import Synchronization
import Testing

/// A provider that hangs holds only its own sends: other channels' sends running at the same time finish while it
/// still hangs, and the hanging send itself ends at its deadline.
@Suite struct ChannelIsolationTests {
    @Test func aHangingSMSProviderDoesNotHoldTheWebhookOrTheSandbox() async throws {
        let simulator = AliyunSMSSimulator()
        simulator.inject(.hang(.seconds(30)))
        let receiver = WebhookReceiver(secret: "whsec-0123456789abcdef")
        let sink = InMemorySandboxSink()
        try await simulator.run { smsBase in
            try await receiver.run { webhookURL in
                try await withHTTPClient { client in
                    let factory = ChannelFactory(
                        httpClient: client, sandboxSink: sink,
                        retryPolicy: RetryPolicy(attempts: 1, attemptTimeout: .seconds(3)))
                    let sms = factory.makeChannel(.aliyunSMS(AliyunSMSConfiguration(
                        baseURL: smsBase, accessKeyId: simulator.accessKeyId,
                        accessKeySecret: Secret(simulator.accessKeySecret), signName: "池塘")))
                    let webhook = factory.makeChannel(.webhook(WebhookConfiguration(
                        url: webhookURL, secret: "whsec-0123456789abcdef")))
                    let sandbox = factory.makeChannel(.sandbox(SandboxConfiguration()))

                    let smsFinished = Mutex(false)
                    async let smsOutcome: ChannelFailure? = {
                        let outcome = await failureOf { () async throws(ChannelFailure) in
                            try await sms.send(outbound(key: "sms-1"))
                        }
                        smsFinished.withLock { $0 = true }
                        return outcome
                    }()
                    // Wait until the SMS request is at the provider, so the others really run while it hangs.
                    await simulator.waitForRequests(1)

                    _ = try await webhook.send(outbound(key: "hook-1"))
                    _ = try await sandbox.send(outbound(key: "box-1"))
                    #expect(smsFinished.withLock { $0 } == false)
                    #expect(receiver.processed.count == 1)
                    #expect(await sink.deliveries.count == 1)

                    let smsFailure = await smsOutcome
                    #expect(smsFailure?.code == "timeout")
                }
            }
        }
    }
}
