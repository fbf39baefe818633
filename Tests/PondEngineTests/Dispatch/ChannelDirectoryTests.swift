import Foundation
import HTTPTypes
import Hummingbird
import PondChannels
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Synchronization
import Testing

/// Messages from `DispatchService.send` through the job queue to the provider the workspace configured, against
/// local simulators of the providers' published APIs.
@Suite("Channel directory")
struct ChannelDirectoryTests {
    typealias World = ChannelWorld
    static let workspace = ChannelWorld.workspace

    @Test("an SMS goes through Aliyun with its template, signature and key, and keeps Aliyun's id",
          arguments: TestBackend.available)
    func aliyunSMS(_ backend: TestBackend) async throws {
        let simulator = AliyunSMSSimulator()
        try await simulator.run { baseURL in
            try await World.with(backend) { world in
                try await world.configure("sms", World.aliyun(simulator, baseURL: baseURL))
                let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
                let outcome = try await world.dispatch.send(world.sms("otp-1", customer, code: "246810"))
                #expect(outcome.first?.decision == .send)
                #expect(await world.dispatch.runner.runDue() == 1)

                let sent = try #require(simulator.accepted.first)
                #expect(simulator.accepted.count == 1)
                #expect(sent.phoneNumber.hasSuffix("13800138000"))
                #expect(sent.templateCode == "SMS_100001")
                #expect(sent.templateParameters == ["code": "246810"])
                #expect(sent.signName == "池塘")
                #expect(sent.outId == "otp-1", "the idempotency key travels as OutId")
                let message = try await world.message("otp-1")
                #expect(message.status == .delivered)
                #expect(message.providerID == sent.bizId)
                #expect(try await world.dispatch.delivered().isEmpty, "nothing went to the sandbox")
            }
        }
    }

    @Test("Aliyun's delivery reports are polled: a delivered SMS is confirmed, one the operator failed is failed after all",
          arguments: TestBackend.available)
    func aliyunReceipts(_ backend: TestBackend) async throws {
        let simulator = AliyunSMSSimulator()
        try await simulator.run { baseURL in
            try await World.with(backend) { world in
                try await world.configure("sms", World.aliyun(simulator, baseURL: baseURL))
                let reached = try await world.dispatch.customer("u1", ["phone": "13800138000"])
                let unreachable = try await world.dispatch.customer("u2", ["phone": "13900139000"])
                _ = try await world.dispatch.send(world.sms("otp-1", reached), world.sms("otp-2", unreachable))
                #expect(await world.dispatch.runner.runDue() == 2)
                // The operator cannot reach the second phone (as Aliyun has the number).
                let number = try #require(simulator.accepted.first { $0.outId == "otp-2" }?.phoneNumber)
                simulator.failDeliveries(to: number, errorCode: "MK:0001")
                #expect(try await world.message("otp-2").status == .delivered, "accepted by the provider at first")
                #expect(try await world.message("otp-1").receipt == nil)
                await world.dispatch.advance(seconds: 59)
                #expect(try await world.message("otp-1").receipt == nil, "the first poll is a minute after the hand-over")
                await world.dispatch.advance(seconds: 1)
                let confirmed = try await world.message("otp-1")
                #expect(confirmed.status == .delivered)
                #expect(confirmed.receipt == "delivered")
                let failed = try await world.message("otp-2")
                #expect(failed.status == .failed)
                #expect(failed.receipt == "failed:MK:0001")
                #expect(failed.sentAt == nil, "it no longer counts towards caps")
                #expect(try await world.store.jobCount(workspaceID: World.workspace) == 0, "nothing more to poll")
            }
        }
    }

    @Test("a channel without delivery reports queues no poll", arguments: TestBackend.available)
    func noReportsNoPoll(_ backend: TestBackend) async throws {
        try await World.with(backend, unconfigured: .sandbox) { world in
            let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
            _ = try await world.dispatch.send(world.sms("otp-1", customer))
            #expect(await world.dispatch.runner.runDue() == 1)
            #expect(try await world.message("otp-1").status == .delivered)
            #expect(try await world.store.jobCount(workspaceID: World.workspace) == 0)
        }
    }

    @Test("a provider's refusal fails the message at once with the provider's code", arguments: TestBackend.available)
    func aliyunRefusal(_ backend: TestBackend) async throws {
        let simulator = AliyunSMSSimulator()
        try await simulator.run { baseURL in
            try await World.with(backend) { world in
                try await world.configure("sms", World.aliyun(simulator, baseURL: baseURL, signName: "未备案"))
                let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
                _ = try await world.dispatch.send(world.sms("otp-1", customer))
                #expect(await world.dispatch.runner.runDue() == 1)
                let message = try await world.message("otp-1")
                #expect(message.status == .failed)
                #expect(message.error?.hasPrefix("isv.SMS_SIGNATURE_ILLEGAL") == true, "\(message.error ?? "")")
                #expect(simulator.requestCount == 1, "a permanent refusal is not retried")
            }
        }
    }

