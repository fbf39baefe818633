import CSQLite

/// The embedded tier: one SQLite file in WAL mode, one writer connection and a few readers.
///
/// WAL lets readers (the management API, profile views) run while ingestion writes. `synchronous=FULL` makes
/// every commit reach the disk before the tracking API answers 200; `.normal` survives a crash of the process
/// (kill -9) but not of the machine, and is offered for bulk loads where that trade is acceptable.
public final class SQLiteDatabase: SQLDatabase {
    public enum Durability: String, Sendable {
        case full
        case normal
    }

    public let dialect = SQLDialect.sqlite
    private let writer: SQLiteConnection
    private let writeLock = AsyncLock()
    /// `withLock`'s, one for every key: its users are rare (definition changes).
    private let sessionLock = AsyncLock()
    private let writerExecutor = WriterExecutor()
    private let readers: ResourcePool<SQLiteConnection>
    private let messageIDs: MessageIDLedger
    public static let defaultSettleThreshold = 65_536

    /// `settleMessageIDsEvery`: how many message ids the writer gathers in memory before it starts adding them to
    /// `message_ids` (see `MessageIDLedger`).
    public init(
        path: String, durability: Durability = .full, readers readerCount: Int = 4,
        settleMessageIDsEvery: Int = SQLiteDatabase.defaultSettleThreshold
    ) throws {
        messageIDs = MessageIDLedger(settleThreshold: settleMessageIDsEvery)
        writer = try SQLiteConnection(path: path, readOnly: false)
        try writer.exec("PRAGMA journal_mode=WAL")
        try writer.exec("PRAGMA synchronous=\(durability == .full ? "FULL" : "NORMAL")")
        try writer.exec("PRAGMA foreign_keys=ON")
        try writer.exec("PRAGMA cache_size=-65536")
        // Checkpoints run in the commit that crosses the log's threshold (SQLite's default, 1,000 pages). A larger
        // one paid off while a unique index on random message ids dirtied the same pages commit after commit; the
        // event log's pages are new with each commit, so a larger threshold only made each checkpoint's pause longer
        // (64 MB: ~250 ms inside one commit). A large transaction (a bulk load, a migration) may still grow the log;
        // it is cut back to 64 MB after the checkpoint that follows.
        try writer.exec("PRAGMA journal_size_limit=67108864")
        // Migrations may build an index over every event; their sorts spill to temporary files rather than hold the
        // whole key set in memory. Afterwards the writer's temporary tables are small.
        try SQLiteDatabase.migrate(writer)
        try writer.exec("PRAGMA temp_store=MEMORY")
        var pool: [SQLiteConnection] = []
        for _ in 0..<max(1, readerCount) {
            let reader = try SQLiteConnection(path: path, readOnly: true)
            try reader.exec("PRAGMA cache_size=-32768")
            pool.append(reader)
        }
        readers = ResourcePool(pool)
    }

    private static func migrate(_ connection: SQLiteConnection) throws {
        try connection.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        let applied = Set(try connection.query("SELECT name FROM schema_migrations", []).compactMap { $0[0].text })
        for migration in Migrations.sqlite where !applied.contains(migration.name) {
            try connection.exec("BEGIN IMMEDIATE")
            do {
                try connection.exec(migration.sql)
                _ = try connection.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, CAST(strftime('%s','now') AS INTEGER) * 1000)", [.text(migration.name)])
                try connection.exec("COMMIT")
            } catch {
                try? connection.exec("ROLLBACK")
                throw error
            }
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let connection = await readers.take()
        do {
            try connection.exec("BEGIN")
            let result = try await body(SQLiteExecutor(connection: connection))
            try connection.exec("COMMIT")
            await readers.give(connection)
            return result
        } catch {
            try? connection.exec("ROLLBACK")
            await readers.give(connection)
            throw error
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        await writeLock.lock()
        return try await withTaskExecutorPreference(writerExecutor) { try await self.writeLocked(body) }
    }

    private func writeLocked<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            try writer.exec("BEGIN IMMEDIATE")
            let executor = SQLiteExecutor(connection: writer, messageIDs: messageIDs)
            let result = try await body(executor)
            // A body that caught a failed statement's error and returned must not be told its writes are stored.
            guard !executor.failures.failed else {
                throw StoreError.database("the transaction was rolled back because a statement in it failed")
            }
            try writer.exec("COMMIT")
            messageIDs.transactionEnded(committed: true)
            await writeLock.unlock()
            return result
        } catch {
            try? writer.exec("ROLLBACK")
            messageIDs.transactionEnded(committed: false)
            await writeLock.unlock()
            throw error
        }
    }

    /// Lets SQLite refresh its planner statistics, as its documentation recommends before closing a connection.
    public func withLock<T: Sendable>(_ key: Int64, _ body: @Sendable () async throws -> T) async throws -> T {
        try await sessionLock.holding(body)
    }

    public func close() async throws {
        await writeLock.lock()
        try? writer.exec("PRAGMA optimize")
        await writeLock.unlock()
    }
}
