/// A brand. Every row in every table belongs to exactly one workspace; agencies run many.
public struct Workspace: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var settings: WorkspaceSettings
    public var createdAt: Instant

    public init(id: String, name: String, settings: WorkspaceSettings = WorkspaceSettings(), createdAt: Instant) {
        self.id = id
        self.name = name
        self.settings = settings
        self.createdAt = createdAt
    }
}

public struct WorkspaceSettings: Sendable, Equatable, Codable {
    /// Identity types a profile may hold only one value of. A link that would give a profile a second value is
    /// refused and recorded. Defaults to the brand user id and the member card number: two different logins or
    /// two member cards meeting on one device is a shared device, not one person.
    public var uniqueIdentityTypes: [String]

    /// The brand's offset from UTC, in seconds: fixes "today" for birthday conditions and reads date traits written
    /// without an offset. Defaults to China Standard Time (+08:00), where every 私域 brand's customers live.
    public var utcOffsetSeconds: Int

    public static let defaultUniqueIdentityTypes = [IdentityType.userID, IdentityType.memberID]
    public static let defaultUTCOffsetSeconds = 8 * 3600
    /// Real offsets run from −12:00 to +14:00.
    public static let utcOffsetRange = -12 * 3600...14 * 3600

    public init(
        uniqueIdentityTypes: [String] = WorkspaceSettings.defaultUniqueIdentityTypes,
        utcOffsetSeconds: Int = WorkspaceSettings.defaultUTCOffsetSeconds
    ) {
        self.uniqueIdentityTypes = uniqueIdentityTypes
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    private enum CodingKeys: String, CodingKey { case uniqueIdentityTypes, utcOffsetSeconds }

    /// Settings stored before a field existed decode with its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            uniqueIdentityTypes: try container.decodeIfPresent([String].self, forKey: .uniqueIdentityTypes)
                ?? Self.defaultUniqueIdentityTypes,
            utcOffsetSeconds: try container.decodeIfPresent(Int.self, forKey: .utcOffsetSeconds)
                ?? Self.defaultUTCOffsetSeconds)
    }
}

/// A credential. Only a hash of the secret is stored; the secret is shown once, when the key is created.
public struct APIKey: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Sends tracking data (safe to embed in a mini program or POS).
        case write
        /// Reads and manages one workspace through the management API.
        case admin
    }

    public var id: String
    public var workspaceID: String
    public var kind: Kind
    public var name: String
    /// Where data sent with this key comes from ("mini-program", "pos-shanghai-01"); recorded on each event.
    public var source: String
    /// The default channel of events sent with this key ("mini_program", "wecom", "offline_store", "tmall").
    public var channel: String
    /// The first characters of the secret, so an operator can tell keys apart without seeing them.
    public var prefix: String
    public var createdAt: Instant
    public var revokedAt: Instant?

    public init(
        id: String, workspaceID: String, kind: Kind, name: String, source: String, channel: String, prefix: String,
        createdAt: Instant, revokedAt: Instant? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.name = name
        self.source = source
        self.channel = channel
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

extension Workspace {
    /// A workspace's name: 1 to 200 characters, trimmed.
    public static func name(_ raw: String) throws(DefinitionError) -> String {
        let name = raw.trimmingASCIIWhitespace()
        guard (1...200).contains(name.count) else { throw .invalid("'name' must be 1 to 200 characters") }
        return name
    }
}

extension WorkspaceSettings {
    public static let maximumUniqueIdentityTypes = 20

    /// Refuses settings no brand can mean: too many unique types, a type that is not an identity type, an offset that
    /// is no real time zone's (whole quarter hours from −12:00 to +14:00).
    public func validate() throws(DefinitionError) {
        guard uniqueIdentityTypes.count <= Self.maximumUniqueIdentityTypes else {
            throw .invalid("'uniqueIdentityTypes' must be an array of at most \(Self.maximumUniqueIdentityTypes) identity types")
        }
        if let type = uniqueIdentityTypes.first(where: { !IdentityRules.isValidType($0) }) {
            throw .invalid("\"\(type)\" is not a valid identity type (lower snake case, optional ':namespace')")
        }
        guard Self.utcOffsetRange.contains(utcOffsetSeconds), utcOffsetSeconds % 900 == 0 else {
            throw .invalid(
                "'utcOffsetSeconds' must be a whole number of quarter hours between -43200 and 50400 (China: 28800)")
        }
    }
}
