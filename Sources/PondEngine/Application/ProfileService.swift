import PondCore
import PondStore

/// Unified profiles: look-up by id or any identity, search, timeline, trait history, merges, identity conflicts,
/// and undoing a merge.
///
/// Every read of one profile accepts any id of its cluster (a merged-away id finds its survivor) and says
/// `not_found` for an id the workspace never had.
public struct ProfileService: Sendable {
    let definitions: DefinitionContext

    private var store: Store { definitions.store }

    public func profile(workspaceID: String, id: Int64) async throws -> ProfileView {
        guard let view = try await store.profile(workspaceID: workspaceID, id: id) else {
            throw DefinitionError.notFound("profile")
        }
        return view
    }

    /// The profile that holds `identity` (`type:value`).
    public func profile(workspaceID: String, identity text: String) async throws -> ProfileView {
        let identity = try Identity.parse(text)
        guard let id = try await store.profileID(workspaceID: workspaceID, identity: identity),
            let view = try await store.profile(workspaceID: workspaceID, id: id)
        else { throw DefinitionError.notFound("profile with \(identity)") }
        return view
    }

    /// Cluster roots in id order after `after`, optionally matching `search` (a name, phone or other identity).
    public func profiles(workspaceID: String, search: String?, after: Int64?, limit: Int) async throws -> [ProfileView] {
        try await store.profiles(workspaceID: workspaceID, search: search, after: after, limit: limit)
    }

    /// A page of the cluster's events, newest first, before `(timestamp, seq)` of the previous page's last event.
    public func timeline(workspaceID: String, profileID: Int64, before: (Instant, Int64)?, limit: Int) async throws
        -> [StoredEvent]
    {
        _ = try await definitions.root(workspaceID, profileID)
        return try await store.timeline(workspaceID: workspaceID, profileID: profileID, before: before, limit: limit)
    }

    public func traitHistory(workspaceID: String, profileID: Int64, key: String) async throws -> [TraitChange] {
        _ = try await definitions.root(workspaceID, profileID)
        return try await store.traitHistory(workspaceID: workspaceID, profileID: profileID, key: key)
    }

    public func merges(workspaceID: String, profileID: Int64) async throws -> [MergeRecord] {
        _ = try await definitions.root(workspaceID, profileID)
        return try await store.merges(workspaceID: workspaceID, profileID: profileID)
    }

    public func merge(workspaceID: String, id: Int64) async throws -> MergeRecord {
        guard let merge = try await store.merge(workspaceID: workspaceID, id: id) else {
            throw DefinitionError.notFound("merge")
        }
        return merge
    }

    /// Identity conflicts of one profile, or of the whole workspace when `profileID` is nil.
    public func conflicts(workspaceID: String, profileID: Int64?, limit: Int = 100) async throws -> [ConflictRecord] {
        if let profileID { _ = try await definitions.root(workspaceID, profileID) }
        return try await store.conflicts(workspaceID: workspaceID, profileID: profileID, limit: limit)
    }

    /// Separates a merge's two sides again (and keeps stitching from joining them on the next event that links
    /// them); both are re-evaluated.
    public func undoMerge(workspaceID: String, id: Int64, actor: String) async throws -> MergeRecord {
        do {
            return try await store.unmerge(
                workspaceID: workspaceID, mergeID: id, actor: actor, at: definitions.clock.now())
        } catch Store.UnmergeError.notFound {
            throw DefinitionError.notFound("merge")
        } catch Store.UnmergeError.alreadyUndone {
            throw DefinitionError(.conflict, .alreadyUndone, "this merge was already undone")
        }
    }
}
