import PondCore
import Testing

@Suite("Tracking message")
struct TrackingMessageTests {
    static let receivedAt = Instant(millisecondsSinceEpoch: 1_795_320_984_000)

    private func parsed(_ body: JSONValue, _ type: MessageType) throws -> TrackingMessage {
        let parser = MessageParser(generateMessageID: { "generated-id" })
        let request = try parser.parse(body: JSONWriter.bytes(body), endpoint: type, receivedAt: Self.receivedAt)
        return try #require(request.messages.first)
    }

    @Test("identify person traits merge context.traits with top-level traits, top-level winning")
    func identifyPersonTraits() {
        let message = Fixture.message(.identify, payload: [
            "traits": ["name": "王静", "email": "top@example.com"],
            "context": ["traits": ["email": "context@example.com", "phone": "13800138000"]],
        ])
        #expect(message.personTraits == ["name": "王静", "email": "top@example.com", "phone": "13800138000"])
    }

    @Test("other calls take person traits from context.traits only", arguments: [MessageType.track, .group, .page])
    func otherPersonTraits(type: MessageType) {
        let message = Fixture.message(type, payload: [
            "traits": ["email": "group@example.com"], "context": ["traits": ["email": "person@example.com"]],
        ])
        #expect(message.personTraits == ["email": "person@example.com"])
    }

    @Test("properties and context are empty when absent or not objects")
    func accessorsDefaultToEmpty() {
        #expect(Fixture.message().properties.isEmpty)
        #expect(Fixture.message().context.isEmpty)
        #expect(Fixture.message(payload: ["properties": "x", "context": 1]).properties.isEmpty)
    }

    static let bodies: [(JSONValue, MessageType)] = [
        (["event": "Order Completed", "userId": "u1", "timestamp": "2026-11-22T04:00:00.5Z"], .track),
        (["name": "首页", "anonymousId": "a1"], .page),
        (["name": "Home", "anonymousId": "a1"], .screen),
        (["userId": "u2", "previousId": "a0"], .alias),
        (["userId": "u1", "groupId": "g1", "traits": ["name": "Acme"]], .group),
        (["userId": 12345, "traits": ["phone": "13800138000"]], .identify),
    ]

    @Test("a message rebuilt from its stored payload equals the message as accepted", arguments: bodies)
    func storedPayloadRoundTrip(body: JSONValue, type: MessageType) throws {
        let message = try parsed(body, type)
        #expect(TrackingMessage(storedPayload: message.payload) == message)
    }

    static let numericIDBodies: [(JSONValue, MessageType)] = [
        (["userId": "u2", "previousId": 12345], .alias),
        (["userId": "u1", "groupId": 42], .group),
    ]

    @Test("numeric previousId and groupId survive the stored payload, as numeric user ids do", arguments: numericIDBodies)
    func storedPayloadKeepsNumericIDs(body: JSONValue, type: MessageType) throws {
        let message = try parsed(body, type)
        let rebuilt = try #require(TrackingMessage(storedPayload: message.payload))
        #expect(rebuilt.previousID == message.previousID)
        #expect(rebuilt.groupID == message.groupID)
        #expect(rebuilt.previousID != nil || rebuilt.groupID != nil)
    }

    @Test("a stored payload missing what every message has cannot be rebuilt", arguments: [
        "type", "messageId", "timestamp", "receivedAt",
    ])
    func storedPayloadNeedsCoreFields(missing: String) throws {
        var payload = try parsed(["event": "e", "userId": "u1"], .track).payload
        payload.removeValue(forKey: missing)
        #expect(TrackingMessage(storedPayload: payload) == nil)
    }

    @Test("a stored payload with an unknown type or an unreadable time cannot be rebuilt", arguments: [
        ("type", JSONValue.string("purchase")), ("timestamp", .string("not a time")), ("receivedAt", .int(0)),
    ])
    func storedPayloadNeedsValidFields(key: String, value: JSONValue) throws {
        var payload = try parsed(["event": "e", "userId": "u1"], .track).payload
        payload[key] = value
        #expect(TrackingMessage(storedPayload: payload) == nil)
    }
}
