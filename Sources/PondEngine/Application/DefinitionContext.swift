import PondCore
import PondStore

/// What every definition service shares: the store, the clock, and the sequence of a definition change — take the
/// definition lock, load the catalog, check, write — so that two changes (on two nodes, too) cannot each pass a
/// check the other breaks.
struct DefinitionContext: Sendable {
    let store: Store
    let clock: any Clock

    /// Runs a check-then-write under `Store.withDefinitionLock`, with the workspace's catalog as it is inside it.
    func changing<T: Sendable>(
        _ workspaceID: String, _ body: @Sendable (RuleCatalog) async throws -> T
    ) async throws -> T {
        try await store.withDefinitionLock {
            try await body(try await catalog(workspaceID))
        }
    }

    /// Everything the workspace's rules may name, and everything that names it.
    func catalog(_ workspaceID: String) async throws -> RuleCatalog {
        let rfm = try await store.model(.rfm, workspaceID: workspaceID, default: RFMConfiguration(), state: RFMState.self)
        return RuleCatalog(
            tags: try await store.tagNames(workspaceID: workspaceID),
            layers: SegmentRule.layerVocabulary(rfm.config.layers.rules.map(\.layer)),
            segments: try await store.segments(workspaceID: workspaceID),
            tagRules: try await store.tagRules(workspaceID: workspaceID))
    }

    /// The cluster root of a profile id (any member of a merged cluster), or `not_found`.
    func root(_ workspaceID: String, _ profileID: Int64) async throws -> Int64 {
        guard let root = try await store.rootProfileID(workspaceID: workspaceID, profileID: profileID) else {
            throw DefinitionError.notFound("profile")
        }
        return root
    }
}
