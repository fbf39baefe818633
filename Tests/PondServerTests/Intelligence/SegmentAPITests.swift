import Foundation
import Hummingbird
import HummingbirdTesting
import PondCore
import PondTestSupport
import Testing

@Suite("Segments API")
struct SegmentAPITests {
    /// orders ≥ 2 in 90 days with category 护肤 AND has tag 会员 AND NOT stage 流失, in the JSON form.
    static let skincareMembers: JSONValue = [
        "type": "all",
        "rules": [
            [
                "type": "performed", "event": "Order Completed", "op": "at_least", "count": 2, "days": 90,
                "where": [["key": "category", "op": "eq", "value": "护肤"]],
            ],
            ["type": "has_tag", "tag": "会员"],
            ["type": "not", "rule": ["type": "stage", "op": "eq", "value": "流失"]],
        ],
    ]

    @Test("a nested segment gets the right members and an enter record, and an exit when the data changes",
          arguments: TestBackend.available)
    func nestedSegment(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            // Short windows, so that a customer whose orders are a month old has churned.
            let lifecycle = try await console.put(
                "/api/v1/lifecycle/config",
                ["churnAfterDays": 20, "dormancy": ["multiplier": 1, "minimumDays": 10, "maximumDays": 10, "fallbackDays": 10]])
            #expect(lifecycle.status == .ok)
            try await console.defineTags(["会员"])
            try await console.send([
                console.order("member", category: "护肤", amount: 300, daysAgo: 5),
                console.order("member", category: "护肤", amount: 200, daysAgo: 1),
                console.order("not-member", category: "护肤", amount: 300, daysAgo: 5),
                console.order("not-member", category: "护肤", amount: 200, daysAgo: 1),
                console.order("once", category: "护肤", amount: 300, daysAgo: 1),
                console.order("makeup", category: "彩妆", amount: 300, daysAgo: 5),
                console.order("makeup", category: "彩妆", amount: 200, daysAgo: 1),
                console.order("churned", category: "护肤", amount: 300, daysAgo: 40),
                console.order("churned", category: "护肤", amount: 200, daysAgo: 30),
            ])
            let member = try await console.profile("user_id:member")
            let notMember = try await console.profile("user_id:not-member")
            let churned = try await console.profile("user_id:churned")
            var tagged: [Int64] = [member]
            for user in ["once", "makeup", "churned"] { tagged.append(try await console.profile("user_id:\(user)")) }
            let bulk = try await console.post("/api/v1/tags/bulk", ["action": "add", "tags": ["会员"], "profiles": .array(tagged.map { .int($0) })])
            #expect(bulk.json["changed"] == 4)
            await console.settle()
            #expect(try await console.get("/api/v1/profiles/\(churned)/lifecycle").json["stage"]?["id"] == "churned")

            let created = try await console.post(
                "/api/v1/segments",
                ["id": "skincare-members", "name": "护肤会员", "description": "复购护肤的会员", "rule": Self.skincareMembers])
            #expect(created.status == .created)
            #expect(created.json["kind"] == "dynamic")
            #expect(created.json["memberCount"] == 1)
            #expect(created.json["evaluation"]?["entered"] == 1)
            #expect(created.json["rule"]?["rules"]?.arrayValue?.last?["rule"]?["value"] == "churned", "the stage name is stored as its id")
            #expect(created.json["ruleText"]?.stringValue?.hasSuffix(#"not stage = "churned""#) == true)
            #expect(try await console.membersOf("skincare-members") == [member])
            #expect(try await console.segmentsOf(member) == ["skincare-members"])
            #expect(try await console.segmentsOf(churned).isEmpty)

            let log = try await console.get("/api/v1/segments/skincare-members/changes")
            #expect(log.values("changes", "change") == ["enter"])
            #expect(log.values("changes", "profileId") == [.int(member)])
            #expect(log.values("changes", "reason") == ["segment created"])
            let cursor = try #require(log.json["nextCursor"]?.stringValue)
            #expect(try await console.get("/api/v1/segments/skincare-members/changes?after=\(cursor)").values("changes", "seq").isEmpty)

            // The member loses the tag and leaves in real time; the other buyer gains it and enters.
            _ = try await console.delete("/api/v1/profiles/\(member)/tags/\(pathEncoded("会员"))")
            _ = try await console.post("/api/v1/profiles/\(notMember)/tags", ["tags": ["会员"]])
            await console.settle()
            let next = try await console.get("/api/v1/segments/skincare-members/changes?after=\(cursor)")
            let moves = Dictionary(
                uniqueKeysWithValues: (next.json["changes"]?.arrayValue ?? []).compactMap { change -> (Int64, String)? in
                    guard let id = change["profileId"]?.int, let kind = change["change"]?.stringValue else { return nil }
                    return (id, kind)
                })
            #expect(moves == [member: "exit", notMember: "enter"])
            #expect(try await console.membersOf("skincare-members") == [notMember])
            #expect(try await console.get("/api/v1/segments/skincare-members").json["memberCount"] == 1)
            #expect(try await console.segmentsOf(member).isEmpty)
        }
    }

    @Test("a preview counts and samples without saving anything", arguments: TestBackend.available)
    func preview(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员"])
            try await console.send([
                console.identify("u1", phone: "13800000001"), console.identify("u2"), console.identify("u3"),
            ])
            let u1 = try await console.profile("user_id:u1")
            let u2 = try await console.profile("user_id:u2")
            _ = try await console.post("/api/v1/tags/bulk", ["action": "add", "tags": ["会员"], "profiles": [.int(u1), .int(u2)]])

            let preview = try await console.post("/api/v1/segments/preview", ["ruleText": #"has tag "会员""#, "sample": 1])
            #expect(preview.status == .ok)
            #expect(preview.json["size"] == 2)
            let sample = try #require(preview.json["sample"]?.arrayValue)
            #expect(sample.count == 1)
            #expect(sample.first?["id"] == .int(min(u1, u2)))
            #expect(sample.first?["identities"]?.arrayValue?.contains { $0["value"] == "+8613800000001" } == true)
            let everyone = try await console.post("/api/v1/segments/preview", ["rule": ["type": "lacks_tag", "tag": "会员"]])
            #expect(everyone.json["size"] == 1)
            #expect(everyone.json["ruleText"] == #"lacks tag "会员""#)
            let stage = try await console.post("/api/v1/segments/preview", ["ruleText": #"stage in ["引入", "激活"]"#])
            #expect(stage.json["rule"]?["values"] == ["acquired", "activated"])

            #expect(try await console.get("/api/v1/segments").values("segments", "id").isEmpty)
            #expect(try await console.post("/api/v1/segments/preview", ["ruleText": "has tag \"会员\"", "sample": 101]).status == .badRequest)
        }
    }

    @Test("a static segment's list is replaced or appended from a CSV, and mode is required",
          arguments: TestBackend.available)
    func staticUploads(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员"])
            try await console.send((1...4).map { console.identify("u\($0)", phone: "1380000000\($0)") })
            var ids: [Int64] = []
            for n in 1...4 { ids.append(try await console.profile("user_id:u\(n)")) }
            _ = try await console.post("/api/v1/tags/bulk", ["action": "add", "tags": ["会员"], "profiles": .array(ids.map { .int($0) })])

            let created = try await console.post("/api/v1/segments", ["id": "expo-guests", "name": "展会来宾", "kind": "static"])
            #expect(created.status == .created)
            #expect(created.json["rule"] == .null)
            #expect(created.json["memberCount"] == 0)
            let reading = try await console.post(
                "/api/v1/segments", ["id": "expo-members", "name": "来宾会员", "ruleText": #"in segment "expo-guests" and has tag "会员""#])
            #expect(reading.json["memberCount"] == 0)

            let noMode = try await console.upload("/api/v1/segments/expo-guests/members/import", ["phone", "13800000001"])
            #expect(noMode.status == .badRequest)
            #expect(try await console.membersOf("expo-guests").isEmpty)

            let first = try await console.upload(
                "/api/v1/segments/expo-guests/members/import?mode=append", ["phone,name", "13800000001,王", "13800000002,李", "12345,错"])
            #expect(first.status == .ok)
            #expect(first.json["entered"] == 2)
            #expect(first.json["rejectedCount"] == 1)
            #expect(first.values("rejected", "row") == [4])
            #expect(first.json["dependentsEvaluated"] == ["expo-members"])
            #expect(try await console.membersOf("expo-members") == [ids[0], ids[1]], "segments built on the list follow it")

            let appended = try await console.upload(
                "/api/v1/segments/expo-guests/members/import?mode=append", ["phone", "13800000002", "13800000003"])
            #expect(appended.json["entered"] == 1)
            #expect(appended.json["memberCount"] == 3)
            #expect(try await console.membersOf("expo-guests") == [ids[0], ids[1], ids[2]])
            let page = try await console.get("/api/v1/segments/expo-guests/members?limit=2")
            #expect(page.values("members", "profileId") == [.int(ids[0]), .int(ids[1])])
            let after = try #require(page.json["nextCursor"]?.stringValue)
            let rest = try await console.get("/api/v1/segments/expo-guests/members?limit=2&after=\(after)")
            #expect(rest.values("members", "profileId") == [.int(ids[2])])
            #expect(rest.json["nextCursor"] == .null)

            let replaced = try await console.upload(
                "/api/v1/segments/expo-guests/members/import?mode=replace", ["identity", "phone:13800000003", "user_id:u4"])
            #expect(replaced.json["entered"] == 1)
            #expect(replaced.json["exited"] == 2)
            #expect(try await console.membersOf("expo-guests") == [ids[2], ids[3]])
            let log = try await console.get("/api/v1/segments/expo-guests/changes")
            #expect(log.values("changes", "change").map(\.stringValue) == ["enter", "enter", "enter", "enter", "exit", "exit"])
            #expect(log.values("changes", "reason").last == "CSV upload (replace)")

            let wrongColumn = try await console.upload(
                "/api/v1/segments/expo-guests/members/import?mode=replace", ["phone", "13900000009", "13900000008"])
            #expect(wrongColumn.status == .badRequest)
            #expect(wrongColumn.code == "no_valid_rows")
            #expect(wrongColumn.json["rejectedCount"] == 2)
            #expect(try await console.membersOf("expo-guests") == [ids[2], ids[3]], "a replace with no usable row keeps the list")

            let dynamic = try await console.upload("/api/v1/segments/expo-members/members/import?mode=append", ["phone", "13800000001"])
            #expect(dynamic.status == .conflict)
            #expect(dynamic.code == "segment_is_dynamic")
            #expect(try await console.post("/api/v1/segments/expo-guests/evaluate").code == "segment_is_static")
        }
    }

    @Test("segments built on segments: cycles are refused, and a segment in use cannot be deleted",
          arguments: TestBackend.available)
    func references(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员"])
            try await console.send([console.identify("u1")])
            let u1 = try await console.profile("user_id:u1")
            _ = try await console.post("/api/v1/profiles/\(u1)/tags", ["tags": ["会员"]])

            #expect(try await console.post("/api/v1/segments", ["id": "a", "name": "A", "ruleText": #"has tag "会员""#]).status == .created)
            let b = try await console.post("/api/v1/segments", ["id": "b", "name": "B", "ruleText": #"in segment "a""#])
            #expect(b.json["memberCount"] == 1)

            let cycle = try await console.put("/api/v1/segments/a", ["name": "A", "ruleText": #"has tag "会员" and in segment "b""#])
            #expect(cycle.status == .badRequest)
            #expect(cycle.code == "segment_cycle")
            #expect(cycle.json["chain"] == ["a", "b", "a"])
            #expect(cycle.json["message"]?.stringValue?.contains("a → b → a") == true)
            let itself = try await console.put("/api/v1/segments/a", ["name": "A", "ruleText": #"in segment "a""#])
            #expect(itself.code == "unknown_segment")
            #expect(try await console.get("/api/v1/segments/a").json["ruleText"] == #"has tag "会员""#, "nothing was saved")

            let inUse = try await console.delete("/api/v1/segments/a")
            #expect(inUse.status == .conflict)
            #expect(inUse.code == "segment_in_use")
            #expect(inUse.json["usedBy"] == ["segment b"])
            #expect(try await console.get("/api/v1/segments/a").json["usedBy"] == ["segment b"])
            #expect(try await console.get("/api/v1/segments/b").json["dependsOn"] == ["a"])

            // Changing the base segment recomputes the one built on it.
            let changed = try await console.put("/api/v1/segments/a", ["name": "A", "ruleText": #"lacks tag "会员""#])
            #expect(changed.json["evaluation"]?["exited"] == 1)
            #expect(changed.json["evaluation"]?["dependentsEvaluated"] == ["b"])
            #expect(try await console.membersOf("b").isEmpty)
            let kindChange = try await console.put("/api/v1/segments/a", ["name": "A", "kind": "static"])
            #expect(kindChange.status == .badRequest)

            let evaluated = try await console.post("/api/v1/segments/b/evaluate")
            #expect(evaluated.status == .ok)
            #expect(evaluated.json["memberCount"] == 0)
            #expect(try await console.delete("/api/v1/segments/b").status == .ok)
            #expect(try await console.delete("/api/v1/segments/a").status == .ok)
            #expect(try await console.get("/api/v1/segments/a").status == .notFound)
            #expect(try await console.get("/api/v1/segments/a/changes").status == .notFound)
        }
    }
}
