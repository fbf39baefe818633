import Foundation
import Hummingbird
import HummingbirdTesting
import PondCore
import PondTestSupport
import Testing

@Suite("Rule and definition input API")
struct RuleInputAPITests {
    /// A rule error as the API reports it.
    struct Refusal: Equatable, CustomStringConvertible {
        var code: String?
        var path: String?
        var offset: Int64?

        var description: String { "\(code ?? "-") at '\(path ?? "-")'\(offset.map { " offset \($0)" } ?? "")" }
    }

    static func refusal(_ response: TestResponse) -> Refusal {
        Refusal(code: response.code, path: response.json["path"]?.stringValue, offset: response.json["offset"]?.int)
    }

    @Test("invalid rule trees are refused with the rule error's code, path and offset, and nothing is saved",
          arguments: TestBackend.available)
    func invalidRules(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员"])
            #expect(try await console.post("/api/v1/segments", ["id": "base", "name": "Base", "ruleText": #"has tag "会员""#]).status == .created)
            let cases: [(body: JSONValue, expected: Refusal)] = [
                (["rule": ["type": "has_tag", "tag": "会员", "tga": "x"]], Refusal(code: "unknown_field", path: "")),
                (
                    ["rule": ["type": "all", "rules": [["type": "has_tag", "tag": "会员"], ["type": "performed", "event": "Order Completed", "op": "at_least", "count": 1, "days": 5000]]]],
                    Refusal(code: "absurd_window", path: "all[1]")
                ),
                (["rule": ["type": "all", "rules": []]], Refusal(code: "empty_group", path: "")),
                (["rule": ["type": "sometimes"]], Refusal(code: "unknown_condition", path: "")),
                (["ruleText": #"has tag "会员" and performed "Order Completed" >= 2 times in 9000d"#], Refusal(code: "absurd_window", path: "all[1]", offset: 17)),
                (["ruleText": #"has tag "会员" and"#], Refusal(code: "syntax_error", path: "", offset: 16)),
                (["ruleText": #"has tag "会员" and not stage = "沉睡""#], Refusal(code: "unknown_stage", path: "all[1].not")),
                (["rule": ["type": "rfm_layer", "op": "in", "values": ["Champions", "鲸鱼"]]], Refusal(code: "unknown_layer", path: "")),
                (["ruleText": #"any(in segment "base", in segment "nope")"#], Refusal(code: "unknown_segment", path: "any[1]")),
                (["ruleText": #"has tag "会员" and lacks tag "会园""#], Refusal(code: "unknown_tag", path: "all[1]")),
            ]
            for (index, testCase) in cases.enumerated() {
                guard case .object(var body) = testCase.body else { continue }
                body["name"] = "x"
                body["id"] = .string("case-\(index)")
                let segment = try await console.post("/api/v1/segments", .object(body))
                #expect(segment.status == .badRequest)
                #expect(Self.refusal(segment) == testCase.expected, "segment \(testCase.body): \(String(buffer: segment.body))")
                #expect(segment.json["message"]?.stringValue?.isEmpty == false)

                body["id"] = nil
                body["tag"] = "会员"
                let rule = try await console.post("/api/v1/tag-rules", .object(body))
                #expect(Self.refusal(rule) == testCase.expected, "tag rule \(testCase.body): \(String(buffer: rule.body))")

                body["name"] = nil
                body["tag"] = nil
                let preview = try await console.post("/api/v1/segments/preview", .object(body))
                #expect(Self.refusal(preview) == testCase.expected, "preview \(testCase.body): \(String(buffer: preview.body))")
            }
            #expect(try await console.get("/api/v1/segments").values("segments", "id") == ["base"])
            #expect(try await console.get("/api/v1/tag-rules").values("rules", "id").isEmpty)
        }
    }

    @Test("rule, id and name members are checked before anything is stored", arguments: TestBackend.available)
    func invalidDefinitions(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员"])
            let both = try await console.post("/api/v1/segments", ["name": "x", "rule": ["type": "has_tag", "tag": "会员"], "ruleText": #"has tag "会员""#])
            #expect(both.code == "invalid_request")
            #expect(try await console.post("/api/v1/segments", ["name": "x"]).code == "invalid_request", "a dynamic segment needs a rule")
            #expect(try await console.post("/api/v1/segments", ["name": "x", "kind": "static", "ruleText": #"has tag "会员""#]).code == "invalid_request")
            #expect(try await console.post("/api/v1/segments", ["name": "x", "kind": "sometimes", "ruleText": #"has tag "会员""#]).code == "invalid_request")
            #expect(try await console.post("/api/v1/segments", ["name": "x", "ruleText": #"has tag "会员""#, "colour": "red"]).code == "invalid_request")
            #expect(try await console.post("/api/v1/segments", ["name": "x", "ruleText": 42]).code == "invalid_request")
            #expect(try await console.post("/api/v1/tag-rules", ["name": "x", "tag": "会员"]).code == "invalid_request", "a tag rule needs a rule")

            let longID = String(repeating: "a", count: 65)
            for id in [longID, "has space", "-leading", "中文", "preview"] {
                let response = try await console.post("/api/v1/segments", ["id": .string(id), "name": "x", "ruleText": #"has tag "会员""#])
                #expect(response.code == "invalid_request", "segment id \(id)")
            }
            #expect(try await console.post("/api/v1/tag-rules", ["id": .string(longID), "name": "x", "tag": "会员", "ruleText": #"has tag "会员""#]).code == "invalid_request")
            #expect(try await console.post("/api/v1/segments", ["name": .string(String(repeating: "名", count: 201)), "ruleText": #"has tag "会员""#]).code == "invalid_request")
            for name in [String(repeating: "标", count: 65), "a|b", "a/b", "bulk", "import", " "] {
                #expect(try await console.post("/api/v1/tags", ["name": .string(name)]).code == "invalid_request", "tag name '\(name)'")
            }
            #expect(try await console.post("/api/v1/tag-groups", ["name": "a|b"]).code == "invalid_request")
            #expect(try await console.put("/api/v1/segments/nope", ["name": "x", "ruleText": #"has tag "会员""#]).status == .notFound)
            let mismatch = try await console.put("/api/v1/segments/nope", ["id": "other", "name": "x", "ruleText": #"has tag "会员""#])
            #expect(mismatch.code == "invalid_request")

            #expect(try await console.get("/api/v1/segments").values("segments", "id").isEmpty)
            #expect(try await console.get("/api/v1/tag-rules").values("rules", "id").isEmpty)
            #expect(try await console.get("/api/v1/tags").values("tags", "name") == ["会员"])
        }
    }

    @Test("generated ids are readable and unique", arguments: TestBackend.available)
    func generatedIDs(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员"])
            var ids: [JSONValue] = []
            for name in ["VIP Skincare 2026!", "VIP skincare 2026", "护肤会员", "护肤会员"] {
                let response = try await console.post("/api/v1/segments", ["name": .string(name), "ruleText": #"has tag "会员""#])
                #expect(response.status == .created)
                ids.append(response.json["id"] ?? .null)
            }
            #expect(ids == ["vip-skincare-2026", "vip-skincare-2026-2", "segment", "segment-2"])
        }
    }

    @Test("every endpoint about one profile answers 404 for a profile of another workspace",
          arguments: TestBackend.available)
    func otherWorkspace(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            try await console.defineTags(["会员"])
            try await console.send([console.identify("u1")])
            let id = try await console.profile("user_id:u1")
            let other = try await console.client.execute(
                uri: "/api/v1/workspaces", method: .post, headers: [.authorization: "Bearer \(TestPond.rootKey)"],
                body: body(["name": "other"]))
            let otherAdmin: HTTPFields = [.authorization: "Bearer \(other.json["adminKey"]!.stringValue!)"]
            for path in ["tags", "segments", "rfm", "lifecycle"] {
                let response = try await console.client.execute(uri: "/api/v1/profiles/\(id)/\(path)", method: .get, headers: otherAdmin)
                #expect(response.status == .notFound, "\(path)")
            }
            let tagging = try await console.client.execute(
                uri: "/api/v1/profiles/\(id)/tags", method: .post, headers: otherAdmin, body: body(["tags": ["会员"]]))
            #expect(tagging.status == .notFound)
            #expect(try await console.client.execute(uri: "/api/v1/tags", method: .get, headers: otherAdmin).values("tags", "name").isEmpty)
            #expect(try await console.get("/api/v1/profiles/abc/tags").code == "invalid_request")
            #expect(try await console.client.execute(uri: "/api/v1/segments", method: .get).status == .unauthorized)
        }
    }
}
