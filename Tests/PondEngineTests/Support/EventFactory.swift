import Foundation
import PondCore
import PondStore
import PondTestSupport
import Testing

/// Builds events the way the tracking API does, from SDK-shaped JSON, stamped relative to a clock.
struct EventFactory {
    let clock: ManualClock
    var workspaceID: String
    private var counter = 0

    init(clock: ManualClock, workspaceID: String) {
        self.clock = clock
        self.workspaceID = workspaceID
    }

    mutating func make(_ fields: [String: JSONValue], daysAgo: Int = 0, channel: String = "mini_program") throws -> IncomingEvent {
        counter += 1
        var object = fields
        object["messageId"] = object["messageId"] ?? .string("m-\(UUID().uuidString)")
        object["timestamp"] = .string(ISO8601.format(clock.now().adding(days: -daysAgo)))
        let type = MessageType(rawValue: object["type"]?.stringValue ?? "track")!
        let parser = MessageParser { "generated" }
        let message = try parser.parse(body: JSONWriter.bytes(.object(object)), endpoint: type, receivedAt: clock.now()).messages[0]
        return IncomingEvent(workspaceID: workspaceID, source: "test", channel: channel, message: message)
    }

    mutating func order(_ user: String, category: String, amount: Double, daysAgo: Int = 0) throws -> IncomingEvent {
        try make(
            ["type": "track", "userId": .string(user), "event": "Order Completed",
             "properties": ["category": .string(category), "revenue": .double(amount)]], daysAgo: daysAgo)
    }
}
