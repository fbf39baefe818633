import PondCore

/// Shorthands for the identities the identity tests talk about, so a fixture reads like the scenario it describes.
extension Identity {
    static func user(_ value: String) -> Identity { Identity(uncheckedType: IdentityType.userID, value: value) }
    static func anonymous(_ value: String) -> Identity { Identity(uncheckedType: IdentityType.anonymousID, value: value) }
    static func member(_ value: String) -> Identity { Identity(uncheckedType: IdentityType.memberID, value: value) }
    static func phone(_ value: String) -> Identity { Identity(uncheckedType: IdentityType.phone, value: value) }
    static func email(_ value: String) -> Identity { Identity(uncheckedType: IdentityType.email, value: value) }
}

/// Tracking messages built directly, bypassing `MessageParser`, for the extractor and the stitch planner.
enum Fixture {
    /// 2026-11-22T04:16:24.123Z.
    static let receivedAt = Instant(millisecondsSinceEpoch: 1_795_320_984_123)

    static func message(
        _ type: MessageType = .track, id: String = "m1", userID: String? = nil, anonymousID: String? = nil,
        previousID: String? = nil, timestamp: Instant = receivedAt, receivedAt: Instant = receivedAt,
        payload: [String: JSONValue] = [:]
    ) -> TrackingMessage {
        var payload = payload
        payload["type"] = .string(type.rawValue)
        return TrackingMessage(
            type: type, messageID: id, userID: userID, anonymousID: anonymousID, event: nil, previousID: previousID,
            groupID: nil, timestamp: timestamp, receivedAt: receivedAt, payload: payload)
    }
}
