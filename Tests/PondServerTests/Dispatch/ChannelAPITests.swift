import Foundation
import HummingbirdTesting
import PondCore
import PondStore
import PondTestSupport
import Synchronization
import Testing

/// Channel settings over HTTP, every response held to the OpenAPI document — and none ever holding a secret.
@Suite("Channel API")
struct ChannelAPITests {
    static let secret = "s3cr3t-不可外泄-0001"

    static func aliyun(baseURL: String = "https://dysmsapi.aliyuncs.com", secret: String = ChannelAPITests.secret) -> JSONValue {
        [
            "type": "sms_aliyun", "baseURL": .string(baseURL), "accessKeyId": "LTAI-test-key", "accessKeySecret": .string(secret),
            "signName": "池塘",
        ]
    }

    /// A console that keeps every response body it saw, so a test can look for a secret in all of them.
    final class Recorder: Sendable {
        let console: Console
        private let bodies = Mutex<[String]>([])

        init(_ console: Console) { self.console = console }

        var all: [String] { bodies.withLock { $0 } }

        func keep(_ response: TestResponse) -> TestResponse {
            bodies.withLock { $0.append(String(buffer: response.body)) }
            return response
        }

        func get(_ uri: String) async throws -> TestResponse { keep(try await console.get(uri)) }
        func put(_ uri: String, _ value: JSONValue) async throws -> TestResponse { keep(try await console.put(uri, value)) }
        func delete(_ uri: String) async throws -> TestResponse { keep(try await console.delete(uri)) }
        func post(_ uri: String, _ value: JSONValue) async throws -> TestResponse { keep(try await console.post(uri, value)) }
    }

    @Test("a channel is configured, read redacted, changed keeping its secret, and removed; no response holds the secret",
          arguments: TestBackend.available)
    func lifecycle(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            let api = Recorder(console)
            var response = try await api.put("/api/v1/channels/sms", ["configuration": Self.aliyun(), "ratePerSecond": 50])
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(response.json["configuration"]?["accessKeySecret"] == "set")
            #expect(response.json["ratePerSecond"]?.doubleValue == 50)
            #expect(response.json["type"] == "sms_aliyun")

            response = try await api.get("/api/v1/channels/sms")
            #expect(response.json["enabled"] == true)
            var shown = try #require(response.json["configuration"]?.objectValue)
            shown["signName"] = "池塘旗舰店"
            response = try await api.put("/api/v1/channels/sms", ["configuration": .object(shown), "ratePerSecond": nil])
            #expect(response.status == .ok)
            #expect(response.json["ratePerSecond"] == .null)
            #expect(response.json["configuration"]?["signName"] == "池塘旗舰店")
            let stored = try await console.pond.runtime.store.channel(workspaceID: console.pond.workspaceID, id: "sms")
            #expect(stored?.configuration["accessKeySecret"]?.stringValue == Self.secret, "the secret was kept")

            try #require(try await api.put("/api/v1/channels/sandbox", ["configuration": ["type": "sandbox"]]).status == .ok)
            response = try await api.get("/api/v1/channels")
            #expect(response.json["channels"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["sandbox", "sms"])

            response = try await api.delete("/api/v1/channels/sms")
            #expect(response.json == ["id": "sms", "deleted": true])
            #expect(try await api.get("/api/v1/channels/sms").status == .notFound)
            #expect(try await api.delete("/api/v1/channels/sms").status == .notFound)

            #expect(api.all.count == 8)
            for body in api.all {
                #expect(!body.contains(Self.secret) && !body.contains("s3cr3t"), "a response held the secret: \(body)")
            }
        }
    }

    @Test("an invalid configuration is refused with its code and the member at fault, the secret never quoted",
          arguments: TestBackend.available)
    func refusals(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            let api = Recorder(console)
            var bad = Self.aliyun().objectValue!
            bad["type"] = "sms_tencent"
            var response = try await api.put("/api/v1/channels/sms", ["configuration": .object(bad)])
            #expect(response.status == .badRequest)
            #expect(response.code == "channel_unknown_type")
            #expect(response.json["path"] == "configuration.type")

            bad = Self.aliyun().objectValue!
            bad["accessKeyId"] = 12
            response = try await api.put("/api/v1/channels/sms", ["configuration": .object(bad)])
            #expect(response.code == "channel_invalid_config")
            #expect(response.json["path"] == "configuration.accessKeyId")

            response = try await api.put("/api/v1/channels/sms", ["configuration": Self.aliyun(secret: "set")])
            #expect(response.code == "channel_invalid_config")
            #expect(response.json["path"] == "configuration.accessKeySecret")

            response = try await api.put("/api/v1/channels/email", ["configuration": Self.aliyun()])
            #expect(response.code == "channel_invalid_config")
            #expect(response.json["path"] == "configuration.type")

            response = try await api.put(
                "/api/v1/channels/webhook", ["configuration": ["type": "webhook", "url": "ftp://x", "secret": .string(Self.secret)]])
            #expect(response.code == "channel_invalid_config")
            #expect(response.json["path"] == "configuration.url")

            for body: JSONValue in [
                ["configuration": Self.aliyun(), "ratePerSecond": 0],
                ["configuration": Self.aliyun(), "ratePerSecond": "fast"],
                ["configuration": Self.aliyun(), "enabled": "yes"],
                ["configuration": Self.aliyun(), "rate": 5],
                ["ratePerSecond": 5],
            ] {
                response = try await api.put("/api/v1/channels/sms", body)
                #expect(response.status == .badRequest)
                #expect(response.code == "invalid_request", "\(body)")
            }
            #expect(try await api.put("/api/v1/channels/Bad%20Id", ["configuration": ["type": "sandbox"]]).code == "invalid_request")
            #expect(try await api.get("/api/v1/channels").json["channels"] == [], "nothing was stored")
            for body in api.all { #expect(!body.contains(Self.secret), "a response held the secret: \(body)") }
        }
    }

    @Test("a message sent over the API goes out through the configured Aliyun channel", arguments: TestBackend.available)
    func delivery(_ backend: TestBackend) async throws {
        let simulator = AliyunSMSSimulator(accessKeySecret: Self.secret)
        try await simulator.run { baseURL in
            try await Console.run(on: backend) { console in
                let api = Recorder(console)
                try #require(try await api.put("/api/v1/channels/sms", ["configuration": Self.aliyun(baseURL: baseURL)]).status == .ok)
                try await console.send([console.identify("u1", phone: "13800138000")])
                let profile = try await console.profile("user_id:u1")
                let response = try await api.post("/api/v1/messages", [
                    "idempotencyKey": "otp-1", "profileId": .int(profile), "channel": "sms", "category": "service",
                    "content": ["text": "验证码 246810", "providerTemplate": "SMS_100001", "parameters": ["code": "246810"]],
                ])
                #expect(response.status == .accepted, "\(String(buffer: response.body))")
                await console.pond.runtime.jobs.runDue()
                let message = try await api.get("/api/v1/messages/otp-1")
                #expect(message.json["status"] == "delivered")
                let sent = try #require(simulator.accepted.first)
                #expect(sent.outId == "otp-1")
                #expect(sent.templateParameters == ["code": "246810"])
                #expect(try await api.get("/api/v1/sandbox/deliveries").json["deliveries"] == [], "the SMS was sent, not recorded")
                for body in api.all { #expect(!body.contains(Self.secret)) }
            }
        }
    }
}
