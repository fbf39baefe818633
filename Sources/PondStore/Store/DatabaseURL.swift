import Logging

/// An opened database plus what must keep running while it is used.
public struct OpenedDatabase: Sendable {
    public let database: any SQLDatabase
    /// Runs until cancelled (the Postgres connection pool); returns at once for SQLite.
    public let run: @Sendable () async throws -> Void
    /// A description safe to log: never contains a password.
    public let redactedURL: String
}

/// `--database` URLs: `sqlite:PATH` (the default tier, a single file) or `postgres://user[:pass]@host[:port]/db`.
public enum DatabaseURL {
    public static let defaultURL = "sqlite:pond.sqlite"

    /// `durability` and `settleMessageIDsEvery` apply to SQLite (see `SQLiteDatabase`).
    public static func open(
        _ url: String, durability: SQLiteDatabase.Durability = .full,
        settleMessageIDsEvery: Int = SQLiteDatabase.defaultSettleThreshold, logger: Logger
    ) async throws -> OpenedDatabase {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let database = try PostgresDatabase(url: url, logger: logger)
            return OpenedDatabase(database: database, run: { try await database.run() }, redactedURL: redact(url))
        }
        let path: String
        if url.hasPrefix("sqlite://") {
            path = String(url.dropFirst("sqlite://".count))
        } else if url.hasPrefix("sqlite:") {
            path = String(url.dropFirst("sqlite:".count))
        } else if !url.contains("://") {
            path = url
        } else {
            throw StoreError.invalidURL("'\(redact(url))' is neither sqlite:PATH nor postgres://…")
        }
        guard !path.isEmpty else { throw StoreError.invalidURL("sqlite: needs a file path, e.g. sqlite:pond.sqlite") }
        let database = try SQLiteDatabase(
            path: path, durability: durability, settleMessageIDsEvery: settleMessageIDsEvery)
        return OpenedDatabase(database: database, run: {}, redactedURL: "sqlite:\(path)")
    }

    /// Opens the database, migrates it, runs `body` with a store and closes everything afterwards: for CLI
    /// commands and tests that need the database for a bounded piece of work.
    public static func withStore<T: Sendable>(
        _ url: String, durability: SQLiteDatabase.Durability = .full,
        settleMessageIDsEvery: Int = SQLiteDatabase.defaultSettleThreshold, logger: Logger,
        _ body: @Sendable (Store) async throws -> T
    ) async throws -> T {
        let opened = try await open(url, durability: durability, settleMessageIDsEvery: settleMessageIDsEvery, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await opened.run() }
            defer { group.cancelAll() }
            try await migrate(opened.database)
            let result = try await body(Store(database: opened.database))
            try await opened.database.close()
            return result
        }
    }

    /// Brings the schema up to date (SQLite migrates when opened).
    public static func migrate(_ database: any SQLDatabase) async throws {
        if let postgres = database as? PostgresDatabase { try await postgres.migrate() }
    }

    static func redact(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex) else {
            return url
        }
        let credentials = url[scheme.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at.lowerBound...])
    }
}
