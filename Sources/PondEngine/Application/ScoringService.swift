import PondCore
import PondStore

/// RFM (用户分层) and lifecycle stages (生命周期): each workspace's configuration, full runs, distributions and one
/// profile's score and stage.
///
/// Saving a configuration validates it and runs at once, so scores never mix the old and the new rules for long.
/// A full RFM run ranks every buyer in the window and stores the cut points incremental re-scoring uses until the
/// next run; a lifecycle run re-derives the dormancy window from the brand's repurchase rhythm and moves profiles
/// along as time passes. Profiles whose layer or stage changed are queued, so segments and auto-tag rules reading
/// them follow within moments.
public struct ScoringService: Sendable {
    let definitions: DefinitionContext
    let intelligence: IntelligenceService

    private var store: Store { definitions.store }

    // MARK: RFM

    public func rfm(workspaceID: String) async throws -> (config: RFMConfiguration, state: RFMState?) {
        try await store.model(.rfm, workspaceID: workspaceID, default: RFMConfiguration(), state: RFMState.self)
    }

    public struct RFMRunReport: Sendable {
        public var scored: Int
        public var layerChanges: Int
        public var requeued: Int
        public var computedAt: Instant?
    }

    /// Stores a valid configuration and runs. Refused with the configuration error's code (`rfm_invalid_window`,
    /// `rfm_incomplete_layers`, …) when invalid, and with `rfm_layer_in_use` when a segment or auto-tag rule names a
    /// layer the new map no longer has.
    public func saveRFM(workspaceID: String, _ config: RFMConfiguration) async throws -> RFMRunReport {
        do {
            try config.validate()
        } catch {
            throw DefinitionError(.invalid, code: error.code.rawValue, error.message)
        }
        try await definitions.changing(workspaceID) { catalog in
            let kept = Set(config.layers.rules.map(\.layer.id))
            let dropped = catalog.layerReferences().filter { !kept.contains($0.key) }.sorted { $0.key < $1.key }
            if let (layer, users) = dropped.first {
                throw DefinitionError(
                    .conflict, .rfmLayerInUse,
                    "layer '\(layer)' is named by \(users.joined(separator: ", ")); change them before removing the layer",
                    details: ["layer": .string(layer), "usedBy": .array(users.map(JSONValue.string))])
            }
            try await store.saveModelConfiguration(.rfm, workspaceID: workspaceID, config, at: definitions.clock.now())
        }
        return try await runRFM(workspaceID: workspaceID)
    }

    /// A full run. The run itself only rescores; profiles whose score or layer changed are then queued.
    public func runRFM(workspaceID: String) async throws -> RFMRunReport {
        let result = try await intelligence.runRFM(workspaceID: workspaceID)
        try await store.queueProfiles(workspaceID: workspaceID, result.moved, at: definitions.clock.now())
        return RFMRunReport(
            scored: result.scored, layerChanges: result.layerChanges, requeued: result.moved.count,
            computedAt: try await rfm(workspaceID: workspaceID).state?.computedAt)
    }

    /// Profiles per stored layer and per RFM cell (`"545"`), and how many profiles the workspace has.
    public func rfmDistribution(workspaceID: String) async throws -> (
        layers: [String: Int], cells: [String: Int], profiles: Int
    ) {
        let counts = try await store.rfmDistribution(workspaceID: workspaceID)
        return (counts.layers, counts.cells, try await store.profileCount(workspaceID: workspaceID))
    }

    public func rfmScore(workspaceID: String, profileID: Int64) async throws -> (profileID: Int64, score: StoredRFM?) {
        let root = try await definitions.root(workspaceID, profileID)
        return (root, try await store.rfmScore(workspaceID: workspaceID, profileID: root))
    }

    // MARK: Lifecycle

    public func lifecycle(workspaceID: String) async throws -> (config: LifecycleConfiguration, state: LifecycleState?) {
        try await store.model(
            .lifecycle, workspaceID: workspaceID, default: LifecycleConfiguration(), state: LifecycleState.self)
    }

    public struct LifecycleRunReport: Sendable {
        public var stageChanges: Int
        public var backfilled: Int
        public var state: LifecycleState?
    }

    /// Stores a valid configuration and runs (on a workspace never evaluated, that first evaluates every profile).
    /// Refused with the configuration error's code (`lifecycle_invalid_dormancy`, …) when invalid.
    public func saveLifecycle(workspaceID: String, _ config: LifecycleConfiguration) async throws -> LifecycleRunReport {
        do {
            try config.validate()
        } catch {
            throw DefinitionError(.invalid, code: error.code.rawValue, error.message)
        }
        try await store.saveModelConfiguration(.lifecycle, workspaceID: workspaceID, config, at: definitions.clock.now())
        return try await runLifecycle(workspaceID: workspaceID)
    }

    public func runLifecycle(workspaceID: String) async throws -> LifecycleRunReport {
        let result = try await intelligence.runLifecycle(workspaceID: workspaceID)
        return LifecycleRunReport(
            stageChanges: result.stageChanges, backfilled: result.backfilled,
            state: try await lifecycle(workspaceID: workspaceID).state)
    }

    /// Profiles per stage id.
    public func stageDistribution(workspaceID: String) async throws -> [String: Int] {
        try await store.stageDistribution(workspaceID: workspaceID)
    }

    public func profileStage(workspaceID: String, profileID: Int64) async throws -> (
        profileID: Int64, stage: StoredStage?
    ) {
        let root = try await definitions.root(workspaceID, profileID)
        return (root, try await store.profileStage(workspaceID: workspaceID, profileID: root))
    }
}
