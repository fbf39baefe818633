import PondCore
import PondStore

extension Store {
    /// Root ids matching `rule` now (full evaluation).
    func matchingProfiles(_ rule: SegmentRule, models: WorkspaceModels, now: Instant) async throws -> Set<Int64> {
        // Interim: in-memory over every root, replaced by the SQL compiler.
        var result = Set<Int64>()
        var after: Int64? = nil
        while true {
            let page = try await profiles(workspaceID: models.workspaceID, search: nil, after: after, limit: 500)
            guard let last = page.last else { break }
            for view in page {
                guard let facts = try await profileFacts(workspaceID: models.workspaceID, profileID: view.id) else { continue }
                let stored = Set(try await memberships(workspaceID: models.workspaceID, profileID: view.id).map(\.segmentID))
                if models.evaluator.matches(rule, facts: facts, now: now, membership: { stored.contains($0) }) {
                    result.insert(view.id)
                }
            }
            after = last.id
        }
        return result
    }
}
