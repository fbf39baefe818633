import PondCore
import PondStore

extension Store {
    /// Root ids matching `rule` now, for full evaluations: one SQL query (`SegmentSQL`), held to the in-memory
    /// evaluator's answers by the agreement test.
    func matchingProfiles(_ rule: SegmentRule, models: WorkspaceModels, now: Instant) async throws -> Set<Int64> {
        Set(
            try await segmentMembers(
                rule, workspaceID: models.workspaceID, now: now, utcOffsetSeconds: models.utcOffsetSeconds))
    }
}
