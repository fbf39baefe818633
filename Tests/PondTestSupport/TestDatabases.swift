import Foundation
import PondCore
import PondStore

/// Real databases for tests, one of its own for each: a temporary SQLite file, or a schema of its own on the
/// PostgreSQL server named by `POND_TEST_POSTGRES_URL` (created for the test, dropped afterwards), so tests running
/// in parallel never see each other's tables or migrations.
public enum TestDatabases {
    public static let postgresURL = ProcessInfo.processInfo.environment["POND_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// With `POND_REQUIRE_POSTGRES=1` (as in CI) a missing URL fails the Postgres tests instead of leaving them out.
    public static let postgresRequired = ProcessInfo.processInfo.environment["POND_REQUIRE_POSTGRES"] == "1"
    public static var postgresConfigured: Bool { postgresURL != nil || postgresRequired }

    public struct MissingPostgres: Error, CustomStringConvertible {
        public var description: String { "POND_REQUIRE_POSTGRES=1 but POND_TEST_POSTGRES_URL is not set" }
    }

    /// A fresh SQLite file, removed afterwards.
    public static func withSQLite(
        settleMessageIDsEvery: Int = SQLiteDatabase.defaultSettleThreshold, _ body: (SQLiteDatabase) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pond-test-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await body(try SQLiteDatabase(path: path, settleMessageIDsEvery: settleMessageIDsEvery))
    }

    /// A fresh Postgres schema, migrated unless `migrated` is false; `body` also gets the database's URL, for tests
    /// that open a second client of it (a second node).
    public static func withPostgres(
        migrated: Bool = true, _ body: (PostgresDatabase, String) async throws -> Void
    ) async throws {
        guard let base = postgresURL else { throw MissingPostgres() }
        let schema = "pond_t_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let admin = try PostgresDatabase(url: base)
        let separator = base.contains("?") ? "&" : "?"
        let databaseURL = base + separator + "options=-c%20search_path%3D" + schema
        let database = try PostgresDatabase(url: databaseURL)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await admin.run() }
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            // Lets the pools start before the first lease, which PostgresNIO would otherwise warn about.
            try await Task.sleep(for: .milliseconds(20))
            _ = try await admin.write { try await $0.execute("CREATE SCHEMA \(schema)") }
            do {
                if migrated { try await database.migrate() }
                try await body(database, databaseURL)
            } catch {
                _ = try? await admin.write { try await $0.execute("DROP SCHEMA \(schema) CASCADE") }
                throw error
            }
            _ = try await admin.write { try await $0.execute("DROP SCHEMA \(schema) CASCADE") }
        }
    }
}

extension TestDatabases {
    /// Two clients of one fresh Postgres schema, as two `pond serve` nodes sharing a database would open.
    public static func withTwoPostgresNodes(_ body: (PostgresDatabase, PostgresDatabase) async throws -> Void) async throws {
        try await withPostgres { first, url in
            let second = try PostgresDatabase(url: url)
            try await withThrowingTaskGroup(of: Void.self) { runner in
                runner.addTask { try await second.run() }
                defer { runner.cancelAll() }
                try await Task.sleep(for: .milliseconds(20))
                try await body(first, second)
            }
        }
    }
}

/// The backends a contract test runs on: SQLite always, Postgres when configured (see `TestDatabases`).
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public static let available: [TestBackend] = TestDatabases.postgresConfigured ? [.sqlite, .postgres] : [.sqlite]

    public var description: String { rawValue }

    /// A fresh, migrated database of this backend, for tests of the `SQLDatabase` seam itself.
    public func withDatabase(_ body: (any SQLDatabase) async throws -> Void) async throws {
        switch self {
        case .sqlite: try await TestDatabases.withSQLite { try await body($0) }
        case .postgres: try await TestDatabases.withPostgres { database, _ in try await body(database) }
        }
    }

    /// A store on a fresh database of this backend. On SQLite message ids settle every few events (65,536 by
    /// default), so every test also runs across settles of the ledger.
    public func withStore(_ body: (Store) async throws -> Void) async throws {
        switch self {
        case .sqlite: try await TestDatabases.withSQLite(settleMessageIDsEvery: 4) { try await body(Store(database: $0)) }
        case .postgres: try await TestDatabases.withPostgres { database, _ in try await body(Store(database: database)) }
        }
    }
}