    @Test("simulator faults are retried through the job queue: a blip is delivered once, an outage is recorded failed",
          arguments: TestBackend.available)
    func faultsRetriedThroughTheQueue(_ backend: TestBackend) async throws {
        let simulator = AliyunSMSSimulator()
        try await simulator.run { baseURL in
            try await World.with(backend) { world in
                try await world.configure("sms", World.aliyun(simulator, baseURL: baseURL))
                let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
                simulator.inject(.httpStatus(503))
                simulator.inject(.malformedBody)
                _ = try await world.dispatch.send(world.sms("blip", customer))
                #expect(await world.dispatch.runner.runDue() == 1)
                #expect(try await world.message("blip").status == .sending, "a 503 waits in the queue")
                for _ in 0..<2 {
                    world.clock.advance(milliseconds: 3_600_000)
                    await world.dispatch.runner.runDue()
                }
                #expect(try await world.message("blip").status == .delivered)
                #expect(simulator.accepted.count == 1)
                #expect(simulator.requestCount == 3)
                world.clock.advance(milliseconds: 60_000)
                await world.dispatch.runner.runDue()
                #expect(try await world.message("blip").receipt == "delivered", "its report is asked for a minute later")

                simulator.inject(.code("isp.SYSTEM_ERROR"), times: 20)
                _ = try await world.dispatch.send(world.sms("outage", customer))
                for _ in 0..<12 {
                    await world.dispatch.runner.runDue()
                    world.clock.advance(milliseconds: 3_600_000)
                }
                let message = try await world.message("outage")
                #expect(message.status == .failed)
                #expect(message.error?.contains("gave up after 8 attempts") == true, "\(message.error ?? "")")
                #expect(simulator.requestCount == 3 + 1 + 8, "one request per attempt: the directory itself does not retry here")
                #expect(simulator.accepted.count == 1)
            }
        }
    }

