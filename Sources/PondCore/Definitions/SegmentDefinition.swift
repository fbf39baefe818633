/// A saved audience. Dynamic segments keep their members in step with a rule; static ones hold a list uploaded by
/// the brand (a CSV of phone numbers from an offline event) and change only when the brand changes it.
public struct SegmentDefinition: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case dynamic
        case `static`
    }

    public var id: String
    public var name: String
    public var description: String
    public var kind: Kind
    /// The rule of a dynamic segment; nil for a static one.
    public var rule: SegmentRule?
    public var createdAt: Instant
    public var updatedAt: Instant
    /// When the members were last recomputed in full (dynamic) or replaced (static).
    public var evaluatedAt: Instant?
    /// Filled when read from the store.
    public var memberCount: Int

    public init(
        id: String, name: String, description: String = "", kind: Kind, rule: SegmentRule?, createdAt: Instant,
        updatedAt: Instant, evaluatedAt: Instant? = nil, memberCount: Int = 0
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.kind = kind
        self.rule = rule
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.evaluatedAt = evaluatedAt
        self.memberCount = memberCount
    }
}

/// One profile entering or leaving a segment: what journeys subscribe to.
public struct SegmentChange: Sendable, Equatable {
    public var seq: Int64
    public var segmentID: String
    public var profileID: Int64
    public var entered: Bool
    public var at: Instant
    /// Why, in words: "rule matched after event Order Completed", "time-based re-evaluation", "CSV upload".
    public var reason: String

    public init(seq: Int64 = 0, segmentID: String, profileID: Int64, entered: Bool, at: Instant = Instant(millisecondsSinceEpoch: 0), reason: String) {
        self.seq = seq
        self.segmentID = segmentID
        self.profileID = profileID
        self.entered = entered
        self.at = at
        self.reason = reason
    }
}

