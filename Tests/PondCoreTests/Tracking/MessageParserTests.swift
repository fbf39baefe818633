import PondCore
import Testing

@Suite("Message parser")
struct MessageParserTests {
    /// 2026-11-22T04:16:24.000Z.
    static let receivedAt = Instant(millisecondsSinceEpoch: 1_795_320_984_000)

    let parser = MessageParser(generateMessageID: { "generated-id" })

    private func parse(
        _ body: JSONValue, endpoint: MessageType? = nil, limits: MessageParser.Limits = .init()
    ) throws(IngestError) -> MessageParser.ParsedRequest {
        var parser = parser
        parser.limits = limits
        return try parser.parse(body: JSONWriter.bytes(body), endpoint: endpoint, receivedAt: Self.receivedAt)
    }

    private func parseOne(_ body: JSONValue, endpoint: MessageType = .track) throws -> TrackingMessage {
        let messages = try parse(body, endpoint: endpoint).messages
        #expect(messages.count == 1)
        return try #require(messages.first)
    }

    private func failure(_ body: JSONValue, endpoint: MessageType? = nil, limits: MessageParser.Limits = .init()) throws
        -> IngestError
    {
        try #require(throws: IngestError.self) { try parse(body, endpoint: endpoint, limits: limits) }
    }

    /// A batch whose second message (index 1) is `bad`; the first is valid.
    private func batchWithBadSecond(_ bad: JSONValue) -> JSONValue {
        ["batch": [["type": "track", "event": "Viewed", "userId": "u1"], bad]]
    }

    // MARK: Endpoints

    @Test("a single-call endpoint parses its body as one message of the endpoint's type")
    func singleEndpoint() throws {
        let message = try parseOne(["type": "identify", "event": "Viewed", "userId": "u1"], endpoint: .track)
        #expect(message.type == .track)
        #expect(message.event == "Viewed")
        #expect(message.payload["type"] == "track")
    }

    @Test("the batch endpoint parses every message in order, each with its own type")
    func batchEndpoint() throws {
        let request = try parse([
            "batch": [
                ["type": "identify", "userId": "u1", "traits": ["name": "王静"]],
                ["type": "track", "event": "Order Completed", "userId": "u1"],
                ["type": "page", "name": "首页", "anonymousId": "a1"],
            ],
        ])
        #expect(request.messages.map(\.type) == [.identify, .track, .page])
        #expect(request.messages.map(\.event) == [nil, "Order Completed", "首页"])
    }

    @Test("the write key is read from the body and not kept in the stored payload")
    func writeKey() throws {
        let single = try parse(["writeKey": "wk_1", "event": "Viewed", "userId": "u1"], endpoint: .track)
        #expect(single.writeKey == "wk_1")
        #expect(single.messages.first?.payload["writeKey"] == nil)
        let batch = try parse(["writeKey": "wk_2", "batch": [["type": "track", "event": "e", "userId": "u1", "writeKey": "x"]]])
        #expect(batch.writeKey == "wk_2")
        #expect(batch.messages.first?.payload["writeKey"] == nil)
    }

    @Test("a batch without 'batch' or with a non-array 'batch' is refused", arguments: [
        JSONValue.object(["type": "track"]), ["batch": ["type": "track"]], ["batch": "[]"],
    ])
    func batchMustBeArray(body: JSONValue) throws {
        #expect(try failure(body).code == .invalidMessage)
    }

    @Test("an empty batch is accepted and holds no messages")
    func emptyBatch() throws {
        #expect(try parse(["batch": []]).messages.isEmpty)
    }

    @Test("batch-level context applies to every message; a message's own context keys win")
    func batchContext() throws {
        let request = try parse([
            "context": ["library": ["name": "analytics-python"], "ip": "10.0.0.1"],
            "batch": [
                ["type": "track", "event": "e", "userId": "u1", "context": ["ip": "10.0.0.2"]],
                ["type": "track", "event": "e", "userId": "u1"],
            ],
        ])
        let contexts = request.messages.map(\.context)
        #expect(contexts[0] == ["library": ["name": "analytics-python"], "ip": "10.0.0.2"])
        #expect(contexts[1] == ["library": ["name": "analytics-python"], "ip": "10.0.0.1"])
    }

