import Foundation
import HummingbirdTesting
import PondCore
import PondStore
import PondTestSupport
import Testing

/// Templates and broadcasts over HTTP; every response is held to the OpenAPI document.
@Suite("Broadcast API")
struct BroadcastAPITests {
    static let template: JSONValue = [
        "id": "member-day", "name": "会员日短信", "category": "marketing",
        "bodies": [
            "sms": ["text": "{{name|亲爱的会员}}，会员日 8 折",
                    "providerTemplate": ["code": "SMS_1", "parameters": ["name": "{{name|会员}}"]]],
            "email": ["subject": "{{name}}，会员日", "text": "{{city}}门店见。退订 {{links.unsubscribe}}"],
        ],
    ]

    static let grant: JSONValue = [
        "purpose": "marketing", "channel": "sms", "action": "grant", "noticeVersion": "privacy-2026-03", "source": "signup",
    ]

    @Test("templates are created, read, listed, replaced, previewed and deleted, and refused with the member at fault",
          arguments: TestBackend.available)
    func templates(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.send([
                console.identify("u1", phone: "13800138001", traits: ["name": "李雷"]),
                console.identify("u2", phone: "13800138002", traits: ["city": "上海"]),
            ])
            let one = try await console.profile("user_id:u1")

            var response = try await console.post("/api/v1/templates", Self.template)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(response.json["version"] == 1)
            #expect(response.json["variables"] == ["name", "city", "links.unsubscribe"])
            #expect(try await console.post("/api/v1/templates", Self.template).code == "already_exists")

            var typo = Self.template.objectValue!
            typo["id"] = "typo"
            typo["bodies"] = ["sms": ["text": "{{nmae}}，会员日"]]
            response = try await console.post("/api/v1/templates", .object(typo))
            #expect(response.status == .badRequest)
            #expect(response.code == "template_unknown_variable")
            #expect(response.json["path"] == "bodies.sms.text")
            #expect(response.json["message"]?.stringValue?.contains("did you mean {{name}}?") == true)
            typo["bodies"] = ["sms": ["txt": "hi"]]
            response = try await console.post("/api/v1/templates", .object(typo))
            #expect(response.code == "template_unknown_field")
            #expect(response.json["path"] == "bodies.sms.txt")
            #expect(try await console.get("/api/v1/templates/typo").status == .notFound, "nothing saved")

            response = try await console.post(
                "/api/v1/templates/member-day/preview", ["profileId": .int(one), "channel": "email", "event": ["amount": 1]])
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(response.json["body"]?["subject"] == "李雷，会员日")
            #expect(response.json["missing"] == ["city"])
            #expect(response.json["body"]?["text"]?.stringValue?.contains("/u/") == true)
            response = try await console.post("/api/v1/templates/member-day/preview", ["profileId": .int(one), "channel": "sms"])
            #expect(response.json["body"]?["providerTemplate"]?["parameters"]?["name"] == "李雷")
            #expect(response.json["missing"] == [])
            response = try await console.post("/api/v1/templates/member-day/preview", ["profileId": .int(one), "channel": "wecom"])
            #expect(response.code == "template_lacks_channel")
            #expect(try await console.post("/api/v1/templates/member-day/preview", ["profileId": 424242, "channel": "sms"]).status == .notFound)
            #expect(try await console.post("/api/v1/templates/member-day/preview", ["channel": "sms"]).code == "invalid_request")

            var changed = Self.template.objectValue!
            changed["id"] = nil
            changed["bodies"] = ["sms": ["text": "会员日 7 折"]]
            response = try await console.put("/api/v1/templates/member-day", .object(changed))
            #expect(response.status == .ok)
            #expect(response.json["version"] == 2)
            #expect(try await console.put("/api/v1/templates/nope", .object(changed)).status == .notFound)
            response = try await console.get("/api/v1/templates")
            #expect(response.values("templates", "id") == ["member-day"])
            #expect(try await console.delete("/api/v1/templates/member-day").json["deleted"] == true)
            #expect(try await console.delete("/api/v1/templates/member-day").status == .notFound)
        }
    }

    @Test("a broadcast to a segment is created, runs into the sandbox, reports by status and reason, and is refused or cancelled",
          arguments: TestBackend.available)
    func broadcasts(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.send([
                console.identify("u1", phone: "13800138001", traits: ["name": "李雷"]),
                console.identify("u2", phone: "13800138002", traits: ["city": "上海"]),
                console.identify("u3", phone: "13800138003"),
            ])
            var ids: [Int64] = []
            for n in 1...3 { ids.append(try await console.profile("user_id:u\(n)")) }
            for id in ids.prefix(2) {
                #expect(try await console.post("/api/v1/profiles/\(id)/consent", Self.grant).status == .created)
            }
            #expect(try await console.post("/api/v1/segments", ["id": "vip", "name": "VIP", "kind": "static"]).status == .created)
            #expect(try await console.upload(
                "/api/v1/segments/vip/members/import?mode=append", ["phone", "13800138001", "13800138002", "13800138003"]
            ).status == .ok)
            #expect(try await console.post("/api/v1/templates", Self.template).status == .created)

            var response = try await console.post(
                "/api/v1/broadcasts", ["id": "day", "name": "会员日", "segmentId": "vip", "templateId": "member-day", "channel": "sms"])
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(response.json["status"] == "running")
            #expect(response.json["report"]?["messages"] == 0)
            #expect(try await console.delete("/api/v1/templates/member-day").code == "template_in_use")

            await console.pond.runtime.jobs.runDue()
            response = try await console.get("/api/v1/broadcasts/day")
            #expect(response.json["status"] == "completed")
            #expect(response.json["progress"]?["audienceRead"] == 3)
            #expect(response.json["templateVersion"] == 1)
            #expect(response.json["report"]?["byStatus"]?["delivered"] == 2)
            #expect(response.json["report"]?["byReason"] == ["no_consent": 1])
            let sandbox = try await console.get("/api/v1/sandbox/deliveries")
            #expect(sandbox.json["deliveries"]?.arrayValue?.count == 2)
            #expect(Set(sandbox.values("deliveries", "idempotencyKey")) == Set(ids.prefix(2).map { .string("broadcast:day:\($0)") }))

            response = try await console.post(
                "/api/v1/broadcasts",
                ["id": "later", "name": "下周", "segmentId": "vip", "templateId": "member-day", "channel": "sms",
                 "scheduledAt": .string(ISO8601.format(console.pond.clock.now().adding(days: 7)))])
            #expect(response.json["status"] == "scheduled")
            response = try await console.get("/api/v1/broadcasts?status=scheduled")
            #expect(response.values("broadcasts", "id") == ["later"])
            #expect(try await console.get("/api/v1/broadcasts").values("broadcasts", "id") == ["later", "day"], "newest first")
            let page = try await console.get("/api/v1/broadcasts?limit=1")
            let cursor = try #require(page.json["nextCursor"]?.stringValue)
            #expect(try await console.get("/api/v1/broadcasts?limit=1&cursor=\(cursor)").values("broadcasts", "id") == ["day"])
            response = try await console.post("/api/v1/broadcasts/later/cancel")
            #expect(response.status == .ok)
            #expect(response.json["status"] == "cancelled")
            #expect(try await console.post("/api/v1/broadcasts/day/cancel").code == "broadcast_finished")
            #expect(try await console.post("/api/v1/broadcasts/nope/cancel").status == .notFound)
            #expect(try await console.get("/api/v1/broadcasts/nope").status == .notFound)

            response = try await console.post(
                "/api/v1/broadcasts", ["name": "x", "segmentId": "nobody", "templateId": "member-day", "channel": "sms"])
            #expect(response.code == "unknown_segment")
            #expect(response.json["path"] == "segmentId")
            response = try await console.post(
                "/api/v1/broadcasts", ["name": "x", "segmentId": "vip", "templateId": "member-day", "channel": "wecom"])
            #expect(response.code == "template_lacks_channel")
            response = try await console.post(
                "/api/v1/broadcasts", ["name": "x", "segmentId": "vip", "templateId": "nope", "channel": "sms"])
            #expect(response.code == "unknown_template")
            response = try await console.post(
                "/api/v1/broadcasts", ["name": "x", "segmentId": "vip", "templateId": "member-day", "channel": "sms", "category": "service"])
            #expect(response.code == "invalid_request")
            #expect(response.json["path"] == "category")
            response = try await console.post(
                "/api/v1/broadcasts", ["id": "day", "name": "x", "segmentId": "vip", "templateId": "member-day", "channel": "sms"])
            #expect(response.code == "already_exists")
            #expect(try await console.post("/api/v1/broadcasts", ["name": "x", "segment": "vip"]).code == "invalid_request")
            #expect(try await console.get("/api/v1/broadcasts?status=done").code == "invalid_request")
        }
    }
}
