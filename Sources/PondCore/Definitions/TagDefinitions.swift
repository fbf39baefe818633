/// A heading tags are filed under in the console (会员等级, 兴趣偏好, 渠道来源).
public struct TagGroup: Sendable, Equatable {
    public var name: String
    public var description: String
    public var createdAt: Instant

    public init(name: String, description: String = "", createdAt: Instant) {
        self.name = name
        self.description = description
        self.createdAt = createdAt
    }
}

/// A tag a brand has defined. Tags are referred to by name everywhere (rules, segments, CSV), so a name is its key.
public struct TagDefinition: Sendable, Equatable {
    public var name: String
    public var group: String?
    public var description: String
    public var createdAt: Instant
    /// Filled when read from the store.
    public var profileCount: Int

    public init(name: String, group: String? = nil, description: String = "", createdAt: Instant, profileCount: Int = 0) {
        self.name = name
        self.group = group
        self.description = description
        self.createdAt = createdAt
        self.profileCount = profileCount
    }
}

/// Where a tag on a profile came from. A tag's source decides who may take it off again: an `add` auto-tag rule
/// withdraws only the tags it put on itself (source `rule`, its id as the reference), never an operator's.
public enum TagSource: String, Sendable, CaseIterable {
    /// An operator (console, API), with the key or user as the reference.
    case manual
    /// An auto-tag rule, with the rule id as the reference.
    case rule
    /// A CSV upload.
    case `import`
    /// A channel code: the WeCom contact-me QR code, a campaign link; the code is the reference.
    case channel
    /// A journey step, with the journey, version and node as the reference (`onboarding@v2/tag-new`).
    case journey

    /// What an operator may name as a source: `rule` belongs to auto-tag rules, since a tag claiming a rule as its
    /// source would be withdrawn by that rule.
    public static let operatorSources: [TagSource] = [.manual, .channel, .import]
}

/// A tag on a profile, with where it came from (`TagSource`) and the reference within that source.
public struct ProfileTag: Sendable, Equatable {
    public var tag: String
    public var source: TagSource
    public var sourceRef: String?
    public var taggedAt: Instant

    public init(tag: String, source: TagSource, sourceRef: String? = nil, taggedAt: Instant) {
        self.tag = tag
        self.source = source
        self.sourceRef = sourceRef
        self.taggedAt = taggedAt
    }
}

/// An auto-tag rule: while `rule` holds for a profile, `add` keeps the tag on it (and takes it off again, if this
/// rule put it there, once the rule stops holding); `remove` takes the tag off whoever it holds for.
public struct TagRule: Sendable, Equatable {
    public enum Action: String, Sendable { case add, remove }

    public var id: String
    public var name: String
    public var tag: String
    public var action: Action
    public var rule: SegmentRule
    public var enabled: Bool
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(
        id: String, name: String, tag: String, action: Action, rule: SegmentRule, enabled: Bool = true, createdAt: Instant,
        updatedAt: Instant
    ) {
        self.id = id
        self.name = name
        self.tag = tag
        self.action = action
        self.rule = rule
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

