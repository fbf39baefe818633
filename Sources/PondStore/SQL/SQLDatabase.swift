/// The two SQL dialects Pond runs on. Statements are written once with `?` placeholders in the common subset
/// (both support `ON CONFLICT … DO UPDATE`, `RETURNING`, partial indexes); only DDL and locking differ.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// Runs statements inside one connection's current transaction.
public protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ binds: [SQLValue]) async throws -> Int
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
    /// Runs one statement once per row of binds (a prepared statement reused); returns rows changed in total.
    @discardableResult
    func executeMany(_ sql: String, _ rows: [[SQLValue]]) async throws -> Int
    /// Hands each row of a query to `body` as it is read instead of collecting them: for scans too large to hold
    /// as `SQLRow`s cheaply.
    func forEachRow(_ sql: String, _ binds: [SQLValue], _ body: (borrowing SQLRowCursor) throws -> Void) async throws
    /// Runs `sql`, an `INSERT INTO events` whose first two values are the workspace and the message id, for each row
    /// whose message id that workspace's log does not hold yet (nor an earlier row of the call); returns how many
    /// were inserted. Each backend keeps ids unique its own way: a unique index on Postgres, `MessageIDLedger` on
    /// SQLite.
    @discardableResult
    func appendEvents(_ sql: String, _ rows: [[SQLValue]]) async throws -> Int
}

extension SQLExecutor {
    @discardableResult
    public func execute(_ sql: String, _ binds: SQLValue...) async throws -> Int { try await execute(sql, binds) }
    public func query(_ sql: String, _ binds: SQLValue...) async throws -> [SQLRow] { try await query(sql, binds) }
}

/// A database a store can run transactions on.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// A read-only snapshot; may run concurrently with writes.
    func read<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// A read-write transaction, committed when `body` returns and rolled back when it throws. Commit is durable
    /// before this returns: it is what lets the tracking API answer 200.
    func write<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Runs `body` holding lock `key` against every process using this database, for a check-then-write that
    /// spans several transactions: a session-level advisory lock on Postgres (several `pond serve` nodes may share
    /// one), a lock of this process on SQLite (one server owns the file).
    func withLock<T: Sendable>(_ key: Int64, _ body: @Sendable () async throws -> T) async throws -> T
    func close() async throws
}

public enum StoreError: Error, Sendable, CustomStringConvertible {
    case corrupt(String)
    /// The database refused a statement for what it holds or was given (a constraint, a value it cannot store):
    /// the same work fails the same way when tried again.
    case database(String)
    /// The database could not do the work just now (connection lost, deadlock, serialisation failure, disk full,
    /// busy): the same work may succeed when tried again, and must not be blamed on its data.
    case unavailable(String)
    case invalidURL(String)
    case notFound(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .corrupt(let m): return "stored data is not as expected: \(m)"
        case .database(let m): return "database error: \(m)"
        case .unavailable(let m): return "database unavailable: \(m)"
        case .invalidURL(let m): return "invalid database URL: \(m)"
        case .notFound(let m): return m
        case .conflict(let m): return m
        }
    }
}

extension StoreError {
    /// Whether `error` says nothing about the work that failed, only about the moment: such work is retried as it
    /// is, never set aside. Cancellation (shutdown) counts as transient.
    public static func isTransient(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if case StoreError.unavailable? = error as? StoreError { return true }
        return false
    }
}
