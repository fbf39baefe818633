import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Lifecycle stages (生命周期): the workspace's configuration, full runs, the stage distribution and one profile's
/// stage. The rules are `ScoringService`'s.
struct LifecycleController: Sendable {
    let scoring: ScoringService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("lifecycle/config") { _, context in
            JSONResponse.make(try await configuration(try context.workspaceID))
        }
        api.put("lifecycle/config") { request, context in
            let config = try ConfigurationJSON.decode(LifecycleConfiguration.self, from: try await request.jsonObject())
            let run = try await scoring.saveLifecycle(workspaceID: try context.workspaceID, config)
            return JSONResponse.make(try await configuration(try context.workspaceID).adding(["run": Self.render(run)]))
        }
        api.post("lifecycle/run") { _, context in
            JSONResponse.make(Self.render(try await scoring.runLifecycle(workspaceID: try context.workspaceID)))
        }
        api.get("lifecycle/distribution") { _, context in try await distribution(try context.workspaceID) }
        api.get("profiles/:id/lifecycle") { _, context in
            let found = try await scoring.profileStage(workspaceID: try context.workspaceID, profileID: try context.integer("id"))
            guard let stored = found.stage else {
                return JSONResponse.make([
                    "profileId": .int(found.profileID), "stage": .null, "since": .null, "rule": .null, "reason": .null,
                    "churnRisk": .null, "evaluatedAt": .null,
                ])
            }
            return JSONResponse.make([
                "profileId": .int(found.profileID), "stage": IntelligenceJSON.render(stored.stage), "since": stored.since.json,
                "rule": .string(stored.rule), "reason": .string(stored.reason),
                "churnRisk": stored.churnRisk.map(JSONValue.double) ?? .null, "evaluatedAt": stored.evaluatedAt.json,
            ])
        }
    }

    private func configuration(_ workspaceID: String) async throws -> JSONValue {
        let model = try await scoring.lifecycle(workspaceID: workspaceID)
        return ["config": try ConfigurationJSON.encode(model.config), "lastRun": Self.render(model.state)]
    }

    /// Every stage (in funnel order, then dormant, churned, won back) with its count, and the windows in force: the
    /// dormancy window N — learned from the median repurchase interval by the last run, or the configured fallback
    /// before any run — and the churn window M.
    private func distribution(_ workspaceID: String) async throws -> Response {
        let model = try await scoring.lifecycle(workspaceID: workspaceID)
        let counts = try await scoring.stageDistribution(workspaceID: workspaceID)
        let stages = LifecycleStage.allCases.map { stage in
            IntelligenceJSON.render(stage).adding(["count": .int(Int64(counts[stage.rawValue] ?? 0))])
        }
        let dormantAfterDays =
            model.state?.dormantAfterDays ?? model.config.dormancy.dormantAfterDays(medianIntervalDays: nil)
        return JSONResponse.make([
            "stages": .array(stages),
            "evaluatedProfiles": .int(Int64(counts.values.reduce(0, +))),
            "dormantAfterDays": .int(Int64(dormantAfterDays)),
            "dormancyWindow": .string(model.state == nil ? "fallback" : "learned"),
            "medianRepurchaseDays": model.state?.medianRepurchaseDays.map(JSONValue.double) ?? .null,
            "churnAfterDays": .int(Int64(model.config.churnAfterDays)),
            "computedAt": model.state?.computedAt.json ?? .null,
        ])
    }

    private static func render(_ run: ScoringService.LifecycleRunReport) -> JSONValue {
        [
            "stageChanges": .int(Int64(run.stageChanges)), "backfilledProfiles": .int(Int64(run.backfilled)),
            "dormantAfterDays": run.state.map { .int(Int64($0.dormantAfterDays)) } ?? .null,
            "medianRepurchaseDays": run.state?.medianRepurchaseDays.map(JSONValue.double) ?? .null,
            "computedAt": run.state?.computedAt.json ?? .null,
        ]
    }

    private static func render(_ state: LifecycleState?) -> JSONValue {
        guard let state else { return .null }
        return [
            "dormantAfterDays": .int(Int64(state.dormantAfterDays)),
            "medianRepurchaseDays": state.medianRepurchaseDays.map(JSONValue.double) ?? .null,
            "computedAt": state.computedAt.json,
        ]
    }
}
