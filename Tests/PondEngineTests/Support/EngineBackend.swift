import Foundation
import PondCore
import PondStore
import Synchronization
import Testing

/// The backends the engine's tests run on: SQLite always, Postgres when `POND_TEST_POSTGRES_URL` is set (and
/// mandatory with `POND_REQUIRE_POSTGRES=1`, as in CI). Each test gets a database of its own.
enum EngineBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static let postgresURL = ProcessInfo.processInfo.environment["POND_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let postgresRequired = ProcessInfo.processInfo.environment["POND_REQUIRE_POSTGRES"] == "1"
    static let available: [EngineBackend] = postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]

    var testDescription: String { rawValue }

    func withStore(_ body: (Store) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pond-engine-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            try await body(Store(database: try SQLiteDatabase(path: path)))
        case .postgres:
            let base = try #require(Self.postgresURL, "POND_REQUIRE_POSTGRES=1 but POND_TEST_POSTGRES_URL is not set")
            let schema = "pond_e_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let admin = try PostgresDatabase(url: base)
            let separator = base.contains("?") ? "&" : "?"
            let database = try PostgresDatabase(url: base + separator + "options=-c%20search_path%3D" + schema)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await admin.run() }
                group.addTask { try await database.run() }
                defer { group.cancelAll() }
                try await Task.sleep(for: .milliseconds(20))
                _ = try await admin.write { try await $0.execute("CREATE SCHEMA \(schema)") }
                defer { Task { _ = try? await admin.write { try await $0.execute("DROP SCHEMA \(schema) CASCADE") } } }
                try await database.migrate()
                try await body(Store(database: database))
                _ = try await admin.write { try await $0.execute("DROP SCHEMA \(schema) CASCADE") }
            }
        }
    }
}

/// A clock the test moves by hand.
final class ManualClock: PondCore.Clock {
    private let current: Mutex<Instant>

    init(_ start: Instant = Instant(millisecondsSinceEpoch: 1_795_000_000_000)) { current = Mutex(start) }

    func now() -> Instant { current.withLock { $0 } }

    func advance(days: Int) { current.withLock { $0 = $0.adding(days: days) } }
}

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
