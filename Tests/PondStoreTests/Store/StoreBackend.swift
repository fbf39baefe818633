import Foundation
import PondCore
import Testing

@testable import PondStore

/// The backends every store contract test runs against. Postgres joins when `POND_TEST_POSTGRES_URL` is set, and
/// is mandatory (a missing URL fails) when `POND_REQUIRE_POSTGRES=1`, as in CI.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static let available: [StoreBackend] = PostgresTestServer.configured ? [.sqlite, .postgres] : [.sqlite]

    var testDescription: String { rawValue }

    func withStore(_ body: (Store) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pond-test-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            // Message ids settle every few events here (65,536 by default), so every contract test also runs
            // across settles of the ledger.
            try await body(Store(database: try SQLiteDatabase(path: path, settleMessageIDsEvery: 4)))
        case .postgres:
            try await PostgresTestServer.withFreshDatabase { try await body(Store(database: $0)) }
        }
    }
}

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
