import Foundation
import HummingbirdTesting
import PondCore
import PondStore
import PondTestSupport
import Testing

/// Journeys and the unsubscribe link over HTTP, held to the OpenAPI document.
@Suite("Journey API")
struct JourneyAPITests {
    static let journey: JSONValue = [
        "id": "welcome", "name": "Welcome", "trigger": ["type": "manual"], "start": "tag",
        "nodes": [
            ["id": "tag", "type": "action", "action": ["type": "add_tag", "tag": "welcomed"], "next": "wait"],
            ["id": "wait", "type": "delay", "seconds": 3600, "next": "done"], ["id": "done", "type": "exit"],
        ],
    ]

    @Test("a journey is created, refused with every problem, started, entered, versioned and counted", arguments: TestBackend.available)
    func lifecycle(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["welcomed"])
            try await console.send([console.identify("u1")])
            let profile = try await console.profile("user_id:u1")

            var broken = Self.journey.objectValue!
            broken["nodes"] = [["id": "tag", "type": "action", "action": ["type": "add_tag", "tag": "nope"], "next": "missing"]]
            var response = try await console.post("/api/v1/journeys", .object(broken))
            #expect(response.status == .badRequest)
            #expect(response.code?.hasPrefix("journey_") == true)
            #expect((response.json["problems"]?.arrayValue?.count ?? 0) >= 2, "\(String(buffer: response.body))")

            response = try await console.post("/api/v1/journeys", Self.journey)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(response.json["status"]?.stringValue == "draft")
            response = try await console.post("/api/v1/journeys/welcome/entries", ["profiles": [.int(profile)], "requestKey": "r1"])
            #expect(response.code == "journey_not_active")
            #expect(try await console.post("/api/v1/journeys/welcome/start").json["status"]?.stringValue == "active")
            response = try await console.post("/api/v1/journeys/welcome/entries", ["profiles": [.int(profile)], "requestKey": "r1"])
            #expect(response.json["entered"] == 1)
            await console.pond.runtime.jobs.runDue()
            #expect(try await console.tagsOf(profile) == ["welcomed"])

            var edited = Self.journey.objectValue!
            edited["name"] = "Welcome v2"
            response = try await console.put("/api/v1/journeys/welcome", .object(edited))
            #expect(response.json["latestVersion"] == 2)
            #expect(response.json["activeVersion"] == 2)
            #expect(try await console.get("/api/v1/journeys/welcome/versions/1").json["definition"]?["name"]?.stringValue == "Welcome")
            response = try await console.get("/api/v1/journeys/welcome/stats")
            #expect(response.json["versions"]?.arrayValue?.first?["atNode"]?["done"] == 1)
            #expect(try await console.get("/api/v1/journeys").json["journeys"]?.arrayValue?.count == 1)
            #expect(try await console.post("/api/v1/journeys/welcome/pause").json["status"]?.stringValue == "paused")
            #expect((try await console.get("/api/v1/journeys/templates").json["templates"]?.arrayValue?.count ?? 0) >= 6)
            #expect(try await console.get("/api/v1/journeys/nope").status == .notFound)
        }
    }

    @Test("the unsubscribe link shows a page on GET and revokes marketing on POST; a forged one changes nothing",
          arguments: TestBackend.available)
    func unsubscribeLink(_ backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.send([console.identify("u1", phone: "13800138000")])
            let profile = try await console.profile("user_id:u1")
            let grant: JSONValue = [
                "purpose": "marketing", "channel": "sms", "action": "grant", "noticeVersion": "n1", "source": "signup",
            ]
            #expect(try await console.post("/api/v1/profiles/\(profile)/consent", grant).status == .created)
            let link = try await console.pond.runtime.services.consent.links.link(
                workspaceID: console.pond.workspaceID, profileID: profile, channel: .sms)
            let path = String(link.dropFirst("http://127.0.0.1:8080".count))
            var response = try await console.client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("<form method=\"post\""))
            #expect(try await console.get("/api/v1/profiles/\(profile)/consent").json["summary"]?["marketing"]?.stringValue == "granted",
                    "opening the link changes nothing")
            let forged = path.replacingOccurrences(of: ".\(profile).", with: ".\(profile + 1).")
            response = try await console.client.execute(uri: forged, method: .post)
            #expect(response.status == .ok)
            response = try await console.client.execute(uri: path, method: .post)
            #expect(response.status == .ok)
            let consent = try await console.get("/api/v1/profiles/\(profile)/consent").json
            #expect(consent["summary"]?["marketing"]?.stringValue == "denied")
            #expect(consent["states"]?.arrayValue?.first?["source"]?.stringValue == "unsubscribe link")

            response = try await console.post(
                "/api/v1/channels/sms/replies", ["from": "phone:13800138000", "text": "hello", "messageId": "mo-1"])
            #expect(response.json["unsubscribed"] == false)
            response = try await console.post("/api/v1/channels/sms/replies", ["from": "phone:13800138000", "text": " 退订！"])
            #expect(response.json["unsubscribed"] == true)
        }
    }
}