    @Test("batch-level sentAt applies to messages without their own")
    func batchSentAt() throws {
        let request = try parse([
            "sentAt": "2026-11-22T05:16:30.000Z",
            "batch": [
                ["type": "track", "event": "e", "userId": "u1", "timestamp": "2026-11-22T05:15:00.000Z"],
                [
                    "type": "track", "event": "e", "userId": "u1", "timestamp": "2026-11-22T05:15:00.000Z",
                    "sentAt": "2026-11-22T05:15:10.000Z",
                ],
            ],
        ])
        // 90 s and 10 s before sending, by the client's clock.
        #expect(request.messages.map(\.timestamp.millisecondsSinceEpoch) == [1_795_320_894_000, 1_795_320_974_000])
        #expect(request.messages.map { $0.payload["sentAt"] } == ["2026-11-22T05:16:30.000Z", "2026-11-22T05:15:10.000Z"])
    }

    // MARK: Time

    @Test("a wrong client clock is corrected: timestamp = receivedAt − (sentAt − timestamp)")
    func clockSkewCorrection() throws {
        // The client's clock is about an hour fast; the event happened 90 s before the batch was sent.
        let message = try parseOne([
            "event": "e", "userId": "u1", "timestamp": "2026-11-22T05:15:00.000Z", "sentAt": "2026-11-22T05:16:30.000Z",
        ])
        #expect(message.timestamp.millisecondsSinceEpoch == 1_795_320_894_000)
        #expect(message.payload["timestamp"] == "2026-11-22T04:14:54.000Z")
        #expect(message.payload["originalTimestamp"] == "2026-11-22T05:15:00.000Z")
        #expect(message.payload["receivedAt"] == "2026-11-22T04:16:24.000Z")
        #expect(message.receivedAt == Self.receivedAt)
    }

    @Test("a timestamp in the future without sentAt is clamped to receivedAt")
    func futureTimestampClamped() throws {
        let message = try parseOne(["event": "e", "userId": "u1", "timestamp": "2027-01-01T00:00:00Z"])
        #expect(message.timestamp == Self.receivedAt)
        #expect(message.payload["originalTimestamp"] == "2027-01-01T00:00:00.000Z")
    }

    @Test("a timestamp later than its sentAt is clamped to receivedAt")
    func timestampAfterSentAtClamped() throws {
        let message = try parseOne([
            "event": "e", "userId": "u1", "timestamp": "2026-11-22T04:00:05Z", "sentAt": "2026-11-22T04:00:00Z",
        ])
        #expect(message.timestamp == Self.receivedAt)
    }

    @Test("a past timestamp without sentAt is kept as sent")
    func pastTimestampKept() throws {
        let message = try parseOne(["event": "e", "userId": "u1", "timestamp": "2026-11-22 12:00:00+08:00"])
        #expect(message.timestamp.millisecondsSinceEpoch == 1_795_320_984_000 - 984_000)
    }

    @Test("a message without a timestamp happened when it was received")
    func missingTimestamp() throws {
        let message = try parseOne(["event": "e", "userId": "u1", "sentAt": "2026-11-22T05:16:30.000Z"])
        #expect(message.timestamp == Self.receivedAt)
        #expect(message.payload["originalTimestamp"] == nil)
        #expect(message.payload["timestamp"] == "2026-11-22T04:16:24.000Z")
    }

    @Test("skew correction as a rule", arguments: [
        // (original, sentAt, expected) in ms relative to receivedAt = 1_000_000.
        (Int64?.none, Int64?.some(990_000), Int64(1_000_000)),
        (500_000, nil, 500_000),
        (1_500_000, nil, 1_000_000),
        (5_000_000, 5_060_000, 940_000),
        (10_000, 70_000, 940_000),
        (5_060_001, 5_060_000, 1_000_000),
    ])
    func correctedTimestamp(original: Int64?, sentAt: Int64?, expected: Int64) {
        let corrected = MessageParser.correctedTimestamp(
            original: original.map(Instant.init(millisecondsSinceEpoch:)),
            sentAt: sentAt.map(Instant.init(millisecondsSinceEpoch:)),
            receivedAt: Instant(millisecondsSinceEpoch: 1_000_000))
        #expect(corrected.millisecondsSinceEpoch == expected)
    }

    // MARK: Message ids

