import CSQLite

/// One SQLite connection with a prepared-statement cache.
///
/// Not thread-safe by itself: `SQLiteDatabase` hands each connection to one task at a time (the writer behind an
/// async lock, readers through a pool), which is what makes the `@unchecked Sendable` sound.
final class SQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// Pond's own statements are constants, but compiled segment rules are not; past this many cached statements
    /// the cache starts over, so a long-lived connection does not keep every rule it ever ran.
    private let statementLimit = 512

    /// Process-wide settings, applied once before the first connection opens.
    private static let configured: Void = { _ = pond_sqlite3_disable_memory_statistics() }()

    init(path: String, readOnly: Bool) throws {
        Self.configured
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw StoreError.database("open \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
        try SQLiteSegmentFunctions.register(on: db)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    func exec(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw Self.error(code: sqlite3_extended_errcode(handle), message)
        }
    }

    private func prepare(_ sql: String) throws -> OpaquePointer {
        if let cached = statements[sql] {
            sqlite3_reset(cached)
            sqlite3_clear_bindings(cached)
            return cached
        }
        if statements.count >= statementLimit {
            for cached in statements.values { sqlite3_finalize(cached) }
            statements.removeAll(keepingCapacity: true)
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else { throw lastError(sql) }
        statements[sql] = statement
        return statement
    }

    private func lastError(_ sql: String) -> StoreError {
        Self.error(code: sqlite3_extended_errcode(handle), "\(String(cString: sqlite3_errmsg(handle))) in: \(sql.prefix(200))")
    }

    /// Busy, locked or read-only files, I/O errors, a full disk and exhausted memory say nothing about the statement: they are
    /// `unavailable`, so work that hit them is retried rather than set aside.
    static func error(code: Int32, _ message: String) -> StoreError {
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PROTOCOL, SQLITE_READONLY,
            SQLITE_PERM:
            .unavailable(message)
        default:
            .database(message)
        }
    }

    private func bind(_ binds: [SQLValue], to statement: OpaquePointer) throws {
        for (i, value) in binds.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .int(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .double(let v): rc = sqlite3_bind_double(statement, index, v)
            case .text(var v):
                // From the string's own UTF-8 (no C string made on the way) and with the byte count, so text holding
                // U+0000 is bound whole rather than cut at it. SQLite copies it (`SQLITE_TRANSIENT`).
                rc = v.withUTF8 { bytes in
                    guard let start = bytes.baseAddress, !bytes.isEmpty else {
                        return sqlite3_bind_text(statement, index, "", 0, sqliteTransient)
                    }
                    return start.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(statement, index, $0, Int32(bytes.count), sqliteTransient)
                    }
                }
            }
            guard rc == SQLITE_OK else { throw StoreError.database("bind \(index): \(String(cString: sqlite3_errmsg(handle)))") }
        }
    }

    func execute(_ sql: String, _ binds: [SQLValue]) throws -> Int {
        try run(try prepare(sql), binds, sql)
    }

    /// The statement is looked up once for all rows: the cache is keyed by the SQL text, which is hashed per look-up.
    func executeMany(_ sql: String, _ rows: [[SQLValue]]) throws -> Int {
        guard !rows.isEmpty else { return 0 }
        let statement = try prepare(sql)
        var total = 0
        for row in rows {
            sqlite3_clear_bindings(statement)
            total += try run(statement, row, sql)
        }
        return total
    }

    private func run(_ statement: OpaquePointer, _ binds: [SQLValue], _ sql: String) throws -> Int {
        defer { sqlite3_reset(statement) }
        try bind(binds, to: statement)
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            if rc != SQLITE_ROW { throw lastError(sql) }
        }
        return Int(sqlite3_changes(handle))
    }

    func query(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEachRow(sql, binds) { statement in
            let columns = sqlite3_column_count(statement)
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columns))
            for column in 0..<columns { values.append(Self.value(statement, column)) }
            rows.append(SQLRow(values))
        }
        return rows
    }

    /// Steps through a query's rows, handing `body` the statement positioned on each.
    func forEachRow(_ sql: String, _ binds: [SQLValue], _ body: (OpaquePointer) throws -> Void) throws {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement) }
        try bind(binds, to: statement)
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw lastError(sql) }
            try body(statement)
        }
    }

    static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, column))
        case SQLITE_NULL: return .null
        default: return withText(statement, column) { .text(String(decoding: $0, as: UTF8.self)) } ?? .null
        }
    }

    /// The column's value when SQLite holds it as an integer.
    static func integer(_ statement: OpaquePointer, _ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_INTEGER ? sqlite3_column_int64(statement, column) : nil
    }

    /// Lends a TEXT column's bytes, valid until the statement moves on.
    static func withText<T>(_ statement: OpaquePointer, _ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T)
        rethrows -> T?
    {
        let type = sqlite3_column_type(statement, column)
        guard type == SQLITE_TEXT || type == SQLITE_BLOB, let text = sqlite3_column_text(statement, column) else {
            return nil
        }
        return try body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))))
    }
}

/// SQLite's SQLITE_TRANSIENT: tells it to copy bound text before the Swift string goes away.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Adapts a connection that a task holds exclusively to the async executor seam.
struct SQLiteExecutor: SQLExecutor {
    let connection: SQLiteConnection
    /// The writer's; read transactions have none.
    var messageIDs: MessageIDLedger?
    /// Set when a statement of the transaction fails, so that the transaction is rolled back even if the caller
    /// caught the error — as Postgres does, which refuses to commit a transaction after a failed statement.
    let failures = StatementFailures()
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws -> Int { try noting { try connection.execute(sql, binds) } }
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] { try noting { try connection.query(sql, binds) } }
    func executeMany(_ sql: String, _ rows: [[SQLValue]]) async throws -> Int {
        try noting { try connection.executeMany(sql, rows) }
    }

    func forEachRow(_ sql: String, _ binds: [SQLValue], _ body: (borrowing SQLRowCursor) throws -> Void) async throws {
        try noting { try connection.forEachRow(sql, binds) { try body(SQLRowCursor(source: .sqlite($0))) } }
    }

    private func noting<T>(_ statement: () throws -> T) throws -> T {
        do {
            return try statement()
        } catch let error as StoreError {
            failures.failed = true
            throw error
        }
    }

    func appendEvents(_ sql: String, _ rows: [[SQLValue]]) async throws -> Int {
        guard let messageIDs else { throw StoreError.database("events are appended in write transactions") }
        return try noting { try messageIDs.append(sql, rows, on: connection) }
    }
}

/// Whether a statement of one transaction failed. Touched only by the task that holds the connection.
final class StatementFailures: @unchecked Sendable {
    var failed = false
}
