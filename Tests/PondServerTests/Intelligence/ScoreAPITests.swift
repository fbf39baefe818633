import Foundation
import Hummingbird
import HummingbirdTesting
import PondCore
import PondTestSupport
import Testing

@Suite("RFM and lifecycle API")
struct ScoreAPITests {
    @Test("an RFM configuration is validated before it is stored, and members left out keep their defaults",
          arguments: TestBackend.available)
    func rfmConfiguration(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            let initial = try await console.get("/api/v1/rfm/config")
            #expect(initial.json["config"]?["windowDays"] == 365)
            #expect(initial.json["config"]?["orderEvents"] == ["Order Completed"])
            #expect(initial.json["config"]?["layers"]?["rules"]?.arrayValue?.count == 8)
            #expect(initial.json["lastRun"] == .null)

            let cases: [(JSONValue, String)] = [
                (["windowDays": 0], "rfm_invalid_window"),
                (["orderEvents": []], "rfm_no_order_events"),
                (["scoring": ["quantiles": ["buckets": 12]]], "rfm_invalid_buckets"),
                (["scoring": ["thresholds": ["r": [30, 90], "f": [2, 3], "m": [100]]]], "rfm_invalid_thresholds"),
                (
                    ["layers": ["rules": [["layer": ["id": "all", "chineseName": "全部", "englishName": "All"], "r": [1, 4], "f": [1, 5]]]]],
                    "rfm_incomplete_layers"
                ),
                (["windowDay": 180], "invalid_request"),
                (["layers": ["rules": [["layer": ["id": "x"], "r": [1, 5], "f": [1, 5]]]]], "invalid_request"),
                (["windowDays": "180"], "invalid_request"),
            ]
            for (config, code) in cases {
                let response = try await console.put("/api/v1/rfm/config", config)
                #expect(response.status == .badRequest, "\(config)")
                #expect(response.code == code, "\(config): \(String(buffer: response.body))")
            }
            #expect(try await console.get("/api/v1/rfm/config").json["config"]?["windowDays"] == 365, "nothing was stored")

            let saved = try await console.put("/api/v1/rfm/config", ["windowDays": 180, "amountProperties": ["total"]])
            #expect(saved.status == .ok)
            #expect(saved.json["config"]?["windowDays"] == 180)
            #expect(saved.json["config"]?["amountProperties"] == ["total"])
            #expect(saved.json["config"]?["orderEvents"] == ["Order Completed"])
            #expect(saved.json["run"]?["scoredProfiles"] == 0)
            #expect(try await console.get("/api/v1/rfm/config").json["config"]?["windowDays"] == 180)
        }
    }

    @Test("a layer that a segment names cannot be removed from the layer map", arguments: TestBackend.available)
    func layerInUse(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            let segment = try await console.post("/api/v1/segments", ["id": "champions", "name": "超级用户", "ruleText": #"rfm layer = "超级用户""#])
            #expect(segment.json["rule"]?["value"] == "champions")
            let single: JSONValue = [
                "layers": ["rules": [["layer": ["id": "all", "chineseName": "全部", "englishName": "All"], "r": [1, 5], "f": [1, 5]]]],
            ]
            let refused = try await console.put("/api/v1/rfm/config", single)
            #expect(refused.status == .conflict)
            #expect(refused.code == "rfm_layer_in_use")
            #expect(refused.json["usedBy"] == ["segment champions"])
            #expect(try await console.delete("/api/v1/segments/champions").status == .ok)
            #expect(try await console.put("/api/v1/rfm/config", single).status == .ok)
        }
    }

    @Test("a full RFM run scores every buyer; the distribution names each layer; a profile shows its score",
          arguments: TestBackend.available)
    func rfmRun(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            // Five buyers, each better than the next in recency, frequency and amount: quintiles give 555 … 111.
            let buyers: [(user: String, lastDaysAgo: Int, orders: Int, amount: Double)] = [
                ("u1", 1, 5, 200), ("u2", 10, 4, 150), ("u3", 30, 3, 100), ("u4", 100, 2, 80), ("u5", 300, 1, 50),
            ]
            var messages: [JSONValue] = []
            for buyer in buyers {
                for n in 0..<buyer.orders {
                    messages.append(console.order(buyer.user, category: "护肤", amount: buyer.amount, daysAgo: buyer.lastDaysAgo + n * 5))
                }
            }
            messages.append(console.identify("browser"))
            try await console.send(messages)
            let u1 = try await console.profile("user_id:u1")
            let browser = try await console.profile("user_id:browser")

            let run = try await console.post("/api/v1/rfm/run")
            #expect(run.status == .ok)
            #expect(run.json["scoredProfiles"] == 5)
            #expect(run.json["layerChanges"] == 5, "every buyer enters a layer")
            #expect(run.json["requeuedProfiles"] == 5)
            await console.settle()
            let again = try await console.post("/api/v1/rfm/run")
            #expect(again.json["scoredProfiles"] == 5)
            #expect(again.json["layerChanges"] == 0, "nothing changed between the runs")
            #expect(again.json["requeuedProfiles"] == 0)

            let distribution = try await console.get("/api/v1/rfm/distribution")
            let layers = distribution.json["layers"]?.arrayValue ?? []
            #expect(layers.compactMap { $0["id"]?.stringValue } == [
                "champions", "loyal", "new", "potential", "need_attention", "at_risk", "hibernating", "lost",
            ])
            let counts = Dictionary(uniqueKeysWithValues: layers.compactMap { layer -> (String, Int64)? in
                guard let id = layer["id"]?.stringValue, let count = layer["count"]?.int else { return nil }
                return (id, count)
            })
            #expect(counts == [
                "champions": 2, "loyal": 0, "new": 0, "potential": 0, "need_attention": 1, "at_risk": 0, "hibernating": 1,
                "lost": 1,
            ])
            #expect(layers.first?["chineseName"] == "超级用户")
            #expect(layers.first?["englishName"] == "Champions")
            #expect(distribution.json["cells"] == ["555": 1, "444": 1, "333": 1, "222": 1, "111": 1])
            #expect(distribution.json["scoredProfiles"] == 5)
            #expect(distribution.json["profiles"] == 6)
            #expect(distribution.json["lastRun"]?["scoredProfiles"] == 5)

            let score = try await console.get("/api/v1/profiles/\(u1)/rfm")
            #expect(score.json["score"]?["cell"] == "555")
            #expect(score.json["score"]?["layer"]?["id"] == "champions")
            #expect(score.json["score"]?["layer"]?["chineseName"] == "超级用户")
            #expect(score.json["score"]?["orderCount"] == 5)
            #expect(score.json["score"]?["totalAmount"]?.doubleValue == 1000)
            #expect(try await console.get("/api/v1/profiles/\(browser)/rfm").json["score"] == .null)
            #expect(try await console.get("/api/v1/profiles/999999/rfm").status == .notFound)

            let top = try await console.post("/api/v1/segments", ["id": "top", "name": "Top", "ruleText": #"rfm layer = "超级用户""#])
            #expect(top.json["memberCount"] == 2)
            let timeline = try await console.get("/api/v1/profiles/\(u1)/events").json["events"]?.arrayValue ?? []
            #expect(timeline.contains { $0["event"] == "RFM Layer Changed" && $0["properties"]?["to"] == "champions" })
        }
    }

    @Test("the lifecycle distribution lists every stage with the windows in force; a profile shows its stage",
          arguments: TestBackend.available)
    func lifecycle(backend: TestBackend) async throws {
        try await Console.run(on: backend) { console in
            let before = try await console.get("/api/v1/lifecycle/distribution")
            #expect(before.json["dormancyWindow"] == "fallback")
            #expect(before.json["dormantAfterDays"] == 60)
            #expect(before.json["medianRepurchaseDays"] == .null)

            try await console.send([
                console.order("buyer", category: "护肤", amount: 100, daysAgo: 20),
                console.order("buyer", category: "护肤", amount: 100, daysAgo: 5),
                console.order("gone", category: "护肤", amount: 100, daysAgo: 210),
                console.order("gone", category: "护肤", amount: 100, daysAgo: 200),
                console.identify("visitor"),
            ])
            let buyer = try await console.profile("user_id:buyer")
            let gone = try await console.profile("user_id:gone")
            let visitor = try await console.profile("user_id:visitor")

            let run = try await console.post("/api/v1/lifecycle/run")
            #expect(run.status == .ok)
            #expect(run.json["dormantAfterDays"] == 25, "2 × the median of 15 and 10 days, rounded up")
            await console.settle()

            let distribution = try await console.get("/api/v1/lifecycle/distribution")
            let stages = distribution.json["stages"]?.arrayValue ?? []
            #expect(stages.compactMap { $0["id"]?.stringValue } == [
                "acquired", "activated", "retained", "converted", "dormant", "churned", "won_back",
            ])
            #expect(stages.compactMap { $0["chineseName"]?.stringValue } == ["引入", "激活", "留存", "转化", "沉默", "流失", "召回"])
            let counts = stages.compactMap { $0["count"]?.int }
            #expect(counts == [1, 0, 0, 1, 0, 1, 0])
            #expect(distribution.json["dormancyWindow"] == "learned")
            #expect(distribution.json["dormantAfterDays"] == 25)
            #expect(distribution.json["medianRepurchaseDays"]?.doubleValue == 12.5)
            #expect(distribution.json["churnAfterDays"] == 180)

            let converted = try await console.get("/api/v1/profiles/\(buyer)/lifecycle")
            #expect(converted.json["stage"] == ["id": "converted", "chineseName": "转化"])
            #expect(converted.json["rule"] == "repeat_orders")
            #expect(converted.json["reason"]?.stringValue?.isEmpty == false)
            #expect(converted.json["churnRisk"]?.doubleValue != nil)
            let churned = try await console.get("/api/v1/profiles/\(gone)/lifecycle")
            #expect(churned.json["stage"]?["chineseName"] == "流失")
            #expect((churned.json["churnRisk"]?.doubleValue ?? 0) > (converted.json["churnRisk"]?.doubleValue ?? 1))
            #expect(try await console.get("/api/v1/profiles/\(visitor)/lifecycle").json["stage"]?["id"] == "acquired")
            #expect(try await console.get("/api/v1/profiles/999999/lifecycle").status == .notFound)

            let invalid = try await console.put("/api/v1/lifecycle/config", ["churnAfterDays": 100])
            #expect(invalid.status == .badRequest)
            #expect(invalid.code == "lifecycle_invalid_churn_window")
            #expect(try await console.put("/api/v1/lifecycle/config", ["churnAfterDay": 200]).code == "invalid_request")
            #expect(try await console.get("/api/v1/lifecycle/config").json["config"]?["churnAfterDays"] == 180)
        }
    }
}
