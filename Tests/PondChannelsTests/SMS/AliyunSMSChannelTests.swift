import AsyncHTTPClient
import PondChannels
import PondCore
import PondTestSupport
import Testing

@Suite struct AliyunSMSChannelTests {
    let simulator = AliyunSMSSimulator()

    func channel(
        _ baseURL: String, _ client: HTTPClient, secret: String? = nil, keyId: String? = nil,
        signName: String = "池塘", sleeps: RecordedSleeps = RecordedSleeps(), policy: RetryPolicy = RetryPolicy()
    ) -> RetryingChannel {
        let configuration = AliyunSMSConfiguration(
            baseURL: baseURL, accessKeyId: keyId ?? simulator.accessKeyId,
            accessKeySecret: Secret(secret ?? simulator.accessKeySecret), signName: signName)
        return RetryingChannel(
            AliyunSMSChannel(configuration: configuration, httpClient: client, clock: ManualClock()), policy: policy,
            sleep: sleeps.sleep)
    }

    /// Sends `message` through a channel on the simulator, returning the receipt or the failure.
    func send(
        _ message: OutboundMessage = outbound(), secret: String? = nil, keyId: String? = nil, signName: String = "池塘",
        sleeps: RecordedSleeps = RecordedSleeps(), policy: RetryPolicy = RetryPolicy()
    ) async throws -> Result<ChannelReceipt, ChannelFailure> {
        try await simulator.run { base in
            try await withHTTPClient { client in
                let channel = channel(
                    base, client, secret: secret, keyId: keyId, signName: signName, sleeps: sleeps, policy: policy)
                do throws(ChannelFailure) {
                    return .success(try await channel.send(message))
                } catch {
                    return .failure(error)
                }
            }
        }
    }

    @Test func anAcceptedMessageCarriesTemplateSignatureAndKeyToAliyun() async throws {
        let result = try await send(outbound(
            key: "journey-3/step-1/profile-42", to: "13800138000",
            template: PondChannels.ProviderTemplate(code: "SMS_100001", parameters: ["code": "246810"])))
        let receipt = try result.get()
        let sent = try #require(simulator.accepted.first)
        #expect(simulator.accepted.count == 1)
        #expect(sent.phoneNumber == "13800138000")
        #expect(sent.signName == "池塘")
        #expect(sent.templateCode == "SMS_100001")
        #expect(sent.templateParameters == ["code": "246810"])
        #expect(sent.outId == "journey-3/step-1/profile-42")
        #expect(receipt.providerMessageID == sent.bizId)
    }

    @Test func aWrongSecretIsSignatureDoesNotMatchAndTheReasonQuotesNeitherSecretNorSignedString() async throws {
        let result = try await send(secret: "not-the-secret")
        guard case .failure(let failure) = result else {
            Issue.record("a wrong secret was accepted")
            return
        }
        #expect(failure.code == "SignatureDoesNotMatch")
        #expect(!failure.isTransient)
        #expect(!failure.description.contains("not-the-secret"))
        #expect(!failure.description.contains("GET&"))
        #expect(simulator.requestCount == 1)
    }

    @Test func anUnknownAccessKeyIsPermanent() async throws {
        let result = try await send(keyId: "LTAI-nobody")
        #expect(result.failure?.code == "InvalidAccessKeyId.NotFound")
        #expect(result.failure?.isTransient == false)
    }

    @Test func anIllegalNumberIsPermanentAndNotRetried() async throws {
        let result = try await send(outbound(to: "12345"))
        #expect(result.failure?.code == "isv.MOBILE_NUMBER_ILLEGAL")
        #expect(result.failure?.isTransient == false)
        #expect(simulator.requestCount == 1)
        #expect(simulator.accepted.isEmpty)
    }

    @Test func anUnapprovedTemplateOrSignatureIsPermanent() async throws {
        let template = try await send(outbound(template: PondChannels.ProviderTemplate(code: "SMS_999999", parameters: [:])))
        #expect(template.failure?.code == "isv.SMS_TEMPLATE_ILLEGAL")
        let signature = try await send(signName: "别人的签名")
        #expect(signature.failure?.code == "isv.SMS_SIGNATURE_ILLEGAL")
        let missing = try await send(outbound(template: PondChannels.ProviderTemplate(code: "SMS_100001", parameters: [:])))
        #expect(missing.failure?.code == "isv.TEMPLATE_MISSING_PARAMETERS")
        #expect(simulator.accepted.isEmpty)
    }