    @Test("a missing messageId is generated", arguments: [JSONValue.null, .string("")])
    func generatesMessageID(messageID: JSONValue) throws {
        let message = try parseOne(["event": "e", "userId": "u1", "messageId": messageID])
        #expect(message.messageID == "generated-id")
        #expect(message.payload["messageId"] == "generated-id")
    }

    @Test("a messageId sent by the client is kept")
    func keepsMessageID() throws {
        #expect(try parseOne(["event": "e", "userId": "u1", "messageId": "ajs-1"]).messageID == "ajs-1")
        #expect(try parseOne(["event": "e", "userId": "u1", "messageId": 77]).messageID == "77")
    }

    @Test("a messageId longer than 256 bytes is refused")
    func messageIDTooLong() throws {
        let error = try failure(
            ["event": "e", "userId": "u1", "messageId": .string(String(repeating: "m", count: 257))], endpoint: .track)
        #expect(error.code == .invalidMessage)
    }

    // MARK: Identity fields

    @Test("numeric ids become strings", arguments: [
        (JSONValue.int(12345), "12345"), (.int(20_261_122_000_123), "20261122000123"), (.double(12345), "12345"),
        (.int(-7), "-7"),
    ])
    func numericIDs(id: JSONValue, expected: String) throws {
        let message = try parseOne(["event": "e", "userId": id, "anonymousId": id])
        #expect(message.userID == expected)
        #expect(message.anonymousID == expected)
        #expect(message.payload["userId"] == .string(expected))
    }

    @Test("a null id is absent")
    func nullID() throws {
        let message = try parseOne(["event": "e", "userId": nil, "anonymousId": "a1"])
        #expect(message.userID == nil)
        #expect(message.anonymousID == "a1")
        #expect(message.payload["userId"] == .null)
    }

    @Test("ids that are not strings or whole numbers are refused", arguments: [
        JSONValue.bool(true), .double(1.5), .array(["u1"]), .object(["id": "u1"]),
    ])
    func nonStringIDs(id: JSONValue) throws {
        let error = try failure(["event": "e", "userId": id, "anonymousId": "a1"], endpoint: .track)
        #expect(error.code == .invalidMessage)
        #expect(error.message.contains("'userId' must be a string"))
    }

    @Test("a message whose only ids are placeholders has no identity", arguments: [
        "null", "undefined", "0", "NULL", "00000000-0000-0000-0000-000000000000", "",
    ])
    func placeholderIDs(id: String) throws {
        let error = try failure(["event": "e", "userId": .string(id), "anonymousId": .string(id)], endpoint: .track)
        #expect(error.code == .missingIdentity)
    }

    @Test("a message with no ids at all has no identity")
    func noIDs() throws {
        #expect(try failure(["event": "e"], endpoint: .track).code == .missingIdentity)
    }

    @Test("a placeholder id next to a usable one is dropped")
    func placeholderDroppedBesideUsableID() throws {
        let message = try parseOne(["event": "e", "userId": "undefined", "anonymousId": "a1"])
        #expect(message.userID == nil)
        #expect(message.payload["userId"] == .null)
    }

    @Test("a placeholder id padded with whitespace is still a placeholder", arguments: [" null ", "   ", "\tundefined"])
    func paddedPlaceholderIDs(id: String) throws {
        let error = try failure(["event": "e", "userId": .string(id)], endpoint: .track)
        #expect(error.code == .missingIdentity)
    }

    // MARK: Call types

    @Test("track requires a non-empty event name", arguments: [JSONValue.null, .string("")])
    func trackNeedsEvent(event: JSONValue) throws {
        #expect(try failure(["userId": "u1", "event": event], endpoint: .track).code == .invalidMessage)
        #expect(try failure(["userId": "u1"], endpoint: .track).code == .invalidMessage)
    }

