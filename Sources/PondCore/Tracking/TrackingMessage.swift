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
    private var stored: Payload

    /// A payload is held as whichever form it was made in. The tracking API writes the stored text directly and
    /// never needs the tree (`MessageParser`); stitching and imports work with the tree. Each form is made from
    /// the other only when asked for.
    private enum Payload: Sendable {
        case tree([String: JSONValue])
        case text(String, contextChannel: String?)
    }

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
        stored = .tree(payload)
    }

    /// A message whose payload is already the JSON text of an object, with its `context.channel` read from it.
    init(
        type: MessageType, messageID: String, userID: String?, anonymousID: String?, event: String?, previousID: String?,
        groupID: String?, timestamp: Instant, receivedAt: Instant, payloadJSON: String, contextChannel: String?
    ) {
        self.init(
            type: type, messageID: messageID, userID: userID, anonymousID: anonymousID, event: event,
            previousID: previousID, groupID: groupID, timestamp: timestamp, receivedAt: receivedAt, payload: [:])
        stored = .text(payloadJSON, contextChannel: contextChannel)
    }

    public var payload: [String: JSONValue] {
        get {
            switch stored {
            case .tree(let tree): tree
            case .text(let text, _): (try? JSONParser.parseStored(text))?.objectValue ?? [:]
            }
        }
        set { stored = .tree(newValue) }
    }

    /// The payload as stored.
    public var payloadJSON: String {
        switch stored {
        case .tree(let tree): JSONWriter.string(.object(tree))
        case .text(let text, _): text
        }
    }

    /// `context.channel` when it is a string: the touchpoint the message says it came from.
    public var contextChannel: String? {
        switch stored {
        case .tree(let tree): tree["context"]?.objectValue?["channel"]?.stringValue
        case .text(_, let channel): channel
        }
    }

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
