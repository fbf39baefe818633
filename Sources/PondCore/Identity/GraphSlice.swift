/// The part of a workspace's identity graph that a batch of events touches, loaded by the store before planning.
///
/// Stitching is planned in memory over a slice and applied in the same transaction, so the algorithm lives here
/// once, in pure code, and each backend only has to load slices and apply plans.
public struct GraphSlice: Sendable, Equatable {
    /// The profile each known identity belongs to directly (before following merges).
    public var owners: [Identity: ProfileRef]
    /// The cluster root of every profile in `owners` (a profile that was never merged is its own root).
    public var canonical: [ProfileRef: ProfileRef]
    /// Values of the workspace's unique identity types held anywhere in each loaded cluster, by root.
    public var uniqueValues: [ProfileRef: [String: String]]
    /// Cluster pairs an operator separated by unmerging; they are never stitched together again automatically.
    public var blockedPairs: Set<ProfilePair>

    public init(
        owners: [Identity: ProfileRef] = [:], canonical: [ProfileRef: ProfileRef] = [:],
        uniqueValues: [ProfileRef: [String: String]] = [:], blockedPairs: Set<ProfilePair> = []
    ) {
        self.owners = owners
        self.canonical = canonical
        self.uniqueValues = uniqueValues
        self.blockedPairs = blockedPairs
    }
}
