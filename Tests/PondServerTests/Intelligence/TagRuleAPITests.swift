import Foundation
import Hummingbird
import HummingbirdTesting
import PondCore
import PondTestSupport
import Testing

@Suite("Auto-tag rules API")
struct TagRuleAPITests {
    static let skincareRegulars = #"performed "Order Completed" >= 2 times in 90d where category = "护肤""#

    @Test("a rule tags a customer right after the order that makes it hold, and withdraws the tag when it stops holding",
          arguments: TestBackend.available)
    func realTimeAndWithdrawal(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["高频护肤"])
            try await console.send([
                console.order("u1", category: "护肤", amount: 320, daysAgo: 10),
                console.order("u2", category: "护肤", amount: 99, daysAgo: 3),
            ])
            let u1 = try await console.profile("user_id:u1")
            let u2 = try await console.profile("user_id:u2")
            _ = try await console.post("/api/v1/profiles/\(u2)/tags", ["tags": ["高频护肤"]])

            let created = try await console.post(
                "/api/v1/tag-rules", ["name": "高频护肤品购买者", "tag": "高频护肤", "ruleText": .string(Self.skincareRegulars)])
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(id == "tag-rule", "a name without ASCII letters gets the fallback id")
            #expect(created.json["action"] == "add")
            #expect(created.json["enabled"] == true)
            #expect(created.json["timeDependent"] == true)
            #expect(created.json["rule"]?["type"] == "performed")
            #expect(created.json["ruleText"]?.stringValue == Self.skincareRegulars)
            #expect(created.json["applied"]?["tagChanges"] == 0, "one skincare order is not enough")
            #expect(try await console.tagsOf(u1).isEmpty)

            try await console.send([console.order("u1", category: "护肤", amount: 280, daysAgo: 0)])
            let tags = try await console.get("/api/v1/profiles/\(u1)/tags")
            #expect(tags.values("tags", "tag") == ["高频护肤"])
            #expect(tags.values("tags", "source") == ["rule"])
            #expect(tags.values("tags", "sourceRef") == [.string(id)])
            let timeline = try await console.get("/api/v1/profiles/\(u1)/events").json["events"]?.arrayValue ?? []
            let added = try #require(timeline.first { $0["event"] == "Tag Added" })
            #expect(added["properties"]?["source"] == "rule")
            #expect(added["properties"]?["sourceRef"] == .string(id))

            // 85 days on, the first order is 95 days old: the rule no longer holds.
            console.pond.clock.advance(milliseconds: 85 * 86_400_000)
            let changes = try await console.pond.runtime.intelligence.sweepTagRules(workspaceID: console.pond.workspaceID)
            #expect(changes == 1)
            #expect(try await console.tagsOf(u1).isEmpty)
            #expect(try await console.tagsOf(u2) == ["高频护肤"], "a tag the rule did not put on stays")
            let later = try await console.get("/api/v1/profiles/\(u1)/events").json["events"]?.arrayValue ?? []
            let removed = try #require(later.first { $0["event"] == "Tag Removed" })
            #expect(removed["properties"]?["tag"] == "高频护肤")
            #expect(removed["properties"]?["source"] == "rule")
        }
    }

    @Test("saving a rule applies it at once; rules are read, replaced and deleted by id",
          arguments: TestBackend.available)
    func crud(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["高频护肤", "会员"])
            try await console.send([
                console.order("u1", category: "护肤", amount: 320, daysAgo: 10),
                console.order("u1", category: "护肤", amount: 280, daysAgo: 2),
            ])
            let u1 = try await console.profile("user_id:u1")

            let created = try await console.post(
                "/api/v1/tag-rules",
                ["id": "skincare", "name": "Skincare regulars", "tag": "高频护肤", "ruleText": .string(Self.skincareRegulars)])
            #expect(created.status == .created)
            #expect(created.json["applied"]?["tagChanges"] == 1)
            #expect(try await console.tagsOf(u1) == ["高频护肤"], "applied before the response, without waiting for a sweep")
            #expect(try await console.post(
                "/api/v1/tag-rules", ["id": "skincare", "name": "again", "tag": "会员", "ruleText": "has tag \"会员\""]
            ).code == "already_exists")
            let generated = try await console.post(
                "/api/v1/tag-rules", ["name": "Skincare regulars", "tag": "会员", "ruleText": #"stage = "流失""#, "action": "remove"])
            #expect(generated.json["id"] == "skincare-regulars")
            #expect(generated.json["rule"]?["value"] == "churned", "stage names are stored as ids")
            #expect(generated.json["ruleText"] == #"stage = "churned""#)

            #expect(try await console.get("/api/v1/tag-rules").values("rules", "id") == ["skincare", "skincare-regulars"])
            #expect(try await console.get("/api/v1/tag-rules/skincare").json["tag"] == "高频护肤")

            let replaced = try await console.put(
                "/api/v1/tag-rules/skincare",
                [
                    "name": "Skincare regulars", "tag": "高频护肤", "enabled": false,
                    "rule": ["type": "performed", "event": "Order Completed", "op": "at_least", "count": 3, "days": 90],
                ])
            #expect(replaced.status == .ok)
            #expect(replaced.json["enabled"] == false)
            #expect(replaced.json["ruleText"] == #"performed "Order Completed" >= 3 times in 90d"#)
            #expect(replaced.json["createdAt"] == created.json["createdAt"])
            #expect(try await console.tagsOf(u1) == ["高频护肤"], "a disabled rule leaves the tags it put on")
            #expect(try await console.put(
                "/api/v1/tag-rules/nope", ["name": "x", "tag": "会员", "ruleText": "has tag \"会员\""]
            ).status == .notFound)

            #expect(try await console.delete("/api/v1/tag-rules/skincare").status == .ok)
            #expect(try await console.get("/api/v1/tag-rules/skincare").status == .notFound)
            #expect(try await console.delete("/api/v1/tag-rules/skincare").status == .notFound)
            #expect(try await console.tagsOf(u1) == ["高频护肤"])
        }
    }

    @Test("a tag a rule maintains or reads cannot be deleted; a rule needs a defined tag",
          arguments: TestBackend.available)
    func tagsInUse(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["高频护肤", "会员"])
            let unknownTag = try await console.post(
                "/api/v1/tag-rules", ["name": "x", "tag": "不存在", "ruleText": .string(Self.skincareRegulars)])
            #expect(unknownTag.status == .badRequest)
            #expect(unknownTag.code == "unknown_tag")
            #expect(try await console.post(
                "/api/v1/tag-rules", ["id": "r", "name": "x", "tag": "高频护肤", "ruleText": "has tag \"会员\""]
            ).status == .created)

            let maintained = try await console.delete("/api/v1/tags/\(pathEncoded("高频护肤"))")
            #expect(maintained.status == .conflict)
            #expect(maintained.code == "tag_in_use")
            #expect(maintained.json["usedBy"] == ["tag rule r"])
            let read = try await console.delete("/api/v1/tags/\(pathEncoded("会员"))")
            #expect(read.code == "tag_in_use")
            #expect(try await console.get("/api/v1/tags/\(pathEncoded("会员"))").json["usedBy"] == ["tag rule r"])
            #expect(try await console.get("/api/v1/tags/\(pathEncoded("高频护肤"))").json["maintainedBy"] == ["r"])

            #expect(try await console.delete("/api/v1/tag-rules/r").status == .ok)
            #expect(try await console.delete("/api/v1/tags/\(pathEncoded("会员"))").status == .ok)
        }
    }
}
