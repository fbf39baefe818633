import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Lifecycle stages (生命周期): the workspace's configuration, full runs, the stage distribution and one profile's
/// stage.
///
/// A full run re-derives the dormancy window from the brand's repurchase rhythm and moves profiles along as time
/// passes; profiles whose stage changed are queued, so segments reading stages follow within moments. Saving a
/// configuration runs at once (on a workspace never evaluated, that first evaluates every profile).
struct LifecycleController: Sendable {
    let auth: AdminAuth
    let runtime: PondRuntime

    var store: Store { runtime.store }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/lifecycle/config") { request, _ in
            let key = try await auth.admin(request)
            return JSONResponse.make(try await configuration(key.workspaceID))
        }
        router.put("/api/v1/lifecycle/config") { request, _ in try await update(request) }
        router.post("/api/v1/lifecycle/run") { request, _ in
            let key = try await auth.admin(request)
            return JSONResponse.make(try await run(key.workspaceID))
        }
        router.get("/api/v1/lifecycle/distribution") { request, _ in try await distribution(request) }
        router.get("/api/v1/profiles/:id/lifecycle") { request, context in try await profileStage(request, context) }
    }

    private func model(_ workspaceID: String) async throws -> (config: LifecycleConfiguration, state: LifecycleState?) {
        try await store.model(.lifecycle, workspaceID: workspaceID, default: LifecycleConfiguration(), state: LifecycleState.self)
    }

    private func configuration(_ workspaceID: String) async throws -> JSONValue {
        let model = try await model(workspaceID)
        return ["config": try ConfigurationJSON.encode(model.config), "lastRun": Self.render(model.state)]
    }

    /// Validates and stores a configuration (members left out take their defaults), then runs. Refused with the
    /// configuration error's code (`lifecycle_invalid_dormancy`, `lifecycle_invalid_churn_window`, …) when invalid.
    private func update(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let config = try ConfigurationJSON.decode(LifecycleConfiguration.self, from: try await request.jsonObject())
        do {
            try config.validate()
        } catch {
            throw APIError(.badRequest, error.code.rawValue, error.message)
        }
        try await store.saveModelConfiguration(.lifecycle, workspaceID: key.workspaceID, config, at: runtime.clock.now())
        let run = try await run(key.workspaceID)
        guard case .object(var response) = try await configuration(key.workspaceID) else { preconditionFailure() }
        response["run"] = run
        return JSONResponse.make(.object(response))
    }

    private func run(_ workspaceID: String) async throws -> JSONValue {
        let result = try await runtime.intelligence.runLifecycle(workspaceID: workspaceID)
        runtime.intelligence.notify()
        let state = try await model(workspaceID).state
        return [
            "stageChanges": .int(Int64(result.stageChanges)), "backfilledProfiles": .int(Int64(result.backfilled)),
            "dormantAfterDays": state.map { .int(Int64($0.dormantAfterDays)) } ?? .null,
            "medianRepurchaseDays": state?.medianRepurchaseDays.map(JSONValue.double) ?? .null,
            "computedAt": state?.computedAt.json ?? .null,
        ]
    }

    /// Every stage (in funnel order, then dormant, churned, won back) with its count, and the windows in force: the
    /// dormancy window N — learned from the median repurchase interval by the last run, or the configured fallback
    /// before any run — and the churn window M.
    private func distribution(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let model = try await model(key.workspaceID)
        let counts = try await store.stageDistribution(workspaceID: key.workspaceID)
        let stages = LifecycleStage.allCases.map { stage -> JSONValue in
            guard case .object(var rendered) = IntelligenceJSON.render(stage) else { preconditionFailure() }
            rendered["count"] = .int(Int64(counts[stage.rawValue] ?? 0))
            return .object(rendered)
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

    private func profileStage(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        guard let root = try await store.rootProfileID(workspaceID: key.workspaceID, profileID: try ProfileController.id(context))
        else { throw APIError.notFound("profile") }
        guard let stored = try await store.profileStage(workspaceID: key.workspaceID, profileID: root) else {
            return JSONResponse.make([
                "profileId": .int(root), "stage": .null, "since": .null, "rule": .null, "reason": .null, "churnRisk": .null,
                "evaluatedAt": .null,
            ])
        }
        return JSONResponse.make([
            "profileId": .int(root), "stage": IntelligenceJSON.render(stored.stage), "since": stored.since.json,
            "rule": .string(stored.rule), "reason": .string(stored.reason),
            "churnRisk": stored.churnRisk.map(JSONValue.double) ?? .null, "evaluatedAt": stored.evaluatedAt.json,
        ])
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
