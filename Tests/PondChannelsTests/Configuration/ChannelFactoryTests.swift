import PondChannels
import PondCore
import Testing

@Suite struct ChannelFactoryTests {
    @Test func eachConfigurationBuildsItsChannelUnderItsOwnIDUnlessGivenAnother() async throws {
        try await withHTTPClient { client in
            let factory = ChannelFactory(httpClient: client, sandboxSink: InMemorySandboxSink())
            let configurations: [ChannelConfiguration] = [
                .sandbox(SandboxConfiguration()),
                .webhook(WebhookConfiguration(url: "https://hooks.example.com/pond", secret: "0123456789abcdef")),
                .smtp(SMTPConfiguration(host: "smtp.example.com", port: 587, from: "noreply@example.com")),
                .aliyunSMS(AliyunSMSConfiguration(accessKeyId: "LTAI5t", accessKeySecret: "s", signName: "池塘")),
            ]
            #expect(configurations.map { factory.makeChannel($0).id } == [.sandbox, .webhook, .email, .sms])
            #expect(factory.makeChannel(configurations[3], id: "sms-backup").id == "sms-backup")
            // Only the SMS provider reports deliveries.
            #expect(configurations.map { factory.makeChannel($0).deliveryReports != nil } == [false, false, false, true])
        }
    }

    @Test func theFactoryRetryPolicyIsTheChannelsPolicy() async throws {
        try await withHTTPClient { client in
            let policy = RetryPolicy(attempts: 5, baseBackoff: .seconds(1), maximumBackoff: .seconds(4))
            let factory = ChannelFactory(httpClient: client, sandboxSink: InMemorySandboxSink(), retryPolicy: policy)
            #expect(factory.makeChannel(.sandbox(SandboxConfiguration())).policy == policy)
        }
    }
}
