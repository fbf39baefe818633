import Foundation
import Hummingbird
import HummingbirdTesting
import PondCore
import PondTestSupport
import Testing

@Suite("Tags API")
struct TagAPITests {
    @Test("tags are defined in groups; a group still filing tags cannot be deleted", arguments: TestBackend.available)
    func definitions(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            #expect(try await console.post("/api/v1/tag-groups", ["name": "会员等级", "description": "付费会员体系"]).status == .created)
            let duplicateGroup = try await console.post("/api/v1/tag-groups", ["name": "会员等级"])
            #expect(duplicateGroup.status == .conflict)
            #expect(duplicateGroup.code == "already_exists")

            let created = try await console.post("/api/v1/tags", ["name": "会员", "group": "会员等级", "description": "付费会员"])
            #expect(created.status == .created)
            #expect(created.json["group"] == "会员等级")
            #expect(try await console.post("/api/v1/tags", ["name": "会员"]).code == "already_exists")
            let orphan = try await console.post("/api/v1/tags", ["name": "扫码", "group": "渠道来源"])
            #expect(orphan.status == .badRequest)
            #expect(orphan.code == "unknown_tag_group")
            #expect(try await console.post("/api/v1/tags", ["name": "扫码"]).status == .created)

            let listed = try await console.get("/api/v1/tags")
            #expect(listed.values("tags", "name") == ["会员", "扫码"])
            let inGroup = try await console.get("/api/v1/tags?group=\(pathEncoded("会员等级"))")
            #expect(inGroup.values("tags", "name") == ["会员"])
            let one = try await console.get("/api/v1/tags/\(pathEncoded("会员"))")
            #expect(one.json["description"] == "付费会员")
            #expect(one.json["profileCount"] == 0)

            let inUse = try await console.delete("/api/v1/tag-groups/\(pathEncoded("会员等级"))")
            #expect(inUse.status == .conflict)
            #expect(inUse.code == "tag_group_in_use")
            let moved = try await console.put("/api/v1/tags/\(pathEncoded("会员"))", ["description": "年费会员"])
            #expect(moved.status == .ok)
            #expect(moved.json["group"] == .null)
            #expect(try await console.delete("/api/v1/tag-groups/\(pathEncoded("会员等级"))").status == .ok)
            #expect(try await console.get("/api/v1/tag-groups").values("groups", "name").isEmpty)
            #expect(try await console.delete("/api/v1/tag-groups/\(pathEncoded("会员等级"))").status == .notFound)

            #expect(try await console.put("/api/v1/tags/\(pathEncoded("不存在"))", ["description": "x"]).status == .notFound)
            #expect(try await console.delete("/api/v1/tags/\(pathEncoded("扫码"))").status == .ok)
            #expect(try await console.get("/api/v1/tags").values("tags", "name") == ["会员"])
        }
    }

    @Test("tagging one profile records its source, shows on the timeline, and can be undone",
          arguments: TestBackend.available)
    func profileTags(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员", "扫码"])
            try await console.send([console.identify("u1", phone: "13800000001")])
            let id = try await console.profile("user_id:u1")

            let tagged = try await console.post("/api/v1/profiles/\(id)/tags", ["tags": ["会员"]])
            #expect(tagged.status == .ok)
            #expect(tagged.json["added"] == 1)
            #expect(tagged.values("tags", "source") == ["manual"])
            #expect(tagged.values("tags", "sourceRef").first?.stringValue?.hasPrefix("key:") == true)
            let channel = try await console.post(
                "/api/v1/profiles/\(id)/tags", ["tags": ["扫码", "会员"], "source": "channel", "sourceRef": "qr-123"])
            #expect(channel.json["added"] == 1, "会员 was already there and keeps its original source")
            let tags = try await console.get("/api/v1/profiles/\(id)/tags")
            #expect(tags.values("tags", "tag") == ["会员", "扫码"])
            #expect(tags.values("tags", "source") == ["manual", "channel"])
            #expect(tags.values("tags", "sourceRef").last == "qr-123")
            #expect(try await console.get("/api/v1/tags/\(pathEncoded("扫码"))").json["profileCount"] == 1)

            let removed = try await console.delete("/api/v1/profiles/\(id)/tags/\(pathEncoded("会员"))")
            #expect(removed.json["removed"] == true)
            #expect(removed.values("tags", "tag") == ["扫码"])
            #expect(try await console.delete("/api/v1/profiles/\(id)/tags/\(pathEncoded("会员"))").json["removed"] == false)

            let timeline = try await console.get("/api/v1/profiles/\(id)/events?limit=50")
            let entries = timeline.json["events"]?.arrayValue ?? []
            let added = entries.filter { $0["event"] == "Tag Added" }
            #expect(Set(added.compactMap { $0["properties"]?["tag"]?.stringValue }) == ["会员", "扫码"])
            #expect(added.first { $0["properties"]?["tag"] == "扫码" }?["properties"]?["sourceRef"] == "qr-123")
            #expect(entries.filter { $0["event"] == "Tag Removed" }.compactMap { $0["properties"]?["tag"] } == ["会员"])
            #expect(entries.first { $0["event"] == "Tag Added" }?["channel"] == "pond")
        }
    }

    @Test("bad tagging requests change nothing", arguments: TestBackend.available)
    func badTagging(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员"])
            try await console.send([console.identify("u1")])
            let id = try await console.profile("user_id:u1")

            let unknown = try await console.post("/api/v1/profiles/\(id)/tags", ["tags": ["会员", "不存在"]])
            #expect(unknown.status == .badRequest)
            #expect(unknown.code == "unknown_tag")
            #expect(try await console.tagsOf(id).isEmpty)
            let ruleSource = try await console.post("/api/v1/profiles/\(id)/tags", ["tags": ["会员"], "source": "rule"])
            #expect(ruleSource.status == .badRequest)
            #expect(try await console.post("/api/v1/profiles/\(id)/tags", ["tags": ["会员"], "source": "channel"]).status == .badRequest)
            #expect(try await console.post("/api/v1/profiles/\(id)/tags", ["tags": []]).status == .badRequest)
            #expect(try await console.post("/api/v1/profiles/\(id)/tags", ["tag": "会员"]).code == "invalid_request")
            #expect(try await console.post("/api/v1/profiles/999999/tags", ["tags": ["会员"]]).status == .notFound)
            #expect(try await console.get("/api/v1/profiles/999999/tags").status == .notFound)
            #expect(try await console.delete("/api/v1/profiles/\(id)/tags/\(pathEncoded("不存在"))").status == .notFound)
            #expect(try await console.tagsOf(id).isEmpty)
        }
    }

    @Test("bulk tagging by ids and identities is all or nothing", arguments: TestBackend.available)
    func bulk(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员", "活动"])
            try await console.send([
                console.identify("u1", phone: "13800000001"), console.identify("u2", phone: "13800000002"),
                console.identify("u3", phone: "13800000003"),
            ])
            let u1 = try await console.profile("user_id:u1")
            let u2 = try await console.profile("user_id:u2")
            let u3 = try await console.profile("user_id:u3")

            let added = try await console.post(
                "/api/v1/tags/bulk",
                ["action": "add", "tags": ["会员", "活动"], "profiles": [.int(u1)], "identities": ["phone:138 0000 0002"]])
            #expect(added.status == .ok)
            #expect(added.json["profiles"] == 2)
            #expect(added.json["changed"] == 4)
            #expect(try await console.tagsOf(u1) == ["会员", "活动"])
            #expect(try await console.tagsOf(u2) == ["会员", "活动"])

            let missing = try await console.post(
                "/api/v1/tags/bulk",
                ["action": "add", "tags": ["会员"], "profiles": [.int(u3)], "identities": ["phone:13900000009"]])
            #expect(missing.status == .notFound)
            #expect(missing.json["missing"] == ["phone:13900000009"])
            #expect(try await console.tagsOf(u3).isEmpty, "nothing is applied when a profile is missing")

            let invalid = try await console.post(
                "/api/v1/tags/bulk", ["action": "add", "tags": ["会员"], "identities": ["phone:not-a-phone"]])
            #expect(invalid.status == .badRequest)
            #expect(invalid.code == "invalid_identity")
            #expect(invalid.json["index"] == 0)
            #expect(try await console.post("/api/v1/tags/bulk", ["tags": ["会员"], "profiles": [.int(u3)]]).status == .badRequest)
            #expect(try await console.post("/api/v1/tags/bulk", ["action": "add", "tags": ["会员"]]).status == .badRequest)

            let removed = try await console.post(
                "/api/v1/tags/bulk", ["action": "remove", "tags": ["活动"], "profiles": [.int(u1), .int(u2), .int(u3)]])
            #expect(removed.json["changed"] == 2)
            #expect(try await console.tagsOf(u1) == ["会员"])
            #expect(try await console.tagsOf(u2) == ["会员"])
        }
    }

    @Test("a CSV upload tags the rows it can and reports the others by row number", arguments: TestBackend.available)
    func csvImport(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员", "VIP", "活动-2026"])
            try await console.send([
                console.identify("u1", phone: "13800000001"), console.identify("u2", phone: "13800000002"),
                console.identify("u3", phone: "13800000003"),
            ])
            let u1 = try await console.profile("user_id:u1")
            let u2 = try await console.profile("user_id:u2")
            let u3 = try await console.profile("user_id:u3")
            let campaign = pathEncoded("活动-2026")

            let report = try await console.upload("/api/v1/tags/import?action=add&tag=\(campaign)&sourceRef=expo.csv", [
                "手机号,tags,备注",
                "13800000001,会员|VIP,first",
                "138 0000 0002,会员,second",
                "13900000009,会员,nobody has this phone",
                "13800000003,不存在,unknown tag",
                ",会员,no phone",
            ])
            #expect(report.status == .ok)
            #expect(report.json["rows"] == 5)
            #expect(report.json["acceptedRows"] == 2)
            #expect(report.json["rejectedCount"] == 3)
            #expect(report.values("rejected", "row") == [4, 5, 6])
            #expect(report.values("rejected", "reason").first?.stringValue?.contains("+8613900000009") == true)
            #expect(report.values("rejected", "reason")[1].stringValue?.contains("不存在") == true)
            #expect(report.json["changed"] == 5)
            #expect(try await console.tagsOf(u1) == ["VIP", "会员", "活动-2026"])
            #expect(try await console.tagsOf(u2) == ["会员", "活动-2026"])
            #expect(try await console.tagsOf(u3).isEmpty, "a rejected row stores nothing")
            let sources = try await console.get("/api/v1/profiles/\(u1)/tags")
            #expect(Set(sources.values("tags", "source")) == ["import"])
            #expect(Set(sources.values("tags", "sourceRef")) == ["expo.csv"])

            let removal = try await console.upload("/api/v1/tags/import?action=remove&tag=VIP", ["profile_id", "\(u1)", "\(u2)"])
            #expect(removal.json["acceptedRows"] == 2)
            #expect(removal.json["changed"] == 1)
            #expect(try await console.tagsOf(u1) == ["会员", "活动-2026"])

            let noAction = try await console.upload("/api/v1/tags/import?tag=VIP", ["profile_id", "\(u3)"])
            #expect(noAction.status == .badRequest)
            let unknownTag = try await console.upload("/api/v1/tags/import?action=add&tag=\(pathEncoded("不存在"))", ["profile_id", "\(u3)"])
            #expect(unknownTag.code == "unknown_tag")
            let noTags = try await console.upload("/api/v1/tags/import?action=add", ["profile_id", "\(u3)"])
            #expect(noTags.code == "invalid_request")
            let noColumn = try await console.upload("/api/v1/tags/import?action=add&tag=VIP", ["name", "王小明"])
            #expect(noColumn.code == "invalid_csv")
            #expect(try await console.tagsOf(u3).isEmpty)
        }
    }
}