    @Test func aMessageWithoutATemplateFailsBeforeAnyRequest() async throws {
        let result = try await send(outbound(template: nil))
        #expect(result.failure?.code == "sms_template_required")
        #expect(simulator.requestCount == 0)
    }

    @Test func thePerNumberLimitIsTransientAndLeftToTheEngineQueue() async throws {
        let sleeps = RecordedSleeps()
        let outcomes = try await simulator.run { base in
            try await withHTTPClient { client in
                let channel = channel(base, client, sleeps: sleeps)
                var outcomes: [ChannelFailure?] = []
                for n in 1...6 {
                    outcomes.append(await failureOf { () async throws(ChannelFailure) in
                        try await channel.send(outbound(key: "k\(n)", to: "13900139000"))
                    })
                }
                return outcomes
            }
        }
        #expect(outcomes.prefix(5).allSatisfy { $0 == nil })
        let limited = try #require(outcomes.last ?? nil)
        #expect(limited.code == "isv.BUSINESS_LIMIT_CONTROL")
        #expect(limited.isTransient)
        #expect(limited.retryAfter == .seconds(60))
        #expect(sleeps.recorded.isEmpty)
        #expect(simulator.requestCount == 6)
    }

    @Test func aServerErrorIsRetriedAndTheMessageSentOnce() async throws {
        simulator.inject(.httpStatus(500))
        let sleeps = RecordedSleeps()
        let result = try await send(sleeps: sleeps)
        #expect(result.failure == nil)
        #expect(simulator.requestCount == 2)
        #expect(simulator.accepted.count == 1)
        #expect(sleeps.recorded == [.milliseconds(250)])
    }

    @Test func aMalformedAnswerIsTransient() async throws {
        simulator.inject(.malformedBody, times: 3)
        let result = try await send()
        #expect(result.failure?.code == "malformed_response")
        #expect(result.failure?.isTransient == true)
        #expect(simulator.requestCount == 3)
    }

    @Test func aPlatformErrorCodeIsRetried() async throws {
        simulator.inject(.code("isp.SYSTEM_ERROR"))
        let result = try await send()
        #expect(result.failure == nil)
        #expect(simulator.requestCount == 2)
    }

    @Test func aHangingEndpointTimesOutEachAttempt() async throws {
        simulator.inject(.hang(.seconds(5)), times: 2)
        let result = try await send(policy: RetryPolicy(attempts: 2, attemptTimeout: .milliseconds(200)))
        #expect(result.failure?.code == "timeout")
        #expect(result.failure?.isTransient == true)
        #expect(simulator.requestCount == 2)
    }

    @Test func aRetryAfterALostAnswerReusesTheOutId() async throws {
        let (first, second) = try await simulator.run { base in
            try await withHTTPClient { client in
                let channel = channel(base, client)
                let first = try await channel.send(outbound(key: "once"))
                let second = try await channel.send(outbound(key: "once"))
                return (first, second)
            }
        }
        #expect(first.providerMessageID == second.providerMessageID)
        #expect(simulator.accepted.map(\.outId) == ["once"])
        #expect(simulator.requestCount == 2)
    }

    @Test func deliveryReportsComeFromQuerySendDetails() async throws {
        simulator.failDeliveries(to: "13700137000", errorCode: "MK:0001")
        let (delivered, failed) = try await simulator.run { base in
            try await withHTTPClient { client in
                let channel = channel(base, client)
                let reports = try #require(channel.deliveryReports)
                let ok = outbound(key: "a", to: "13800138000")
                let bad = outbound(key: "b", to: "13700137000")
                let okReceipt = try await channel.send(ok)
                let badReceipt = try await channel.send(bad)
                return (
                    try await reports.deliveryStatus(of: okReceipt, for: ok),
                    try await reports.deliveryStatus(of: badReceipt, for: bad)
                )
            }
        }
        guard case .delivered(let at) = delivered else {
            Issue.record("expected delivered, got \(delivered)")
            return
        }
        // "2026-12-03 21:13:28" Beijing time.
        #expect(at == ISO8601.parse("2026-12-03T13:13:28Z"))
        #expect(failed == .failed(code: "MK:0001"))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
