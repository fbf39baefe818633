/// Turns request bodies of the Segment HTTP tracking API into `TrackingMessage`s.
///
/// The rules follow what the official Segment and RudderStack SDKs send, because they are the clients brands
/// already have: `userId`/`anonymousId` may be JSON null or numbers; batch-level `context` and `sentAt` apply to
/// every message; a missing `messageId` gets one generated (such a message cannot be deduplicated, so the SDKs
/// always send one). A batch is all-or-nothing: the first invalid message rejects the request, naming its index,
/// so a client never has to guess which half was stored.
public struct MessageParser: Sendable {
    public struct Limits: Sendable {
        public var maximumMessageBytes: Int
        public var maximumBatchBytes: Int
        public var maximumBatchMessages: Int

        public init(maximumMessageBytes: Int = 32 * 1024, maximumBatchBytes: Int = 500 * 1024, maximumBatchMessages: Int = 2_500) {
            self.maximumMessageBytes = maximumMessageBytes
            self.maximumBatchBytes = maximumBatchBytes
            self.maximumBatchMessages = maximumBatchMessages
        }
    }

    public var limits: Limits
    public var generateMessageID: @Sendable () -> String

    public init(limits: Limits = Limits(), generateMessageID: @escaping @Sendable () -> String) {
        self.limits = limits
        self.generateMessageID = generateMessageID
    }

    /// Parses the body of `/v1/batch` (`type == nil`) or of a single-call endpoint such as `/v1/track`.
    ///
    /// The body is read with a `JSONReader`, not into a tree: a message's stored text is made from the client's
    /// own (validated, compact) text of the members Pond does not interpret, with the members it does rewritten.
    /// JSON errors anywhere in the body are reported before any rule of the API, as with a parse up front.
    public func parse(body: [UInt8], endpoint type: MessageType?, receivedAt: Instant) throws(IngestError) -> ParsedRequest {
        guard body.count <= limits.maximumBatchBytes else {
            throw IngestError(.payloadTooLarge, "request body is \(body.count) bytes; the limit is \(limits.maximumBatchBytes)")
        }
        var reader = BodyReader(JSONReader(body))
        let kind = try reader.kind()
        guard kind == .object else {
            try reader.skipValue(depth: 0)
            try reader.end()
            throw IngestError(.invalidJSON, "body must be a JSON object, got \(kind.name)")
        }
        if let type {
            var members = MessageMembers(parsingContext: false)
            try members.read(&reader, depth: 0)
            try reader.end()
            let message = try parseMessage(members, type: type, batchContext: nil, batchSentAt: nil, receivedAt: receivedAt)
            return ParsedRequest(writeKey: members.value("writeKey")?.stringValue, messages: [message])
        }
        return try parseBatch(&reader, receivedAt: receivedAt)
    }

    public struct ParsedRequest: Sendable {
        public var writeKey: String?
        public var messages: [TrackingMessage]
    }

    /// The batch-level members can follow `batch` (Python's `json.dumps` writes `sentAt` after it), so a first
    /// pass validates the whole body, reads them and counts the messages; a second reads the messages.
    private func parseBatch(_ reader: inout BodyReader, receivedAt: Instant) throws(IngestError) -> ParsedRequest {
        var root: [String: JSONValue] = [:]
        var batch: (offset: Int, kind: JSONReader.Kind, count: Int)?
        try reader.enterObject(depth: 0)
        var first = true
        while let key = try reader.nextMember(first: &first) {
            switch key {
            case "batch":
                let offset = reader.offset
                let kind = try reader.kind()
                var count = 0
                if kind == .array {
                    try reader.enterArray(depth: 1)
                    var firstElement = true
                    while try reader.nextElement(first: &firstElement) {
                        try reader.skipValue(depth: 2)
                        count += 1
                    }
                } else {
                    try reader.skipValue(depth: 1)
                }
                batch = (offset, kind, count)
            case "context", "sentAt", "writeKey":
                root[key] = try reader.value(depth: 1)
            default:
                try reader.skipValue(depth: 1)
            }
        }
        try reader.end()

        let writeKey = root["writeKey"]?.stringValue
        guard let batch else { throw IngestError(.invalidMessage, "'batch' is required") }
        guard batch.kind == .array else { throw IngestError(.invalidMessage, "'batch' must be an array, got \(batch.kind.name)") }
        guard batch.count <= limits.maximumBatchMessages else {
            throw IngestError(.payloadTooLarge, "batch has \(batch.count) messages; the limit is \(limits.maximumBatchMessages)")
        }
        let batchContext = try optionalObject(root["context"], "context")
        let batchSentAt = try optionalTime(root["sentAt"], "sentAt")
        // Merging a batch-level context into each message's needs the message's context as a value.
        var members = MessageMembers(parsingContext: batchContext != nil)
        var messages: [TrackingMessage] = []
        messages.reserveCapacity(batch.count)
        reader.offset = batch.offset
        try reader.enterArray(depth: 1)
        var firstElement = true
        while try reader.nextElement(first: &firstElement) {
            let index = messages.count
            let kind = try reader.kind()
            guard kind == .object else {
                throw IngestError(.invalidMessage, "message must be an object, got \(kind.name)").at(index: index)
            }
            try members.read(&reader, depth: 2)
            guard let typeName = members.value("type")?.stringValue else {
                throw IngestError(.invalidMessage, "'type' is required").at(index: index)
            }
            guard let type = MessageType(rawValue: typeName) else {
                throw IngestError(.invalidMessage, "unknown type '\(typeName)'").at(index: index)
            }
            do {
                messages.append(
                    try parseMessage(members, type: type, batchContext: batchContext, batchSentAt: batchSentAt, receivedAt: receivedAt))
            } catch {
                throw error.at(index: index)
            }
        }
        return ParsedRequest(writeKey: writeKey, messages: messages)
    }

