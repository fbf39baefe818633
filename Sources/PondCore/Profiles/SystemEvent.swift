/// Pond's own entries on a profile's timeline — tag added or removed, RFM layer or lifecycle stage changed — with
/// the properties that say what changed and why. The decisions of what becomes an entry, and its wording, are
/// made here and by the folds that build them; the store only writes them (as `track` events on the `pond`
/// channel, so they count in `performed` conditions and reach journeys like any other event).
public struct SystemEvent: Sendable, Equatable {
    public static let tagAdded = "Tag Added"
    public static let tagRemoved = "Tag Removed"
    public static let stageChanged = "Lifecycle Stage Changed"
    public static let layerChanged = "RFM Layer Changed"

    public var profileID: Int64
    public var name: String
    public var properties: [String: JSONValue]

    public init(profileID: Int64, name: String, properties: [String: JSONValue]) {
        self.profileID = profileID
        self.name = name
        self.properties = properties
    }

    /// A profile's layer changed to `score`'s (from none when it is newly scored).
    public static func layerChanged(_ profileID: Int64, from: String?, to score: RFMScore) -> SystemEvent {
        SystemEvent(
            profileID: profileID, name: layerChanged,
            properties: [
                "from": from.map(JSONValue.string) ?? .null, "to": .string(score.layer.id),
                "toName": .string(score.layer.chineseName), "cell": .string(score.cell),
            ])
    }

    /// A profile lost its layer: no order left in the window.
    public static func layerDropped(_ profileID: Int64, from: String, reason: String) -> SystemEvent {
        SystemEvent(
            profileID: profileID, name: layerChanged, properties: ["from": .string(from), "to": .null, "reason": .string(reason)])
    }

    /// A profile's lifecycle stage changed (from none on its first evaluation), with the rule that moved it.
    public static func stageChanged(_ stage: StoredStage, from: LifecycleStage?) -> SystemEvent {
        SystemEvent(
            profileID: stage.profileID, name: stageChanged,
            properties: [
                "from": from.map { .string($0.rawValue) } ?? .null, "to": .string(stage.stage.rawValue),
                "toName": .string(stage.stage.chineseName), "rule": .string(stage.rule), "reason": .string(stage.reason),
            ])
    }
}

extension SystemEvent {
    public static let consentGranted = "Consent Granted"
    public static let consentRevoked = "Consent Revoked"

    /// A consent answer on the timeline: what was answered, on which channel, under which notice, from where.
    /// Evidence stays in the ledger: it may hold a form submission or a phone number, which the timeline — read
    /// by every operator and exported to audiences — has no need of.
    public static func consent(_ record: ConsentRecord, profileID: Int64) -> SystemEvent {
        var properties: [String: JSONValue] = [
            "purpose": .string(record.purpose.rawValue), "channel": .string(record.channel.rawValue),
            "source": .string(record.entry.source),
        ]
        if let notice = record.entry.noticeVersion { properties["noticeVersion"] = .string(notice) }
        return SystemEvent(
            profileID: profileID, name: record.entry.action == .grant ? consentGranted : consentRevoked,
            properties: properties)
    }
}
