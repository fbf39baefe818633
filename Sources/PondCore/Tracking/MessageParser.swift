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
    public func parse(body: [UInt8], endpoint type: MessageType?, receivedAt: Instant) throws(IngestError) -> ParsedRequest {
        guard body.count <= limits.maximumBatchBytes else {
            throw IngestError(.payloadTooLarge, "request body is \(body.count) bytes; the limit is \(limits.maximumBatchBytes)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw IngestError(.invalidJSON, "body is not valid JSON: \(error)")
        }
        guard case .object(let root) = document else {
            throw IngestError(.invalidJSON, "body must be a JSON object, got \(document.kindName)")
        }
        let writeKey = root["writeKey"]?.stringValue
        if let type {
            let message = try parseMessage(root, type: type, batchContext: nil, batchSentAt: nil, receivedAt: receivedAt)
            return ParsedRequest(writeKey: writeKey, messages: [message])
        }
        guard let batchValue = root["batch"] else { throw IngestError(.invalidMessage, "'batch' is required") }
        guard case .array(let items) = batchValue else {
            throw IngestError(.invalidMessage, "'batch' must be an array, got \(batchValue.kindName)")
        }
        guard items.count <= limits.maximumBatchMessages else {
            throw IngestError(.payloadTooLarge, "batch has \(items.count) messages; the limit is \(limits.maximumBatchMessages)")
        }
        let batchContext = try optionalObject(root, "context")
        let batchSentAt = try optionalTime(root, "sentAt")
        var messages: [TrackingMessage] = []
        messages.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                throw IngestError(.invalidMessage, "message must be an object, got \(item.kindName)").at(index: index)
            }
            guard let typeName = object["type"]?.stringValue else {
                throw IngestError(.invalidMessage, "'type' is required").at(index: index)
            }
            guard let type = MessageType(rawValue: typeName) else {
                throw IngestError(.invalidMessage, "unknown type '\(typeName)'").at(index: index)
            }
            do {
                messages.append(
                    try parseMessage(object, type: type, batchContext: batchContext, batchSentAt: batchSentAt, receivedAt: receivedAt))
            } catch {
                throw error.at(index: index)
            }
        }
        return ParsedRequest(writeKey: writeKey, messages: messages)
    }

    public struct ParsedRequest: Sendable {
        public var writeKey: String?
        public var messages: [TrackingMessage]
    }

    func parseMessage(
        _ object: [String: JSONValue], type: MessageType, batchContext: [String: JSONValue]?, batchSentAt: Instant?,
        receivedAt: Instant
    ) throws(IngestError) -> TrackingMessage {
        var payload = object
        payload.removeValue(forKey: "writeKey")
        payload["type"] = .string(type.rawValue)

        let userID = try optionalID(object, "userId")
        let anonymousID = try optionalID(object, "anonymousId")
        let messageID = try optionalID(object, "messageId") ?? generateMessageID()
        guard messageID.utf8.count <= 256 else { throw IngestError(.invalidMessage, "'messageId' is longer than 256 bytes") }
        payload["messageId"] = .string(messageID)

        for key in ["properties", "traits"] {
            _ = try optionalObject(object, key)
        }
        var context = try optionalObject(object, "context") ?? [:]
        if let batchContext { context.merge(batchContext) { own, _ in own } }
        if !context.isEmpty { payload["context"] = .object(context) }
        if let traits = context["traits"], !traits.isNull, traits.objectValue == nil {
            throw IngestError(.invalidMessage, "'context.traits' must be an object, got \(traits.kindName)")
        }

        var event: String?
        var previousID: String?
        var groupID: String?
        switch type {
        case .track:
            guard let name = try optionalString(object, "event"), !name.isEmpty else {
                throw IngestError(.invalidMessage, "track requires a non-empty 'event'")
            }
            guard name.utf8.count <= 200 else { throw IngestError(.invalidMessage, "'event' is longer than 200 bytes") }
            event = name
        case .page, .screen:
            event = try optionalString(object, "name")
        case .alias:
            guard let previous = try optionalID(object, "previousId"), !IdentityRules.isJunk(previous) else {
                throw IngestError(.invalidMessage, "alias requires a 'previousId'")
            }
            previousID = previous
            payload["previousId"] = .string(previous)
        case .group:
            guard let group = try optionalID(object, "groupId") else {
                throw IngestError(.invalidMessage, "group requires a 'groupId'")
            }
            groupID = group
            payload["groupId"] = .string(group)
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
        payload["userId"] = usableUser.map(JSONValue.string) ?? .null
        payload["anonymousId"] = usableAnonymous.map(JSONValue.string) ?? .null

        let original = try optionalTime(object, "timestamp")
        let sentAt = try optionalTime(object, "sentAt") ?? batchSentAt
        let timestamp = Self.correctedTimestamp(original: original, sentAt: sentAt, receivedAt: receivedAt)
        payload["timestamp"] = .string(ISO8601.format(timestamp))
        payload["receivedAt"] = .string(ISO8601.format(receivedAt))
        if let original { payload["originalTimestamp"] = .string(ISO8601.format(original)) }
        if let sentAt { payload["sentAt"] = .string(ISO8601.format(sentAt)) }

        let encoded = JSONWriter.bytes(.object(payload))
        guard encoded.count <= limits.maximumMessageBytes else {
            throw IngestError(.messageTooLarge, "message is \(encoded.count) bytes; the limit is \(limits.maximumMessageBytes)")
        }
        var message = TrackingMessage(
            type: type, messageID: messageID, userID: usableUser, anonymousID: usableAnonymous, event: event,
            previousID: previousID, groupID: groupID, timestamp: timestamp, receivedAt: receivedAt, payload: payload)
        message.encodedPayload = String(decoding: encoded, as: UTF8.self)
        return message
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

    private func optionalID(_ object: [String: JSONValue], _ key: String) throws(IngestError) -> String? {
        switch object[key] {
        case nil, .null: return nil
        case .string(let s):
            let trimmed = s.trimmingASCIISpaces()
            return trimmed.isEmpty ? nil : trimmed
        case .int(let i): return String(i)
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return String(Int64(d))
        case let other?: throw IngestError(.invalidMessage, "'\(key)' must be a string, got \(other.kindName)")
        }
    }

    private func optionalString(_ object: [String: JSONValue], _ key: String) throws(IngestError) -> String? {
        switch object[key] {
        case nil, .null: return nil
        case .string(let s): return s
        case let other?: throw IngestError(.invalidMessage, "'\(key)' must be a string, got \(other.kindName)")
        }
    }

    private func optionalObject(_ object: [String: JSONValue], _ key: String) throws(IngestError) -> [String: JSONValue]? {
        switch object[key] {
        case nil, .null: return nil
        case .object(let o): return o
        case let other?: throw IngestError(.invalidMessage, "'\(key)' must be an object, got \(other.kindName)")
        }
    }

    private func optionalTime(_ object: [String: JSONValue], _ key: String) throws(IngestError) -> Instant? {
        switch object[key] {
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
