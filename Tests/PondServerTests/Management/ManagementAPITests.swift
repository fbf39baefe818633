import Foundation
import Hummingbird
import HummingbirdTesting
import PondCore
import PondTestSupport
import Testing

@Suite("Management API")
struct ManagementAPITests {
    @Test("workspaces are created only with the root key, and each gets working keys", arguments: TestBackend.available)
    func workspaceCreation(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            let denied = try await client.execute(
                uri: "/api/v1/workspaces", method: .post, headers: [.authorization: "Bearer wrong"], body: body(["name": "b"]))
            #expect(denied.status == .unauthorized)
            let invalid = try await client.execute(
                uri: "/api/v1/workspaces", method: .post, headers: [.authorization: "Bearer \(TestPond.rootKey)"], body: body([:]))
            #expect(invalid.status == .badRequest)
            let created = try await client.execute(
                uri: "/api/v1/workspaces", method: .post, headers: [.authorization: "Bearer \(TestPond.rootKey)"],
                body: body(["name": "青岛啤酒", "uniqueIdentityTypes": ["user_id", "wechat_unionid"]]))
            #expect(created.status == .created)
            let admin = try #require(created.json["adminKey"]?.stringValue)
            let workspace = try await client.execute(uri: "/api/v1/workspace", method: .get, headers: [.authorization: "Bearer \(admin)"])
            #expect(workspace.json["name"] == "青岛啤酒")
            #expect(workspace.json["settings"]?["uniqueIdentityTypes"] == ["user_id", "wechat_unionid"])
        }
    }

    @Test("without a configured root key, workspace creation is switched off", arguments: TestBackend.available)
    func noRootKey(backend: TestBackend) async throws {
        try await TestPond.run(on: backend, rootKey: nil) { _, client in
            let response = try await client.execute(
                uri: "/api/v1/workspaces", method: .post, headers: [.authorization: "Bearer anything"], body: body(["name": "b"]))
            #expect(response.status == .forbidden)
            #expect(response.code == "root_key_not_configured")
        }
    }

    @Test("an admin key sees only its own workspace; write keys and no keys see nothing",
          arguments: TestBackend.available)
    func scoping(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            _ = try await client.execute(uri: "/v1/identify", method: .post, headers: pond.basic,
                                         body: body(["userId": "u1", "traits": ["phone": "13800138000"]]))
            await pond.runtime.stitcher.drain()
            let mine = try await client.execute(uri: "/api/v1/profiles?identity=phone:138-0013-8000", method: .get, headers: pond.admin)
            #expect(mine.status == .ok)
            let id = try #require(mine.json["id"])

            let other = try await client.execute(
                uri: "/api/v1/workspaces", method: .post, headers: [.authorization: "Bearer \(TestPond.rootKey)"], body: body(["name": "other"]))
            let otherAdmin: HTTPFields = [.authorization: "Bearer \(other.json["adminKey"]!.stringValue!)"]
            #expect(try await client.execute(uri: "/api/v1/profiles/\(id.path)", method: .get, headers: otherAdmin).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/profiles/\(id.path)/events", method: .get, headers: otherAdmin).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/profiles?identity=phone:13800138000", method: .get, headers: otherAdmin).status == .notFound)
            let asWrite = try await client.execute(
                uri: "/api/v1/profiles/\(id.path)", method: .get, headers: [.authorization: "Bearer \(pond.writeKey)"])
            #expect(asWrite.status == .unauthorized)
            #expect(asWrite.code == "unauthorized")
            #expect(try await client.execute(uri: "/api/v1/profiles/\(id.path)", method: .get).status == .unauthorized)
        }
    }

    @Test("a stitched profile, its timeline pages, trait history, merge and undo, end to end",
          arguments: TestBackend.available)
    func profileLifecycle(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            func send(_ fields: [String: JSONValue]) async throws {
                pond.clock.advance(milliseconds: 1_000)
                var fields = fields
                fields["timestamp"] = .string(ISO8601.format(pond.clock.now()))
                let response = try await client.execute(uri: "/v1/batch", method: .post, headers: pond.basic,
                                                        body: body(["batch": [.object(fields)]]))
                #expect(response.status == .ok)
            }
            try await send(["type": "page", "name": "首页", "anonymousId": "mp-1", "context": ["channel": "mini_program"]])
            try await send(["type": "identify", "userId": "u1", "traits": ["level": "silver"]])
            try await send(["type": "track", "event": "Order Completed", "anonymousId": "pos-1",
                            "context": ["channel": "offline_store", "identities": ["member_id": "M1"]]])
            try await send(["type": "identify", "userId": "u1", "anonymousId": "mp-1", "traits": ["member_id": "M1", "level": "gold"]])
            await pond.runtime.stitcher.drain()

            let profile = try await client.execute(uri: "/api/v1/profiles?identity=member_id:M1", method: .get, headers: pond.admin).json
            let id = try #require(profile["id"])
            #expect(profile["mergedProfileIds"]?.arrayValue?.count == 2)
            #expect(profile["traits"]?["level"] == "gold")
            #expect(profile["eventCount"] == 4)
            #expect(profile["channels"]?["offline_store"] == 1)

            let page1 = try await client.execute(uri: "/api/v1/profiles/\(id.path)/events?limit=3", method: .get, headers: pond.admin).json
            #expect(page1["events"]?.arrayValue?.count == 3)
            #expect(page1["events"]?.arrayValue?.first?["type"] == "identify")
            let cursor = try #require(page1["nextCursor"]?.stringValue)
            let page2 = try await client.execute(uri: "/api/v1/profiles/\(id.path)/events?limit=3&cursor=\(cursor)", method: .get, headers: pond.admin).json
            #expect(page2["events"]?.arrayValue?.map { $0["type"] } == ["page"])
            #expect(page2["nextCursor"] == .null)

            let history = try await client.execute(uri: "/api/v1/profiles/\(id.path)/traits/level/history", method: .get, headers: pond.admin).json
            #expect(history["history"]?.arrayValue?.map { $0["value"] } == ["silver", "gold"])

            let merges = try await client.execute(uri: "/api/v1/profiles/\(id.path)/merges", method: .get, headers: pond.admin).json
            let mergeList = try #require(merges["merges"]?.arrayValue)
            #expect(mergeList.count == 2)
            let mergeID = try #require(mergeList.first?["id"])
            let undo = try await client.execute(uri: "/api/v1/merges/\(mergeID.path)/undo", method: .post, headers: pond.admin)
            #expect(undo.status == .ok)
            #expect(undo.json["undoneBy"]?.stringValue?.hasPrefix("key:") == true)
            let again = try await client.execute(uri: "/api/v1/merges/\(mergeID.path)/undo", method: .post, headers: pond.admin)
            #expect(again.status == .conflict)
            #expect(again.code == "already_undone")
            // The newest merge joined the browsing profile to the member's; undoing it leaves the browsing profile alone
            // and the member (user id + member card, merged earlier) together.
            let browsing = try await client.execute(uri: "/api/v1/profiles?identity=anonymous_id:mp-1", method: .get, headers: pond.admin).json
            #expect(browsing["mergedProfileIds"]?.arrayValue?.count == 0)
            #expect(browsing["eventCount"] == 1)
            let member = try await client.execute(uri: "/api/v1/profiles?identity=member_id:M1", method: .get, headers: pond.admin).json
            #expect(member["mergedProfileIds"]?.arrayValue?.count == 1)
            #expect(member["eventCount"] == 3)
            #expect(try await client.execute(uri: "/api/v1/merges/999/undo", method: .post, headers: pond.admin).status == .notFound)
        }
    }

    @Test("listing pages through profiles and searches identity values", arguments: TestBackend.available)
    func listing(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            let batch = body(["batch": .array((1...5).map { i in
                message(["type": "identify", "userId": .string("u\(i)"), "traits": ["email": .string("user\(i)@example.com")]])
            })])
            _ = try await client.execute(uri: "/v1/batch", method: .post, headers: pond.basic, body: batch)
            await pond.runtime.stitcher.drain()
            let first = try await client.execute(uri: "/api/v1/profiles?limit=2", method: .get, headers: pond.admin).json
            #expect(first["profiles"]?.arrayValue?.count == 2)
            let cursor = try #require(first["nextCursor"]?.stringValue)
            let rest = try await client.execute(uri: "/api/v1/profiles?limit=10&after=\(cursor)", method: .get, headers: pond.admin).json
            #expect(rest["profiles"]?.arrayValue?.count == 3)
            #expect(rest["nextCursor"] == .null)
            let search = try await client.execute(uri: "/api/v1/profiles?q=user3", method: .get, headers: pond.admin).json
            #expect(search["profiles"]?.arrayValue?.count == 1)
            let bad = try await client.execute(uri: "/api/v1/profiles?limit=0", method: .get, headers: pond.admin)
            #expect(bad.status == .badRequest)
            let badIdentity = try await client.execute(uri: "/api/v1/profiles?identity=phone:abc", method: .get, headers: pond.admin)
            #expect(badIdentity.code == "invalid_identity")
        }
    }

    @Test("health and metrics report the ingestion path", arguments: TestBackend.available)
    func operations(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            let tracked = try await client.execute(uri: "/v1/track", method: .post, headers: pond.basic, body: body(["event": "x", "anonymousId": "a"]))
            #expect(tracked.status == .ok, "\(String(buffer: tracked.body))")
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(health.json["status"] == "ok")
            #expect(health.json["pendingEvents"]?.doubleValue != nil)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("pond_events_accepted_total 1\n"), "\(metrics)")
            #expect(metrics.contains("# TYPE pond_events_pending gauge"))
        }
    }
}
