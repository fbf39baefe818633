import PondCore

/// Look-ups and writes the management API needs for uploaded profile lists: resolving many ids and identities to
/// cluster roots at once, and applying a different set of tags to each profile in one transaction.
extension Store {
    /// The cluster root of each identity that some profile of the workspace holds; identities nobody holds are
    /// absent from the result. Values must already be normalised (`IdentityRules.make`).
    public func rootProfileIDs(workspaceID: String, identities: some Collection<Identity> & Sendable) async throws
        -> [Identity: Int64]
    {
        let unique = Array(Set(identities))
        return try await database.read { db in
            var roots: [Identity: Int64] = [:]
            for (type, group) in Dictionary(grouping: unique, by: \.type) {
                for chunk in group.map(\.value).chunked(500) {
                    for row in try await db.query(
                        """
                        SELECT i.value, p.canonical_id FROM identities i
                        JOIN profiles p ON p.workspace_id = i.workspace_id AND p.id = i.profile_id
                        WHERE i.workspace_id = ? AND i.type = ? AND i.value IN (\(placeholders(chunk.count)))
                        """, [.text(workspaceID), .text(type)] + chunk.map(SQLValue.text))
                    {
                        roots[Identity(uncheckedType: type, value: try row.text(0))] = try row.int(1)
                    }
                }
            }
            return roots
        }
    }

    /// The cluster root of each profile id that exists in the workspace; unknown ids are absent from the result.
    public func rootProfileIDs(workspaceID: String, profileIDs: some Collection<Int64> & Sendable) async throws
        -> [Int64: Int64]
    {
        let unique = Array(Set(profileIDs))
        return try await database.read { db in
            var roots: [Int64: Int64] = [:]
            for chunk in unique.chunked(500) {
                for row in try await db.query(
                    "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND id IN (\(placeholders(chunk.count)))",
                    [.text(workspaceID)] + chunk.map(SQLValue.int))
                {
                    roots[try row.int(0)] = try row.int(1)
                }
            }
            return roots
        }
    }

    /// Adds (or removes) each `(profile, tag)` pair, all in one transaction: either every pair is applied or none
    /// is. Profile ids are taken to their cluster roots inside the transaction, so a merge since the caller looked
    /// them up is harmless. A tag that is not defined, or a profile that does not exist, refuses the whole call
    /// (`TagChangeError`). A tag already on a profile keeps its original source and time; each change gets a
    /// timeline entry and queues the profile for re-evaluation. Returns the pairs changed.
    public func applyTagChanges(
        workspaceID: String, pairs: [(profileID: Int64, tag: String)], adding: Bool, source: TagSource,
        sourceRef: String?, at: Instant
    ) async throws -> Int {
        guard !pairs.isEmpty else { return 0 }
        return try await writeQueuingProfileWork { db in
            let ws = SQLValue.text(workspaceID)
            for chunk in Array(Set(pairs.map(\.tag))).chunked(500) {
                let known = Set(
                    try await db.query(
                        "SELECT name FROM tags WHERE workspace_id = ? AND name IN (\(placeholders(chunk.count)))",
                        [ws] + chunk.map(SQLValue.text)
                    ).map { try $0.text(0) })
                if let unknown = chunk.filter({ !known.contains($0) }).sorted().first {
                    throw TagChangeError.undefinedTag(unknown)
                }
            }
            var roots: [Int64: Int64] = [:]
            for chunk in Array(Set(pairs.map(\.profileID))).chunked(500) {
                for row in try await db.query(
                    "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND id IN (\(placeholders(chunk.count)))",
                    [ws] + chunk.map(SQLValue.int))
                {
                    roots[try row.int(0)] = try row.int(1)
                }
                if let missing = chunk.first(where: { roots[$0] == nil }) {
                    throw TagChangeError.missingProfile(missing)
                }
            }
            struct Pair: Hashable {
                var profile: Int64
                var tag: String
            }
            var seen = Set<Pair>()
            var resolved: [(Int64, String)] = []
            for pair in pairs {
                guard let root = roots[pair.profileID] else { continue }
                if seen.insert(Pair(profile: root, tag: pair.tag)).inserted { resolved.append((root, pair.tag)) }
            }
            let changed =
                adding
                ? try await Self.addTags(db, workspaceID, resolved, source: source, sourceRef: sourceRef, at: at)
                : try await Self.removeTags(
                    db, workspaceID, resolved,
                    reason: ["source": .string(source.rawValue), "sourceRef": sourceRef.map(JSONValue.string) ?? .null], at: at)
            try await Self.queueProfileWork(db, workspaceID, Set(changed.map(\.0)), at: at)
            return changed.count
        }
    }
}