    @Test("a track event name must be a string of at most 200 bytes")
    func trackEventName() throws {
        #expect(try parseOne(["userId": "u1", "event": .string(String(repeating: "e", count: 200))]).event?.count == 200)
        #expect(
            try failure(["userId": "u1", "event": .string(String(repeating: "e", count: 201))], endpoint: .track).code
                == .invalidMessage)
        #expect(try failure(["userId": "u1", "event": 42], endpoint: .track).code == .invalidMessage)
    }

    @Test("page and screen take their name as the event, which is optional", arguments: [MessageType.page, .screen])
    func pageAndScreenNames(type: MessageType) throws {
        #expect(try parseOne(["anonymousId": "a1", "name": "首页"], endpoint: type).event == "首页")
        #expect(try parseOne(["anonymousId": "a1"], endpoint: type).event == nil)
    }

    @Test("alias requires a previousId", arguments: [JSONValue.null, .string(""), .string("null"), .string("undefined")])
    func aliasNeedsPreviousID(previousID: JSONValue) throws {
        let error = try failure(["userId": "u2", "previousId": previousID], endpoint: .alias)
        #expect(error.code == .invalidMessage)
    }

    @Test("alias requires a usable userId even when an anonymousId is present")
    func aliasNeedsUserID() throws {
        let error = try failure(["anonymousId": "a1", "previousId": "a0"], endpoint: .alias)
        #expect(error.code == .missingIdentity)
    }

    @Test("a complete alias keeps both ids")
    func aliasKeepsIDs() throws {
        let message = try parseOne(["userId": "u2", "previousId": "a0"], endpoint: .alias)
        #expect(message.previousID == "a0")
        #expect(message.userID == "u2")
    }

    @Test("group requires a groupId, which may be a number")
    func groupNeedsGroupID() throws {
        #expect(try failure(["userId": "u1"], endpoint: .group).code == .invalidMessage)
        #expect(try failure(["userId": "u1", "groupId": ""], endpoint: .group).code == .invalidMessage)
        #expect(try parseOne(["userId": "u1", "groupId": 42], endpoint: .group).groupID == "42")
    }

    @Test("identify needs nothing beyond an id")
    func identifyMinimal() throws {
        #expect(try parseOne(["anonymousId": "a1"], endpoint: .identify).type == .identify)
    }

    // MARK: Validation errors

    @Test("a message with a field of the wrong type is refused, naming its batch index", arguments: [
        JSONValue.object(["type": "track", "event": "e", "userId": "u1", "properties": "x"]),
        ["type": "identify", "userId": "u1", "traits": [1]],
        ["type": "track", "event": "e", "userId": "u1", "context": "x"],
        ["type": "track", "event": "e", "userId": "u1", "context": ["traits": "x"]],
        ["type": "track", "event": "e", "userId": "u1", "timestamp": 1_795_320_984],
        ["type": "track", "event": "e", "userId": "u1", "timestamp": "yesterday"],
        ["type": "track", "event": "e", "userId": "u1", "sentAt": "2026-02-30T00:00:00Z"],
        ["type": "track", "event": ["name": "e"], "userId": "u1"],
        ["type": "track", "event": "e", "userId": true],
        ["type": "track", "event": "e", "userId": "u1", "messageId": ["x"]],
        ["type": "group", "groupId": false, "userId": "u1"],
        ["type": "page", "name": 1, "userId": "u1"],
    ])
    func wrongFieldType(bad: JSONValue) throws {
        let error = try failure(batchWithBadSecond(bad))
        #expect(error.code == .invalidMessage)
        #expect(error.index == 1)
        #expect(error.message.hasPrefix("batch[1]: "))
    }

    @Test("a batch entry that is not a message is refused, naming its index", arguments: [
        JSONValue.string("track"), .array([]), .null, ["event": "e", "userId": "u1"], ["type": "Track", "userId": "u1"],
        ["type": "purchase", "userId": "u1"], ["type": 1, "userId": "u1"],
    ])
    func badBatchEntry(bad: JSONValue) throws {
        let error = try failure(batchWithBadSecond(bad))
        #expect(error.code == .invalidMessage)
        #expect(error.index == 1)
        #expect(error.message.hasPrefix("batch[1]: "))
    }

    @Test("the first invalid message rejects the whole batch")
    func firstInvalidMessageWins() throws {
        let error = try failure([
            "batch": [
                ["type": "track", "event": "e", "userId": "u1"], ["type": "track", "event": "e", "userId": "u1"],
                ["type": "track", "userId": "u1"], ["type": "track", "event": "e"],
            ],
        ])
        #expect(error.index == 2)
        #expect(error.code == .invalidMessage)
    }

    @Test("a message without identity in a batch names its index")
    func missingIdentityInBatch() throws {
        let error = try failure(batchWithBadSecond(["type": "track", "event": "e", "userId": "null"]))
        #expect(error.code == .missingIdentity)
        #expect(error.index == 1)
    }

    @Test("a single-call error has no index")
    func singleCallErrorHasNoIndex() throws {
        let error = try failure(["userId": "u1"], endpoint: .track)
        #expect(error.index == nil)
        #expect(!error.message.hasPrefix("batch["))
    }

    @Test("a body that is not a JSON object is invalid JSON", arguments: [
        JSONValue.array([["type": "track"]]), .string("x"), .int(1), .null,
    ])
    func bodyMustBeObject(body: JSONValue) throws {
        #expect(try failure(body).code == .invalidJSON)
        #expect(try failure(body, endpoint: .track).code == .invalidJSON)
    }

    @Test("a body that is not JSON is refused with where it broke")
    func bodyNotJSON() throws {
        let error = try #require(throws: IngestError.self) {
            try parser.parse(body: Array(#"{"batch": [}"#.utf8), endpoint: nil, receivedAt: Self.receivedAt)
        }
        #expect(error.code == .invalidJSON)
        #expect(error.message.contains("at byte 11"))
    }

    @Test("invalid UTF-8 in a body is invalid JSON")
    func bodyWithInvalidUTF8() throws {
        let body: [UInt8] = Array(#"{"userId":""#.utf8) + [0xC3, 0x28] + Array(#"","event":"e"}"#.utf8)
        let error = try #require(throws: IngestError.self) {
            try parser.parse(body: body, endpoint: .track, receivedAt: Self.receivedAt)
        }
        #expect(error.code == .invalidJSON)
    }

    // MARK: Limits

    @Test("a body over the request limit is refused before it is parsed")
    func bodyOverLimit() throws {
        let body = JSONWriter.bytes(["event": "e", "userId": "u1"])
        var parser = parser
        parser.limits = MessageParser.Limits(maximumBatchBytes: body.count)
        #expect(throws: Never.self) { try parser.parse(body: body, endpoint: .track, receivedAt: Self.receivedAt) }
        parser.limits = MessageParser.Limits(maximumBatchBytes: body.count - 1)
        let error = try #require(throws: IngestError.self) {
            try parser.parse(body: body, endpoint: .track, receivedAt: Self.receivedAt)
        }
        #expect(error.code == .payloadTooLarge)
        let garbage = [UInt8](repeating: 0x7B, count: body.count)
        #expect(throws: IngestError(.payloadTooLarge, "request body is \(body.count) bytes; the limit is \(body.count - 1)")) {
            try parser.parse(body: garbage, endpoint: .track, receivedAt: Self.receivedAt)
        }
    }

    @Test("the default request limit is 500 KB")
    func defaultBodyLimit() throws {
        let body = [UInt8](repeating: 0x20, count: 500 * 1024 + 1)
        let error = try #require(throws: IngestError.self) {
            try parser.parse(body: body, endpoint: nil, receivedAt: Self.receivedAt)
        }
        #expect(error.code == .payloadTooLarge)
    }

    @Test("a message over 32 KB is refused")
    func messageOverLimit() throws {
        let blob = JSONValue.string(String(repeating: "x", count: 33 * 1024))
        let error = try failure(["event": "e", "userId": "u1", "properties": ["blob": blob]], endpoint: .track)
        #expect(error.code == .messageTooLarge)
    }

    @Test("a message of 31 KB is accepted")
    func messageUnderLimit() throws {
        let blob = JSONValue.string(String(repeating: "x", count: 31 * 1024))
        #expect(try parseOne(["event": "e", "userId": "u1", "properties": ["blob": blob]]).properties["blob"] == blob)
    }

    @Test("an oversized message in a batch names its index")
    func messageOverLimitInBatch() throws {
        let blob = JSONValue.string(String(repeating: "x", count: 33 * 1024))
        let error = try failure(batchWithBadSecond(["type": "track", "event": "e", "userId": "u1", "properties": ["b": blob]]))
        #expect(error.code == .messageTooLarge)
        #expect(error.index == 1)
    }

    @Test("a batch with more messages than allowed is refused")
    func tooManyMessages() throws {
        let message: JSONValue = ["type": "track", "event": "e", "userId": "u1"]
        let limits = MessageParser.Limits(maximumBatchMessages: 3)
        #expect(try parse(["batch": .array(Array(repeating: message, count: 3))], limits: limits).messages.count == 3)
        let error = try failure(["batch": .array(Array(repeating: message, count: 4))], limits: limits)
        #expect(error.code == .payloadTooLarge)
        #expect(error.index == nil)
    }

    // MARK: Payload

    @Test("the stored payload keeps every field the client sent")
    func payloadKeepsClientFields() throws {
        let message = try parseOne([
            "event": "Order Completed", "userId": "u1", "properties": ["order_id": 20_261_122_000_123, "total": 199.5],
            "integrations": ["All": false], "custom_field": "kept",
        ])
        #expect(message.payload["integrations"] == ["All": false])
        #expect(message.payload["custom_field"] == "kept")
        #expect(message.properties == ["order_id": .int(20_261_122_000_123), "total": 199.5])
    }

    @Test("a message without context stores none")
    func noEmptyContext() throws {
        #expect(try parseOne(["event": "e", "userId": "u1"]).payload["context"] == nil)
    }

    private func parseText(_ text: String, endpoint: MessageType? = nil) throws(IngestError) -> MessageParser.ParsedRequest {
        try parser.parse(body: Array(text.utf8), endpoint: endpoint, receivedAt: Self.receivedAt)
    }

    @Test("the stored text is compact, with the client's own spelling of what Pond does not interpret")
    func storedTextIsCompact() throws {
        // As Python's json.dumps writes it: a space after every ',' and ':'.
        let text = """
            {"batch": [{"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "m1",
              "properties": {"total": 199.50, "sku": "A\\u0031", "items": [1, 2]}, "context": {"channel": "wecom"}}],
             "sentAt": "2026-11-22T04:16:24.000Z", "writeKey": "k"}
            """
        let message = try #require(try parseText(text).messages.first)
        #expect(
            message.payloadJSON
                == #"{"anonymousId":null,"context":{"channel":"wecom"},"event":"Order Completed","messageId":"m1","#
                + #""properties":{"total":199.50,"sku":"A\u0031","items":[1,2]},"receivedAt":"2026-11-22T04:16:24.000Z","#
                + #""sentAt":"2026-11-22T04:16:24.000Z","timestamp":"2026-11-22T04:16:24.000Z","type":"track","userId":"u1"}"#)
        #expect(message.properties == ["total": 199.5, "sku": "A1", "items": [1, 2]])
        #expect(message.contextChannel == "wecom")
    }

    @Test("every member Pond does not set is stored as the client's value; a repeated member refuses the batch", arguments: 0..<200)
    func clientMembersSurvive(seed: UInt64) throws {
        var generator = JSONGenerator(seed: 30_000 + seed)
        var random = SplitMix64(seed: seed)
        let set: Set<String> = [
            "type", "messageId", "userId", "anonymousId", "timestamp", "receivedAt", "originalTimestamp", "sentAt", "writeKey",
        ]
        var members = [#""type":"track""#, #""event":"e""#, #""userId":"u1""#]
        var expected: [String: JSONValue] = [:]
        var repeated = false
        for index in 0..<Int.random(in: 0...6, using: &random) {
            let key = ["properties", "traits", "context", "integrations", "k\(index % 3)", "名"].randomElement(using: &random)!
            var value = generator.value(depth: 1)
            if ["properties", "traits", "context"].contains(key), value.objectValue == nil { value = .object([:]) }
            if key == "context", var context = value.objectValue {
                context["traits"] = nil
                value = .object(context)
            }
            members.append(String(decoding: JSONWriter.bytes([key: value]).dropFirst().dropLast(), as: UTF8.self))
            repeated = repeated || expected[key] != nil
            expected[key] = value
        }
        let text = "{\"batch\": [{" + members.joined(separator: ", ") + "}]}"
        if repeated {
            let error = try #require(throws: IngestError.self) { try parseText(text) }
            #expect(error.code == .invalidJSON && error.message.contains("repeated"), "seed \(seed): \(error)")
            return
        }
        let message = try #require(try parseText(text).messages.first)
        var stored = message.payload
        for key in set { stored[key] = nil }
        expected["event"] = "e"
        #expect(stored == expected, "seed \(seed): \(text)")
        #expect(message.contextChannel == expected["context"]?.objectValue?["channel"]?.stringValue)
    }

    @Test("context.channel is read as the parsed context would give it", arguments: [
        (#"{"channel":"wecom"}"#, "wecom"), (#"{"chan\u006eel":"offline_store"}"#, "offline_store"),
        (#"{"channel":"\u5fae\u4fe1"}"#, "微信"),
        (#"{}"#, nil), ("null", nil),
    ] as [(String, String?)])
    func contextChannel(context: String, channel: String?) throws {
        let text = #"{"type":"track","event":"e","userId":"u1","context":"# + context + "}"
        let message = try #require(try parseText(text, endpoint: .track).messages.first)
        #expect(message.contextChannel == channel)
        #expect(message.contextChannel == message.context["channel"]?.stringValue)
    }

    @Test("a repeated member anywhere in a message refuses the batch as invalid JSON, naming where", arguments: [
        (#"{"type":"track","event":"e","userId":"u1","userId":"u2"}"#, "batch[0]"),
        (#"{"type":"track","event":"Order Completed","userId":"u1","properties":{"revenue":1,"revenue":1000}}"#,
         "batch[0].properties"),
        (#"{"type":"track","event":"e","userId":"u1","context":{"channel":"a","chan\u006eel":"b"}}"#, "batch[0].context"),
    ])
    func repeatedMembersRefused(message: String, path: String) throws {
        let error = try #require(throws: IngestError.self) { try parseText(#"{"batch":["# + message + "]}") }
        #expect(error.code == .invalidJSON)
        #expect(error.message.contains("repeated") && error.message.contains("(in \(path))"), "\(error)")
    }

    @Test("U+0000 anywhere in a message refuses the batch, naming the member", arguments: [
        (#"{"type":"identify","userId":"n2","traits":{"email":"a\u0000b@x.com"}}"#, "batch[0].traits.email"),
        (#"{"type":"track","userId":"a\u0000b","event":"E"}"#, "batch[0].userId"),
        (#"{"type":"alias","userId":"u","previousId":"p\u0000"}"#, "batch[0].previousId"),
        (#"{"type":"track","userId":"u","event":"E","context":{"identities":{"phone":"1\u0000"}}}"#,
         "batch[0].context.identities.phone"),
        (#"{"type":"identify","userId":"u","traits":{"k\u0000":1}}"#, "batch[0].traits"),
    ])
    func nulRefused(message: String, path: String) throws {
        let error = try #require(throws: IngestError.self) { try parseText(#"{"batch":["# + message + "]}") }
        #expect(error.code == .invalidJSON)
        #expect(error.message.contains("U+0000") && error.message.contains("(in \(path))"), "\(error)")
    }

    @Test("a batch-level context is merged into each message's, the message's own members winning")
    func batchContextMerges() throws {
        let text = """
            {"context": {"channel": "mini_program", "ip": "10.0.0.1"},
             "batch": [{"type": "track", "event": "e", "userId": "u1", "context": {"ip": "10.0.0.2"}},
                       {"type": "track", "event": "e", "userId": "u2", "context": {"channel": "wecom"}}]}
            """
        let messages = try parseText(text).messages
        #expect(messages.map(\.context) == [["channel": "mini_program", "ip": "10.0.0.2"], ["channel": "wecom", "ip": "10.0.0.1"]])
        #expect(messages.map(\.contextChannel) == ["mini_program", "wecom"])
    }

    @Test("a JSON error anywhere in the body is reported before any rule of the API", arguments: [
        #"{"batch": [{"type": "track"}], "sentAt": [1,}"#, #"{"type": "nope"} x"#, #"[{"type": "track"}"#,
    ])
    func jsonErrorsFirst(text: String) throws {
        let batch = try #require(throws: IngestError.self) { try parseText(text) }
        #expect(batch.code == .invalidJSON)
        let single = try #require(throws: IngestError.self) { try parseText(text, endpoint: .track) }
        #expect(single.code == .invalidJSON)
    }

    @Test("error codes are stable API strings")
    func errorCodes() {
        #expect(
            [IngestError.Code.invalidJSON, .invalidMessage, .missingIdentity, .messageTooLarge, .payloadTooLarge].map(\.rawValue)
                == ["invalid_json", "invalid_message", "missing_identity", "message_too_large", "payload_too_large"])
        #expect(IngestError(.invalidMessage, "x").description == "invalid_message: x")
    }
}
