/// The Segment-spec call types Pond accepts.
public enum MessageType: String, Sendable, CaseIterable, Codable {
    case identify, track, page, screen, group, alias
}

/// One accepted tracking message, validated and with its timestamp corrected.
///
/// `payload` is the whole message as it will be stored and shown on the timeline: the client's fields plus the
/// server's (`receivedAt`, the corrected `timestamp`, `originalTimestamp`, a generated `messageId`), so nothing the
/// client sent is lost even when Pond does not model it yet.
public struct TrackingMessage: Sendable {
    public var type: MessageType
    public var messageID: String
    public var userID: String?
    public var anonymousID: String?
    /// `event` for track, `name` for page/screen.
    public var event: String?
    public var previousID: String?
    public var groupID: String?
    public var timestamp: Instant
    public var receivedAt: Instant
    public var payload: [String: JSONValue]
    /// `payload` already serialised, when the parser had to serialise it anyway (to enforce the size limit); saves
    /// the event log a second serialisation on the ingestion hot path. Not part of equality.
    public var encodedPayload: String?

    public init(
        type: MessageType, messageID: String, userID: String? = nil, anonymousID: String? = nil, event: String? = nil,
        previousID: String? = nil, groupID: String? = nil, timestamp: Instant, receivedAt: Instant,
        payload: [String: JSONValue]
    ) {
        self.type = type
        self.messageID = messageID
        self.userID = userID
        self.anonymousID = anonymousID
        self.event = event
        self.previousID = previousID
        self.groupID = groupID
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.payload = payload
    }

    /// The payload as stored: the cached serialisation if there is one.
    public var payloadJSON: String { encodedPayload ?? JSONWriter.string(.object(payload)) }

    public var properties: [String: JSONValue] { payload["properties"]?.objectValue ?? [:] }
    public var context: [String: JSONValue] { payload["context"]?.objectValue ?? [:] }

    /// Traits that describe the *person*. For `identify` they are the top-level `traits` (Segment) merged with
    /// `context.traits` (where RudderStack's SDKs put them); for every other call only `context.traits`, because a
    /// `group` call's top-level traits describe the group, not the person.
    public var personTraits: [String: JSONValue] {
        var traits = context["traits"]?.objectValue ?? [:]
        if type == .identify, let top = payload["traits"]?.objectValue {
            traits.merge(top) { _, top in top }
        }
        return traits
    }
}

extension TrackingMessage: Equatable {
    public static func == (lhs: TrackingMessage, rhs: TrackingMessage) -> Bool {
        lhs.type == rhs.type && lhs.messageID == rhs.messageID && lhs.userID == rhs.userID
            && lhs.anonymousID == rhs.anonymousID && lhs.event == rhs.event && lhs.previousID == rhs.previousID
            && lhs.groupID == rhs.groupID && lhs.timestamp == rhs.timestamp && lhs.receivedAt == rhs.receivedAt
            && lhs.payload == rhs.payload
    }
}

extension TrackingMessage {
    /// Rebuilds a message from the payload stored in the event log (the log keeps payloads, not columns, as the
    /// record of what was accepted).
    public init?(storedPayload payload: [String: JSONValue]) {
        guard let typeName = payload["type"]?.stringValue, let type = MessageType(rawValue: typeName),
            let messageID = payload["messageId"]?.stringValue,
            let timestamp = payload["timestamp"]?.stringValue.flatMap({ ISO8601.parse($0) }),
            let receivedAt = payload["receivedAt"]?.stringValue.flatMap({ ISO8601.parse($0) })
        else { return nil }
        let event: String? =
            switch type {
            case .track: payload["event"]?.stringValue
            case .page, .screen: payload["name"]?.stringValue
            default: nil
            }
        self.init(
            type: type, messageID: messageID, userID: payload["userId"]?.stringValue,
            anonymousID: payload["anonymousId"]?.stringValue, event: event, previousID: payload["previousId"]?.stringValue,
            groupID: payload["groupId"]?.stringValue, timestamp: timestamp, receivedAt: receivedAt, payload: payload)
    }
}
