import Foundation
import HummingbirdTesting
import PondCore
import PondStore
import PondTestSupport
import Testing

/// Consent, the dispatch policy, messages, the decision log and the sandbox over HTTP; every response is held to
/// the OpenAPI document.
@Suite("Dispatch API")
struct DispatchAPITests {
    static let grant: JSONValue = [
        "purpose": "marketing", "channel": "sms", "action": "grant", "noticeVersion": "privacy-2026-03",
        "source": "mini-program signup", "evidence": "form-8812",
    ]

    static func message(_ key: String, _ profile: Int64, category: String = "marketing", channel: String = "sms") -> JSONValue {
        ["idempotencyKey": .string(key), "profileId": .int(profile), "channel": .string(channel), "category": .string(category),
         "content": ["text": "会员日 8 折", "providerTemplate": "SMS_1", "parameters": ["discount": "8"]]]
    }

    @Test("consent is recorded, read, paged through its history and refused with the field at fault", arguments: TestBackend.available)
    func consent(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.send([console.identify("u1", phone: "13800138000")])
            let profile = try await console.profile("user_id:u1")
            var response = try await console.get("/api/v1/profiles/\(profile)/consent")
            #expect(response.status == .ok)
            #expect(response.json["summary"]?["marketing"]?.stringValue == "unknown")

            response = try await console.post("/api/v1/profiles/\(profile)/consent", Self.grant)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(response.json["summary"]?["marketing"]?.stringValue == "granted")
            #expect(response.json["states"]?.arrayValue?.first?["evidence"]?.stringValue == "form-8812")

            var noNotice = Self.grant.objectValue!
            noNotice["noticeVersion"] = nil
            response = try await console.post("/api/v1/profiles/\(profile)/consent", .object(noNotice))
            #expect(response.status == .badRequest)
            #expect(response.code == "consent_notice_required")
            #expect(response.json["path"]?.stringValue == "noticeVersion")
            var unknownField = Self.grant.objectValue!
            unknownField["purpse"] = "marketing"
            #expect(try await console.post("/api/v1/profiles/\(profile)/consent", .object(unknownField)).code == "invalid_request")
            #expect(try await console.post("/api/v1/profiles/999999/consent", Self.grant).status == .notFound)

            response = try await console.post(
                "/api/v1/profiles/\(profile)/consent",
                ["purpose": "marketing", "channel": "sms", "action": "revoke", "source": "sms reply TD", "evidence": "mo-5512"])
            #expect(response.json["summary"]?["marketing"]?.stringValue == "denied")
            response = try await console.get("/api/v1/profiles/\(profile)/consent/history?limit=1")
            #expect(response.json["entries"]?.arrayValue?.first?["action"]?.stringValue == "revoke")
            let cursor = try #require(response.json["nextCursor"]?.stringValue)
            response = try await console.get("/api/v1/profiles/\(profile)/consent/history?limit=1&cursor=\(cursor)")
            #expect(response.json["entries"]?.arrayValue?.first?["action"]?.stringValue == "grant")
        }
    }

    @Test("a consent import is all or nothing and idempotent by key", arguments: TestBackend.available)
    func consentImport(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.send([console.identify("u1", phone: "13800138000")])
            var record = Self.grant.objectValue!
            record["identity"] = "phone:13800138000"
            record["key"] = "sheet-1"
            record["at"] = "2026-01-02T10:00:00+08:00"
            var missing = record
            missing["identity"] = "phone:13900000000"
            missing["key"] = "sheet-2"
            var response = try await console.post("/api/v1/consent/import", ["records": [.object(record), .object(missing)]])
            #expect(response.status == .notFound)
            #expect(response.json["path"]?.stringValue == "records[1].identity")
            response = try await console.post("/api/v1/consent/import", ["records": [.object(record)]])
            #expect(response.json == ["recorded": 1, "duplicates": 0, "superseded": 0])
            response = try await console.post("/api/v1/consent/import", ["records": [.object(record)]])
            #expect(response.json == ["recorded": 0, "duplicates": 1, "superseded": 0])
        }
    }

    @Test("the policy reads its defaults, saves a change, and refuses an invalid one naming the member", arguments: TestBackend.available)
    func policy(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            var response = try await console.get("/api/v1/dispatch/policy")
            #expect(response.json["quietHours"]?["start"]?.stringValue == "21:00")
            #expect(response.json["caps"]?.arrayValue?.count == 2)
            response = try await console.put("/api/v1/dispatch/policy", ["quietHours": nil, "caps": [["limit": 1, "days": 1]]])
            #expect(response.status == .ok)
            #expect(response.json["quietHours"] == .null)
            #expect(try await console.get("/api/v1/dispatch/policy").json["caps"]?.arrayValue?.first?["limit"] == 1)
            response = try await console.put("/api/v1/dispatch/policy", ["caps": [["limit": 0, "days": 1]]])
            #expect(response.code == "dispatch_invalid_cap_limit")
            #expect(response.json["path"]?.stringValue == "caps[0].limit")
            response = try await console.put("/api/v1/dispatch/policy", ["quietHour": nil])
            #expect(response.code == "invalid_request")
            #expect(try await console.get("/api/v1/dispatch/policy").json["caps"]?.arrayValue?.first?["limit"] == 1, "nothing half-saved")
        }
    }

    @Test("a message goes through the dispatcher once, into the sandbox, with its decisions logged", arguments: TestBackend.available)
    func messages(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.send([console.identify("u1", phone: "13800138000"), console.identify("u2")])
            let one = try await console.profile("user_id:u1")
            let two = try await console.profile("user_id:u2")
            #expect(try await console.post("/api/v1/profiles/\(one)/consent", Self.grant).status == .created)

            var response = try await console.post("/api/v1/messages", Self.message("promo-1", one))
            #expect(response.status == .accepted, "\(String(buffer: response.body))")
            #expect(response.json["decision"]?["decision"]?.stringValue == "send")
            response = try await console.post("/api/v1/messages", Self.message("promo-1", one))
            #expect(response.status == .ok)
            #expect(response.json["duplicate"] == true)
            response = try await console.post("/api/v1/messages", Self.message("promo-2", two))
            #expect(response.json["decision"]?["reason"]?.stringValue == "no_address")
            var byIdentity = Self.message("svc-1", 0, category: "service").objectValue!
            byIdentity["profileId"] = nil
            byIdentity["identity"] = "phone:13800138000"
            #expect(try await console.post("/api/v1/messages", .object(byIdentity)).status == .accepted)

            await console.pond.runtime.jobs.runDue()
            response = try await console.get("/api/v1/sandbox/deliveries")
            #expect(Set(response.json["deliveries"]?.arrayValue?.compactMap { $0["idempotencyKey"]?.stringValue } ?? []) == ["promo-1", "svc-1"])
            #expect(response.json["deliveries"]?.arrayValue?.first?["address"]?.stringValue == "+8613800138000")
            response = try await console.get("/api/v1/messages/promo-1")
            #expect(response.json["status"]?.stringValue == "delivered")
            #expect(response.json["content"]?["parameters"]?["discount"]?.stringValue == "8")
            response = try await console.get("/api/v1/dispatch/decisions?decision=suppress")
            #expect(response.json["decisions"]?.arrayValue?.map { $0["idempotencyKey"]?.stringValue } == ["promo-2"])
            response = try await console.get("/api/v1/dispatch/decisions?reason=no_address&profileId=\(two)")
            #expect(response.json["decisions"]?.arrayValue?.count == 1)
            #expect(try await console.get("/api/v1/messages/nope").status == .notFound)
            #expect(try await console.get("/api/v1/dispatch/decisions?reason=tired").code == "invalid_request")
        }
    }

    @Test("bad messages are refused with a code and nothing is stored", arguments: TestBackend.available)
    func badMessages(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.send([console.identify("u1", phone: "13800138000")])
            let one = try await console.profile("user_id:u1")
            var bad = Self.message("k", one).objectValue!
            bad["category"] = "spam"
            #expect(try await console.post("/api/v1/messages", .object(bad)).code == "invalid_request")
            bad = Self.message("k", one).objectValue!
            bad["content"] = ["txt": "hi"]
            #expect(try await console.post("/api/v1/messages", .object(bad)).code == "invalid_request")
            bad = Self.message("k", one).objectValue!
            bad["channel"] = "Bad Channel"
            let response = try await console.post("/api/v1/messages", .object(bad))
            #expect(response.code == "invalid_request")
            #expect(response.json["path"]?.stringValue == "channel")
            #expect(try await console.post("/api/v1/messages", Self.message("k", 424242)).status == .notFound)
            #expect(try await console.get("/api/v1/messages/k").status == .notFound, "nothing stored")
        }
    }
}