    func parseMessage(
        _ members: MessageMembers, type: MessageType, batchContext: [String: JSONValue]?, batchSentAt: Instant?,
        receivedAt: Instant
    ) throws(IngestError) -> TrackingMessage {
        var payload = members.payload()
        payload.remove("writeKey")
        payload.set("type", .string(type.rawValue))

        let userID = try optionalID(members.value("userId"), "userId")
        let anonymousID = try optionalID(members.value("anonymousId"), "anonymousId")
        let messageID = try optionalID(members.value("messageId"), "messageId") ?? generateMessageID()
        guard messageID.utf8.count <= 256 else { throw IngestError(.invalidMessage, "'messageId' is longer than 256 bytes") }
        payload.set("messageId", .string(messageID))

        for key in ["properties", "traits"] {
            if let kind = members.kind(key), kind != .object, kind != .null {
                throw IngestError(.invalidMessage, "'\(key)' must be an object, got \(kind.name)")
            }
        }
        let contextChannel: String?
        if let batchContext {
            var context = try optionalObject(members.value("context"), "context") ?? [:]
            context.merge(batchContext) { own, _ in own }
            if !context.isEmpty { payload.set("context", .object(context)) }
            if let traits = context["traits"], !traits.isNull, traits.objectValue == nil {
                throw IngestError(.invalidMessage, "'context.traits' must be an object, got \(traits.kindName)")
            }
            contextChannel = context["channel"]?.stringValue
        } else {
            if let kind = members.kind("context"), kind != .object, kind != .null {
                throw IngestError(.invalidMessage, "'context' must be an object, got \(kind.name)")
            }
            let context = members.contextMembers()
            if let kind = context.traits, kind != .object, kind != .null {
                throw IngestError(.invalidMessage, "'context.traits' must be an object, got \(kind.name)")
            }
            contextChannel = context.channel
        }

        var event: String?
        var previousID: String?
        var groupID: String?
        switch type {
        case .track:
            guard let name = try optionalString(members.value("event"), "event"), !name.isEmpty else {
                throw IngestError(.invalidMessage, "track requires a non-empty 'event'")
            }
            guard name.utf8.count <= 200 else { throw IngestError(.invalidMessage, "'event' is longer than 200 bytes") }
            event = name
        case .page, .screen:
            event = try optionalString(members.value("name"), "name")
        case .alias:
            guard let previous = try optionalID(members.value("previousId"), "previousId"), !IdentityRules.isJunk(previous) else {
                throw IngestError(.invalidMessage, "alias requires a 'previousId'")
            }
            previousID = previous
            payload.set("previousId", .string(previous))
        case .group:
            guard let group = try optionalID(members.value("groupId"), "groupId") else {
                throw IngestError(.invalidMessage, "group requires a 'groupId'")
            }
            groupID = group
            payload.set("groupId", .string(group))
        case .identify:
            break
        }

        for (key, id) in [("userId", userID), ("anonymousId", anonymousID)] where (id?.utf8.count ?? 0) > IdentityRules.maximumValueLength {
            throw IngestError(.invalidMessage, "'\(key)' is longer than \(IdentityRules.maximumValueLength) bytes")
        }
        let usableUser = userID.flatMap { IdentityRules.isJunk($0) ? nil : $0 }
        let usableAnonymous = anonymousID.flatMap { IdentityRules.isJunk($0) ? nil : $0 }
        if usableUser == nil, usableAnonymous == nil {
            throw IngestError(.missingIdentity, "a usable 'userId' or 'anonymousId' is required (placeholders like \"null\" or \"0\" are not ids)")
        }
        if type == .alias, usableUser == nil {
            throw IngestError(.missingIdentity, "alias requires a usable 'userId'")
        }
        payload.set("userId", usableUser.map(JSONValue.string) ?? .null)
        payload.set("anonymousId", usableAnonymous.map(JSONValue.string) ?? .null)

        let original = try optionalTime(members.value("timestamp"), "timestamp")
        let sentAt = try optionalTime(members.value("sentAt"), "sentAt") ?? batchSentAt
        let timestamp = Self.correctedTimestamp(original: original, sentAt: sentAt, receivedAt: receivedAt)
        payload.set("timestamp", .string(ISO8601.format(timestamp)))
        payload.set("receivedAt", .string(ISO8601.format(receivedAt)))
        if let original { payload.set("originalTimestamp", .string(ISO8601.format(original))) }
        if let sentAt { payload.set("sentAt", .string(ISO8601.format(sentAt))) }

        let encoded = payload.encoded()
        guard encoded.count <= limits.maximumMessageBytes else {
            throw IngestError(.messageTooLarge, "message is \(encoded.count) bytes; the limit is \(limits.maximumMessageBytes)")
        }
        return TrackingMessage(
            type: type, messageID: messageID, userID: usableUser, anonymousID: usableAnonymous, event: event,
            previousID: previousID, groupID: groupID, timestamp: timestamp, receivedAt: receivedAt,
            payloadJSON: String(decoding: encoded, as: UTF8.self), contextChannel: contextChannel)
    }