    @Test("a webhook delivery is signed so that WebhookSignature.verify accepts it, and carries Pond's references",
          arguments: TestBackend.available)
    func webhook(_ backend: TestBackend) async throws {
        let receiver = CapturingReceiver()
        let secret = "whsec-0123456789abcdef"
        try await receiver.run { url in
            try await World.with(backend) { world in
                try await world.configure("webhook", ["type": "webhook", "url": .string(url), "secret": .string(secret)])
                let customer = try await world.dispatch.customer("u1")
                _ = try await world.dispatch.send(world.dispatch.ticket("hook-1", customer, .webhook, .service))
                #expect(await world.dispatch.runner.runDue() == 1)
                #expect(try await world.message("hook-1").status == .delivered)

                let request = try #require(receiver.requests.first)
                #expect(receiver.requests.count == 1)
                #expect(request.key == "hook-1")
                #expect(
                    WebhookSignature.verify(
                        body: request.body, timestamp: request.timestamp, signature: request.signature, secret: secret,
                        now: world.clock.now()) == .valid)
                #expect(
                    WebhookSignature.verify(
                        body: request.body, timestamp: request.timestamp, signature: request.signature,
                        secret: "another-secret-000", now: world.clock.now()) == .mismatch)
                let body = try JSONParser.parse(request.body)
                #expect(body["text"]?.stringValue == "你好 hook-1")
                #expect(body["metadata"]?["profileId"]?.stringValue == String(customer))
                #expect(body["metadata"]?["origin"] == "api")
            }
        }
    }

    @Test("a channel not configured fails for good; the sandbox needs no configuration", arguments: TestBackend.available)
    func unconfigured(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
            _ = try await world.dispatch.send(world.sms("otp-1", customer))
            _ = try await world.dispatch.send(world.dispatch.ticket("box-1", customer, .sandbox, .service))
            #expect(await world.dispatch.runner.runDue() == 2)
            let message = try await world.message("otp-1")
            #expect(message.status == .failed)
            #expect(message.error == "channel 'sms' is not configured")
            #expect(try await world.message("box-1").status == .delivered)
            #expect(try await world.dispatch.delivered() == ["box-1"])
            world.clock.advance(milliseconds: 3_600_000)
            #expect(await world.dispatch.runner.runDue() == 0, "nothing left to retry")
        }
    }

    @Test("with unconfigured channels recorded in the sandbox, an SMS lands there as it was decided",
          arguments: TestBackend.available)
    func unconfiguredIntoTheSandbox(_ backend: TestBackend) async throws {
        try await World.with(backend, unconfigured: .sandbox) { world in
            let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
            _ = try await world.dispatch.send(world.sms("otp-1", customer))
            await world.dispatch.runner.runDue()
            let recorded = try #require(
                try await world.store.sandboxDeliveries(workspaceID: Self.workspace, profileID: nil, before: nil, limit: 10).first)
            #expect(recorded.key == "otp-1")
            #expect(recorded.channel == .sms)
            #expect(recorded.address == "+8613800138000")
            #expect(recorded.content.parameters == ["code": "123456"])
            #expect(try await world.message("otp-1").providerID == "sandbox-\(recorded.id)")
        }
    }

    @Test("a channel switched off fails its messages, saying so", arguments: TestBackend.available)
    func disabled(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await world.configure("sms", ["type": "sandbox"], enabled: false)
            let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
            _ = try await world.dispatch.send(world.sms("otp-1", customer))
            await world.dispatch.runner.runDue()
            #expect(try await world.message("otp-1").error == "channel 'sms' is disabled")
            #expect(try await world.dispatch.delivered().isEmpty)
        }
    }

    @Test("the stored send rate holds a channel's hand-overs to their slots", arguments: TestBackend.available)
    func sendRate(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await world.configure("sms", ["type": "sandbox"], ratePerSecond: 2)
            let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
            for index in 0..<5 { _ = try await world.dispatch.send(world.sms("s\(index)", customer)) }
            _ = try await world.dispatch.send(world.dispatch.ticket("box", customer, .sandbox, .service))
            await world.dispatch.runner.runDue()
            #expect(try await world.dispatch.delivered().count == 3, "two SMS of the burst and the sandbox message")
            world.clock.advance(milliseconds: 500)
            await world.dispatch.runner.runDue()
            #expect(try await world.dispatch.delivered().count == 4)
            world.clock.advance(milliseconds: 1_000)
            await world.dispatch.runner.runDue()
            #expect(try await world.dispatch.delivered().count == 6)
        }
    }

    @Test("a change on this node is used at once; one on another node within seconds", arguments: TestBackend.available)
    func changesReachTheDirectory(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.dispatch.customer("u1", ["phone": "13800138000"])
            _ = try await world.dispatch.send(world.sms("a", customer))
            await world.dispatch.runner.runDue()
            #expect(try await world.message("a").status == .failed, "not configured yet")

            try await world.configure("sms", ["type": "sandbox"])
            _ = try await world.dispatch.send(world.sms("b", customer))
            await world.dispatch.runner.runDue()
            #expect(try await world.message("b").status == .delivered, "this node's change, at once")

            let otherNode = ChannelService(store: world.store, clock: world.clock)
            _ = try await otherNode.put(
                workspaceID: Self.workspace, id: "sms", configuration: ["type": "sandbox"], ratePerSecond: nil, enabled: false)
            _ = try await world.dispatch.send(world.sms("c", customer))
            await world.dispatch.runner.runDue()
            #expect(try await world.message("c").status == .delivered, "the cached settings, for a few seconds")
            world.clock.advance(milliseconds: 5_000)
            _ = try await world.dispatch.send(world.sms("d", customer))
            await world.dispatch.runner.runDue()
            #expect(try await world.message("d").error == "channel 'sms' is disabled", "read again after 5 s")
        }
    }

    @Test func theMessageTravelsAsTheChannelTakesIt() {
        let ticket = MessageTicket(
            key: "journey-3/step-1/42", profileID: 42, channel: .email, category: .marketing, origin: "journey",
            originRef: "journey-3@2",
            content: MessageContent(
                subject: "会员日", text: "8 折", html: "<p>8 折</p>", providerTemplate: "SMS_9",
                parameters: ["discount": "8", "unsubscribeUrl": "https://pond.example.com/u/abc"]),
            createdAt: Instant(millisecondsSinceEpoch: 0))
        let message = ChannelDirectory.outbound(ticket, address: "li@example.com")
        #expect(message.idempotencyKey == "journey-3/step-1/42")
        #expect(message.address == "li@example.com")
        #expect(message.category == .marketing)
        #expect(message.subject == "会员日")
        #expect(message.html == "<p>8 折</p>")
        #expect(message.unsubscribeURL == "https://pond.example.com/u/abc")
        #expect(message.template == PondChannels.ProviderTemplate(code: "SMS_9", parameters: ["discount": "8"]), "the link is no template variable")
        #expect(message.metadata == ["profileId": "42", "origin": "journey", "originRef": "journey-3@2"])
    }
}

/// A webhook endpoint that answers 200 and keeps each request's signature headers and raw body, for the test to
/// check with `WebhookSignature.verify` — the function Pond documents for receivers.
final class CapturingReceiver: Sendable {
    struct Request: Sendable {
        var key: String?
        var timestamp: String?
        var signature: String?
        var body: [UInt8]
    }

    private let captured = Mutex<[Request]>([])

    var requests: [Request] { captured.withLock { $0 } }

    func run<T: Sendable>(_ body: (_ url: String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hooks/pond") { [self] request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let headers = request.headers
            self.captured.withLock {
                $0.append(Request(
                    key: headers[HTTPField.Name(WebhookSignature.idempotencyKeyHeader)!],
                    timestamp: headers[HTTPField.Name(WebhookSignature.timestampHeader)!],
                    signature: headers[HTTPField.Name(WebhookSignature.signatureHeader)!],
                    body: Array(bytes.readableBytesView)))
            }
            return Response(status: .ok)
        }
        return try await LocalHTTPServer.run(router) { base in try await body(base + "/hooks/pond") }
    }
}
