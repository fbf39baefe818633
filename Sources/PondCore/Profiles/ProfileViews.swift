/// Read models returned by stores and rendered by the API. Plain values; no behaviour.

public struct ProfileIdentity: Sendable, Equatable {
    public var identity: Identity
    /// The profile that holds it directly (a member of the cluster, maybe not the root).
    public var profileID: Int64
    public var firstSeen: Instant

    public init(identity: Identity, profileID: Int64, firstSeen: Instant) {
        self.identity = identity
        self.profileID = profileID
        self.firstSeen = firstSeen
    }
}

public struct ProfileTrait: Sendable, Equatable {
    public var key: String
    public var value: JSONValue
    public var updatedAt: Instant

    public init(key: String, value: JSONValue, updatedAt: Instant) {
        self.key = key
        self.value = value
        self.updatedAt = updatedAt
    }
}

/// A unified customer: the root of a cluster of stitched profiles.
public struct ProfileView: Sendable, Equatable {
    public var id: Int64
    public var createdAt: Instant
    public var firstSeen: Instant?
    public var lastSeen: Instant?
    /// Other profiles merged into this one.
    public var mergedProfileIDs: [Int64]
    public var identities: [ProfileIdentity]
    /// Last write wins by *event* time across the whole cluster, so a late-arriving old event cannot overwrite a
    /// newer value.
    public var traits: [ProfileTrait]
    /// Channels the customer was seen on, with event counts.
    public var channels: [String: Int]
    public var eventCount: Int

    public init(
        id: Int64, createdAt: Instant, firstSeen: Instant?, lastSeen: Instant?, mergedProfileIDs: [Int64],
        identities: [ProfileIdentity], traits: [ProfileTrait], channels: [String: Int], eventCount: Int
    ) {
        self.id = id
        self.createdAt = createdAt
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.mergedProfileIDs = mergedProfileIDs
        self.identities = identities
        self.traits = traits
        self.channels = channels
        self.eventCount = eventCount
    }
}

/// One entry of a profile's timeline.
public struct StoredEvent: Sendable, Equatable {
    public var seq: Int64
    public var workspaceID: String
    public var profileID: Int64?
    public var source: String
    public var channel: String
    public var message: TrackingMessage

    public init(seq: Int64, workspaceID: String, profileID: Int64?, source: String, channel: String, message: TrackingMessage) {
        self.seq = seq
        self.workspaceID = workspaceID
        self.profileID = profileID
        self.source = source
        self.channel = channel
        self.message = message
    }
}

public struct TraitChange: Sendable, Equatable {
    public var profileID: Int64
    public var key: String
    public var value: JSONValue
    public var at: Instant
    public var messageID: String

    public init(profileID: Int64, key: String, value: JSONValue, at: Instant, messageID: String) {
        self.profileID = profileID
        self.key = key
        self.value = value
        self.at = at
        self.messageID = messageID
    }
}

public struct MergeRecord: Sendable, Equatable {
    public var id: Int64
    public var survivorID: Int64
    public var mergedID: Int64
    public var identity: Identity
    /// Who: `stitcher` for automatic merges, `key:<id>` for operator actions.
    public var actor: String
    public var reason: String
    public var messageID: String?
    public var at: Instant
    public var undoneAt: Instant?
    public var undoneBy: String?

    public init(
        id: Int64, survivorID: Int64, mergedID: Int64, identity: Identity, actor: String, reason: String,
        messageID: String?, at: Instant, undoneAt: Instant?, undoneBy: String?
    ) {
        self.id = id
        self.survivorID = survivorID
        self.mergedID = mergedID
        self.identity = identity
        self.actor = actor
        self.reason = reason
        self.messageID = messageID
        self.at = at
        self.undoneAt = undoneAt
        self.undoneBy = undoneBy
    }
}

public struct ConflictRecord: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var profileID: Int64
    public var otherProfileID: Int64?
    public var identity: Identity
    public var reason: String
    /// The latest occurrence (and its message); a refused link recurs on every event from a shared device.
    public var messageID: String
    public var at: Instant
    public var firstAt: Instant
    public var occurrences: Int

    public init(
        id: Int64, kind: String, profileID: Int64, otherProfileID: Int64?, identity: Identity, reason: String,
        messageID: String, at: Instant, firstAt: Instant, occurrences: Int
    ) {
        self.id = id
        self.kind = kind
        self.profileID = profileID
        self.otherProfileID = otherProfileID
        self.identity = identity
        self.reason = reason
        self.messageID = messageID
        self.at = at
        self.firstAt = firstAt
        self.occurrences = occurrences
    }
}