    /// Client clocks are wrong (phones set by hand, POS boxes that never synced). The SDK stamps `sentAt` with the
    /// same wrong clock as `timestamp`, so the offset between them is trustworthy even when both are off:
    /// `timestamp = receivedAt − (sentAt − timestamp)`. A result in the future is clamped to `receivedAt`.
    public static func correctedTimestamp(original: Instant?, sentAt: Instant?, receivedAt: Instant) -> Instant {
        guard let original else { return receivedAt }
        guard let sentAt else { return min(original, receivedAt) }
        let corrected = receivedAt.adding(milliseconds: -(sentAt.millisecondsSinceEpoch - original.millisecondsSinceEpoch))
        return min(corrected, receivedAt)
    }

    private func optionalID(_ value: JSONValue?, _ key: String) throws(IngestError) -> String? {
        switch value {
        case nil, .null: return nil
        case .string(let s):
            let trimmed = s.trimmingASCIISpaces()
            return trimmed.isEmpty ? nil : trimmed
        case .int(let i): return String(i)
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return String(Int64(d))
        case let other?: throw IngestError(.invalidMessage, "'\(key)' must be a string, got \(other.kindName)")
        }
    }

    private func optionalString(_ value: JSONValue?, _ key: String) throws(IngestError) -> String? {
        switch value {
        case nil, .null: return nil
        case .string(let s): return s
        case let other?: throw IngestError(.invalidMessage, "'\(key)' must be a string, got \(other.kindName)")
        }
    }

    private func optionalObject(_ value: JSONValue?, _ key: String) throws(IngestError) -> [String: JSONValue]? {
        switch value {
        case nil, .null: return nil
        case .object(let o): return o
        case let other?: throw IngestError(.invalidMessage, "'\(key)' must be an object, got \(other.kindName)")
        }
    }

    private func optionalTime(_ value: JSONValue?, _ key: String) throws(IngestError) -> Instant? {
        switch value {
        case nil, .null: return nil
        case .string(let s):
            guard let instant = ISO8601.parse(s) else {
                throw IngestError(.invalidMessage, "'\(key)' is not an ISO 8601 date: '\(s.prefix(40))'")
            }
            return instant
        case let other?: throw IngestError(.invalidMessage, "'\(key)' must be an ISO 8601 string, got \(other.kindName)")
        }
    }
}
