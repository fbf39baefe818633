/// What stitching decided for a batch of events, for the store to apply in one transaction.
public struct StitchPlan: Sendable, Equatable {
    public struct NewProfile: Sendable, Equatable {
        public var ref: ProfileRef
        public var firstSeen: Instant
    }

    public struct Attachment: Sendable, Equatable {
        public var identity: Identity
        public var profile: ProfileRef
        public var firstSeen: Instant
        public var messageID: String
    }

    /// Cluster `merged` joins cluster `survivor` (both roots at the time).
    public struct Merge: Sendable, Equatable {
        public var survivor: ProfileRef
        public var merged: ProfileRef
        public var identity: Identity
        public var reason: String
        public var messageID: String
        public var at: Instant
    }

    /// A link the stitcher refused to make, kept so an operator can see and resolve it.
    public struct Conflict: Sendable, Equatable {
        public enum Kind: String, Sendable {
            /// The link would give one profile two different values of a unique identity type.
            case uniqueType = "unique_type"
            /// The two profiles were separated by an unmerge.
            case blocked = "merge_blocked"
        }

        public var kind: Kind
        public var identity: Identity
        public var profile: ProfileRef
        public var otherProfile: ProfileRef?
        public var reason: String
        public var messageID: String
        public var at: Instant
    }

    public struct Assignment: Sendable, Equatable {
        public var seq: Int64
        public var profile: ProfileRef
        public var timestamp: Instant
    }

    public var newProfiles: [NewProfile] = []
    public var attachments: [Attachment] = []
    public var merges: [Merge] = []
    public var conflicts: [Conflict] = []
    public var assignments: [Assignment] = []

    public init() {}
}
