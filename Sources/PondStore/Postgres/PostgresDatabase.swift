import Logging
import PostgresNIO

/// The production tier: several stateless `pond` processes sharing one PostgreSQL database.
///
/// Each `read` or `write` leases a connection from a `PostgresClient` pool, holds it for the whole body and runs
/// the body inside one transaction on it, so everything the body does commits or rolls back together. The pool
/// only hands out connections while `run()` is running; start it before the first transaction (a transaction
/// started earlier waits for it).
///
/// Statements arrive in the portable form every backend shares (`?` placeholders); the executor numbers them for
/// Postgres and sends batched inserts as multi-row statements.
public final class PostgresDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    private let client: PostgresClient
    private let url: PostgresURL
    /// `withLock`'s holders in this process, one for every key.
    private let sessionLock = AsyncLock()
    private let logger: Logger
    private let statements = PostgresStatementCache()

    /// The key of the advisory lock that serialises migrations between processes starting at the same time. Any
    /// constant does, as long as every Pond process uses the same one: this is "pond" in ASCII.
    static let migrationLockKey: Int64 = 0x706F_6E64

    /// Connects lazily: nothing reaches the server until `run()` is running and a transaction asks for a connection.
    ///
    /// - Parameter url: `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require|verify-full]`.
    ///   Without `sslmode`, loopback hosts connect in plain TCP and others prefer TLS, as libpq does.
    public init(url: String, logger: Logger = Logger(label: "pond.postgres")) throws {
        let parsed = try PostgresURL(url)
        self.url = parsed
        self.logger = logger
        client = PostgresClient(configuration: parsed.clientConfiguration(), backgroundLogger: logger)
        logger.debug("postgres database configured", metadata: ["database": "\(parsed)"])
        if !parsed.ignoredParameters.isEmpty {
            logger.warning(
                "postgres URL parameters not supported by pond are ignored",
                metadata: ["parameters": "\(parsed.ignoredParameters.joined(separator: ", "))"])
        }
    }

    /// Runs the connection pool until the calling task is cancelled. Call it once, from a long-running task (a
    /// `Service` in `PondEngine` can wrap it).
    public func run() async throws {
        await client.run()
    }

    /// Applies the migrations in `Migrations.postgres` that `schema_migrations` does not list yet, each in its own
    /// transaction.
    ///
    /// Every transaction first takes a transaction-scoped advisory lock, so when several nodes start at once one
    /// applies a migration while the others wait, then find it recorded and skip it. The lock is released by the
    /// commit, including when a node dies half-way.
    public func migrate() async throws {
        try await transaction(begin: "BEGIN") { executor in
            try await executor.execute("SELECT pg_advisory_xact_lock(?)", [.int(Self.migrationLockKey)])
            try await executor.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)", [])
        }
        for migration in Migrations.postgres {
            let applied = try await transaction(begin: "BEGIN") { executor -> Bool in
                try await executor.execute("SELECT pg_advisory_xact_lock(?)", [.int(Self.migrationLockKey)])
                let recorded = try await executor.query(
                    "SELECT 1 FROM schema_migrations WHERE name = ?", [.text(migration.name)])
                guard recorded.isEmpty else { return false }
                // The extended protocol takes one statement at a time. Migration text is sent as written, with no
                // placeholder numbering, so DDL may use `?` (a jsonb operator) freely.
                for statement in PostgresStatement.split(migration.sql) {
                    try await executor.run(statement, PostgresBindings(), portable: statement)
                }
                try await executor.execute(
                    """
                    INSERT INTO schema_migrations (name, applied_at)
                    VALUES (?, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                    """,
                    [.text(migration.name)])
                return true
            }
            if applied { logger.info("applied postgres migration", metadata: ["migration": "\(migration.name)"]) }
        }
    }

    /// A repeatable-read, read-only transaction: every statement in `body` sees the same snapshot, and Postgres
    /// never has to fail it for a serialisation conflict.
    public func read<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY") { try await body($0) }
    }

    /// A read-committed transaction. Postgres' default `synchronous_commit = on` makes the commit durable before
    /// `COMMIT` answers.
    public func write<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN") { try await body($0) }
    }

    /// Nothing to release: the pool closes its connections when `run()` is cancelled.
    public func close() async throws {}

    /// Holds the advisory lock on a connection of its own while `body` runs on others. Should the unlock fail, the
    /// connection is closed, which ends its session and so releases the lock.
    ///
    /// Holders of this process queue in memory first: were each waiter to lease a connection and block on the
    /// advisory lock, enough of them would take the whole pool, and the holder's body could get no connection.
    public func withLock<T: Sendable>(_ key: Int64, _ body: @Sendable () async throws -> T) async throws -> T {
        try await sessionLock.holding { try await self.withAdvisoryLock(key, body) }
    }

    private func withAdvisoryLock<T: Sendable>(_ key: Int64, _ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                let executor = PostgresExecutor(connection: connection, logger: logger, statements: statements)
                let lock = "SELECT pg_advisory_lock(\(key))"
                try await executor.run(lock, PostgresBindings(), portable: lock)
                let outcome: Result<T, any Error>
                do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
                do {
                    let unlock = "SELECT pg_advisory_unlock(\(key))"
                    try await executor.run(unlock, PostgresBindings(), portable: unlock)
                } catch {
                    let _: EventLoopFuture<Void> = connection.close()
                }
                return try outcome.get()
            }
        } catch let error as PSQLError {
            throw StoreError.postgres(error, in: nil)
        }
    }

    private func transaction<T: Sendable>(
        begin: String, _ body: (PostgresExecutor) async throws -> T
    ) async throws -> T {
        var leased = false
        do {
            return try await client.withConnection { connection in
                leased = true
                let executor = PostgresExecutor(connection: connection, logger: logger, statements: statements)
                try await executor.run(begin, PostgresBindings(), portable: begin)
                let result: T
                do {
                    result = try await body(executor)
                } catch {
                    await rollBack(executor)
                    throw error
                }
                // After a failed statement Postgres answers COMMIT with ROLLBACK rather than an error; a body that
                // caught the error and returned must not be told its writes are stored.
                let outcome = try await executor.commandTag("COMMIT")
                guard outcome == "COMMIT" else {
                    throw StoreError.database("the transaction was rolled back because a statement in it failed")
                }
                return result
            }
        } catch let error as PSQLError {
            throw StoreError.postgres(error, in: nil)
        } catch let error where !leased && !(error is CancellationError) {
            throw StoreError.unavailable("no connection to \(url): \(await connectionFailure() ?? "\(error)")")
        }
    }

    /// Why connecting fails, found by connecting once outside the pool.
    ///
    /// When every attempt fails (wrong password, missing database, no TLS on the server), the pool retries for
    /// about a minute and then fails leases with a bare "circuit breaker tripped", logging the real causes only
    /// at info level. One direct attempt recovers the cause for the error message.
    private func connectionFailure() async -> String? {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: url.connectionConfiguration(), id: 0, logger: logger)
            try? await connection.close()
            return nil
        } catch {
            switch StoreError.postgres(error, in: nil) {
            case StoreError.database(let message), StoreError.unavailable(let message): return message
            default: return "\(error)"
            }
        }
    }

    /// A connection whose rollback failed may still be inside the transaction; it is closed so the pool replaces
    /// it instead of lending it out mid-transaction.
    private func rollBack(_ executor: PostgresExecutor) async {
        do {
            try await executor.run("ROLLBACK", PostgresBindings(), portable: "ROLLBACK")
        } catch {
            logger.warning("postgres rollback failed; closing the connection", metadata: ["error": "\(error)"])
            let _: EventLoopFuture<Void> = executor.connection.close()
        }
    }
}
