import Foundation
import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// Builds messages the way the tracking API does, from SDK-shaped JSON.
struct Messages {
    var now = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
    private var counter = 0

    mutating func make(_ fields: [String: JSONValue], minutesAgo: Int64 = 0) throws -> TrackingMessage {
        counter += 1
        var object = fields
        if object["messageId"] == nil { object["messageId"] = .string("m-\(counter)") }
        let time = now.adding(milliseconds: -minutesAgo * 60_000)
        object["timestamp"] = .string(ISO8601.format(time))
        let type = MessageType(rawValue: object["type"]?.stringValue ?? "track")!
        let parser = MessageParser { "generated" }
        return try parser.parse(body: JSONWriter.bytes(.object(object)), endpoint: type, receivedAt: now).messages[0]
    }

    mutating func event(_ workspace: String, _ fields: [String: JSONValue], minutesAgo: Int64 = 0, channel: String = "web") throws -> IncomingEvent {
        IncomingEvent(workspaceID: workspace, source: "test", channel: channel, message: try make(fields, minutesAgo: minutesAgo))
    }
}

extension Store {
    /// Stitches until nothing is pending.
    func stitchAll() async throws {
        while try await stitchPending(limit: 100).events > 0 {}
    }

    func makeWorkspace(_ id: String, unique: [String] = WorkspaceSettings.defaultUniqueIdentityTypes) async throws {
        try await createWorkspace(
            Workspace(id: id, name: id, settings: WorkspaceSettings(uniqueIdentityTypes: unique),
                      createdAt: Instant(millisecondsSinceEpoch: 0)))
    }

    func root(_ workspace: String, _ type: String, _ value: String) async throws -> Int64? {
        try await profileID(workspaceID: workspace, identity: try IdentityRules.make(type: type, value: value))
    }
}
