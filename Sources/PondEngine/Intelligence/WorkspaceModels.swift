import PondCore
import PondStore

/// Everything needed to re-evaluate a workspace's profiles, loaded once per pass: the time zone, the RFM scorer with
/// the last run's cut points, the lifecycle machine with the adaptive dormancy window, the enabled auto-tag rules,
/// and the dynamic segments in dependency order.
struct WorkspaceModels: Sendable {
    var workspaceID: String
    var utcOffsetSeconds: Int
    var rfm: RFMScorer
    var rfmState: RFMState?
    var lifecycle: LifecycleMachine
    var tagRules: [TagRule]
    /// Dynamic segments, each after the segments it reads.
    var segments: [(id: String, rule: SegmentRule)]
    var churnModel: ChurnModel
    /// The typical interval between orders, for churn risk: the median the dormancy window was derived from.
    var typicalIntervalDays: Double

    static func load(_ store: Store, workspaceID: String) async throws -> WorkspaceModels {
        let workspace = try await store.workspace(id: workspaceID)
        let rfm = try await store.model(
            .rfm, workspaceID: workspaceID, default: RFMConfiguration(), state: RFMState.self)
        let lifecycle = try await store.model(
            .lifecycle, workspaceID: workspaceID, default: LifecycleConfiguration(), state: LifecycleState.self)
        let definitions = try await store.segments(workspaceID: workspaceID)
        let rules = Dictionary(
            uniqueKeysWithValues: definitions.compactMap { definition in definition.rule.map { (definition.id, $0) } })
        let order = (try? SegmentGraph(rules).evaluationOrder()) ?? rules.keys.sorted()
        let median = lifecycle.state?.medianRepurchaseDays
        return WorkspaceModels(
            workspaceID: workspaceID,
            utcOffsetSeconds: workspace?.settings.utcOffsetSeconds ?? WorkspaceSettings.defaultUTCOffsetSeconds,
            rfm: try RFMScorer(configuration: rfm.config), rfmState: rfm.state,
            // A learned window that no longer fits the configuration falls back to the configuration's own.
            lifecycle: try (try? LifecycleMachine(
                configuration: lifecycle.config, dormantAfterDays: lifecycle.state?.dormantAfterDays))
                ?? LifecycleMachine(configuration: lifecycle.config),
            tagRules: try await store.tagRules(workspaceID: workspaceID).filter(\.enabled),
            segments: order.compactMap { id in rules[id].map { (id, $0) } },
            churnModel: .starter, typicalIntervalDays: median ?? Double(lifecycle.config.dormancy.fallbackDays) / 2)
    }

    var evaluator: SegmentEvaluator { SegmentEvaluator(utcOffsetSeconds: utcOffsetSeconds) }

    /// The stage a profile is in now, with its churn risk, given its inputs and its stored stage.
    func stage(profileID: Int64, inputs: LifecycleInputs, previous: StoredStage?, now: Instant) -> StoredStage {
        let decision = lifecycle.evaluate(inputs.facts(previous: previous?.record), now: now)
        let since = previous?.stage == decision.stage ? previous!.since : now
        let risk = inputs.churnSignals.map {
            churnModel.risk($0, now: now, typicalIntervalDays: typicalIntervalDays)
        }
        return StoredStage(
            profileID: profileID, stage: decision.stage, since: since, rule: decision.rule.rawValue,
            reason: decision.reason, churnRisk: risk, evaluatedAt: now, inputs: inputs)
    }
}
