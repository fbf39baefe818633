import AsyncHTTPClient
import PondChannels
import PondCore
import PondTestSupport
import Testing

@Suite struct WebhookChannelTests {
    let secret = "whsec-0123456789abcdef"

    func channel(
        url: String, client: HTTPClient, clock: ManualClock, sleeps: RecordedSleeps = RecordedSleeps(),
        policy: RetryPolicy = RetryPolicy(), secret: String? = nil
    ) -> RetryingChannel {
        let configuration = WebhookConfiguration(url: url, secret: Secret(secret ?? self.secret))
        return RetryingChannel(
            WebhookChannel(configuration: configuration, httpClient: client, clock: clock), policy: policy,
            sleep: sleeps.sleep)
    }

    @Test func aMessageArrivesAsSignedJSONCarryingItsIdempotencyKey() async throws {
        let clock = ManualClock()
        let receiver = WebhookReceiver(secret: secret, clock: clock)
        let receipt = try await receiver.run { url in
            try await withHTTPClient { client in
                try await channel(url: url, client: client, clock: clock).send(outbound(
                    key: "broadcast-7/profile-42", to: "member@example.com", category: .marketing, subject: "双十二",
                    text: "全场五折", html: "<p>全场五折</p>", metadata: ["profileId": "42", "broadcastId": "7"]))
            }
        }
        let delivery = try #require(receiver.processed.first)
        #expect(receiver.processed.count == 1)
        #expect(delivery.idempotencyKey == "broadcast-7/profile-42")
        #expect(delivery.timestamp == String(clock.now().millisecondsSinceEpoch / 1000))
        let json = try #require(delivery.json)
        #expect(json["idempotencyKey"] == "broadcast-7/profile-42")
        #expect(json["channel"] == "webhook")
        #expect(json["category"] == "marketing")
        #expect(json["to"] == "member@example.com")
        #expect(json["subject"] == "双十二")
        #expect(json["text"] == "全场五折")
        #expect(json["html"] == "<p>全场五折</p>")
        #expect(json["metadata"] == ["profileId": "42", "broadcastId": "7"])
        #expect(json["sentAt"] == .string(ISO8601.format(clock.now())))
        #expect(json["id"]?.stringValue == receipt.providerMessageID)
        #expect(receipt.acceptedAt == clock.now())
    }

    @Test func theRequestVerifiesWithThePublicVerifier() async throws {
        let clock = ManualClock()
        let receiver = WebhookReceiver(secret: secret, clock: clock)
        try await receiver.run { url in
            try await withHTTPClient { client in
                _ = try await channel(url: url, client: client, clock: clock).send(outbound())
            }
        }
        let delivery = try #require(receiver.processed.first)
        let resigned = WebhookSignature.sign(
            body: delivery.body, timestamp: Int64(delivery.timestamp)!, secret: Secret(secret))
        #expect(WebhookSignature.verify(
            body: delivery.body, timestamp: delivery.timestamp, signature: resigned, secret: secret,
            now: clock.now()) == .valid)
    }

    @Test func aWrongSecretIsRefusedByTheReceiverAsAPermanentFailure() async throws {
        let clock = ManualClock()
        let receiver = WebhookReceiver(secret: secret, clock: clock)
        let failure = try await receiver.run { url in
            try await withHTTPClient { client in
                let channel = channel(url: url, client: client, clock: clock, secret: "another-secret-entirely")
                return await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
            }
        }
        #expect(failure == .permanent(code: "webhook_http_401", reason: "the webhook answered HTTP 401"))
        #expect(receiver.refusedSignatures == 1)
        #expect(receiver.processed.isEmpty)
    }

    @Test func aServerErrorIsRetriedAndTheMessageProcessedOnce() async throws {
        let clock = ManualClock()
        let receiver = WebhookReceiver(secret: secret, clock: clock)
        receiver.inject(.status(500), times: 2)
        let sleeps = RecordedSleeps()
        try await receiver.run { url in
            try await withHTTPClient { client in
                _ = try await channel(url: url, client: client, clock: clock, sleeps: sleeps).send(outbound())
            }
        }
        #expect(receiver.requestCount == 3)
        #expect(receiver.processed.count == 1)
        #expect(sleeps.recorded == [.milliseconds(250), .milliseconds(500)])
    }

    @Test func aRateLimitAnswerIsRetriedAfterTheReceiversRetryAfter() async throws {
        let clock = ManualClock()
        let receiver = WebhookReceiver(secret: secret, clock: clock)
        receiver.inject(.status(429, retryAfter: 1))
        let sleeps = RecordedSleeps()
        try await receiver.run { url in
            try await withHTTPClient { client in
                _ = try await channel(url: url, client: client, clock: clock, sleeps: sleeps).send(outbound())
            }
        }
        #expect(sleeps.recorded == [.seconds(1)])
        #expect(receiver.processed.count == 1)
    }

    @Test func aClientErrorOtherThan408Or429IsPermanentAndNotRetried() async throws {
        let clock = ManualClock()
        let receiver = WebhookReceiver(secret: secret, clock: clock)
        receiver.inject(.status(410))
        let failure = try await receiver.run { url in
            try await withHTTPClient { client in
                let channel = channel(url: url, client: client, clock: clock)
                return await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
            }
        }
        #expect(failure?.code == "webhook_http_410")
        #expect(failure?.isTransient == false)
        #expect(receiver.requestCount == 1)
    }

    @Test func aRetriedSendOfTheSameKeyIsProcessedOnceByTheReceiver() async throws {
        let clock = ManualClock()
        let receiver = WebhookReceiver(secret: secret, clock: clock)
        try await receiver.run { url in
            try await withHTTPClient { client in
                let channel = channel(url: url, client: client, clock: clock)
                _ = try await channel.send(outbound(key: "same"))
                clock.advance(milliseconds: 60_000)
                _ = try await channel.send(outbound(key: "same"))
            }
        }
        #expect(receiver.requestCount == 2)
        #expect(receiver.processed.count == 1)
    }

    @Test func aHangingReceiverCostsOneDeadlinePerAttempt() async throws {
        let clock = ManualClock()
        let receiver = WebhookReceiver(secret: secret, clock: clock)
        receiver.inject(.hang(.seconds(5)), times: 2)
        let failure = try await receiver.run { url in
            try await withHTTPClient { client in
                let channel = channel(
                    url: url, client: client, clock: clock,
                    policy: RetryPolicy(attempts: 2, attemptTimeout: .milliseconds(200)))
                return await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
            }
        }
        #expect(failure?.code == "timeout")
        #expect(failure?.isTransient == true)
        #expect(receiver.requestCount == 2)
    }

    @Test func nobodyListeningIsATransientFailure() async throws {
        // A port that was free a moment ago: the simulator ran there and stopped.
        let url = try await WebhookReceiver(secret: secret).run { url in url }
        let failure = try await withHTTPClient { client in
            let channel = channel(
                url: url, client: client, clock: ManualClock(), policy: RetryPolicy(attempts: 1))
            return await failureOf { () async throws(ChannelFailure) in try await channel.send(outbound()) }
        }
        #expect(failure?.isTransient == true)
        #expect(failure?.code == "network_error" || failure?.code == "timeout")
    }
}
