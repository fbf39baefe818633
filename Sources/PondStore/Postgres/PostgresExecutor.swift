import Foundation
import Logging
import PostgresNIO

/// Runs statements on one leased connection, inside the transaction `PostgresDatabase` opened on it.
///
/// Values go to the server as typed binds (`.int` as int8, `.double` as float8, `.text` as text) and `.null`
/// untyped, so Postgres infers its type from where it is used, as SQLite would accept it. Rows come back in
/// binary and are turned into `SQLValue`s by column type.
struct PostgresExecutor: SQLExecutor {
    /// Postgres' Bind message counts parameters in 16 bits.
    static let maximumBinds = Int(UInt16.max)
    /// Rows per widened INSERT: large enough that 500-event batches are one statement, small enough that the
    /// statement text stays modest.
    static let maximumRowsPerStatement = 1000

    let connection: PostgresConnection
    let logger: Logger
    let statements: PostgresStatementCache
    var dialect: SQLDialect { .postgres }

    @discardableResult
    func execute(_ sql: String, _ binds: [SQLValue]) async throws -> Int {
        let statement = statements[sql]
        try check(binds.count, for: statement, portable: sql)
        return try await run(statement.sql, bindings(binds), portable: sql)
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try await forEachRow(sql, binds) { row in rows.append(row) }
        return rows
    }

    func forEachRow(_ sql: String, _ binds: [SQLValue], _ body: (borrowing SQLRowCursor) throws -> Void) async throws {
        try await forEachRow(sql, binds) { row in try body(SQLRowCursor(source: .row(row))) }
    }

    /// Rows as they arrive from the server, so a large scan never holds all of them.
    private func forEachRow(_ sql: String, _ binds: [SQLValue], _ body: (SQLRow) throws -> Void) async throws {
        let statement = statements[sql]
        try check(binds.count, for: statement, portable: sql)
        let query = PostgresQuery(unsafeSQL: statement.sql, binds: try bindings(binds))
        do {
            for try await row in try await connection.query(query, logger: logger) {
                var values: [SQLValue] = []
                values.reserveCapacity(row.count)
                for cell in row { values.append(try Self.value(of: cell)) }
                try body(SQLRow(values))
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.postgres(error, in: sql)
        }
    }

    /// Sends a single-row INSERT as multi-row INSERTs (one round trip per chunk rather than per row) and anything
    /// else once per row.
    @discardableResult
    func executeMany(_ sql: String, _ rows: [[SQLValue]]) async throws -> Int {
        let statement = statements[sql]
        for row in rows { try check(row.count, for: statement, portable: sql) }
        guard rows.count > 1, let template = statement.rows else {
            var total = 0
            for row in rows { total += try await run(statement.sql, bindings(row), portable: sql) }
            return total
        }
        let chunkSize = min(Self.maximumRowsPerStatement, Self.maximumBinds / statement.parameterCount)
        var total = 0
        for start in stride(from: 0, to: rows.count, by: chunkSize) {
            let chunk = rows[start..<min(start + chunkSize, rows.count)]
            if template.updatesOnConflict {
                total += try await upsert(chunk, template, statement, portable: sql)
            } else {
                total += try await run(template.sql(rowCount: chunk.count), bindings(chunk.joined()), portable: sql)
            }
        }
        return total
    }

    func appendEvents(_ sql: String, _ rows: [[SQLValue]]) async throws -> Int {
        try await executeMany(sql + "\nON CONFLICT (workspace_id, message_id) DO NOTHING", rows)
    }

    /// `INSERT … ON CONFLICT DO UPDATE` with the same key twice in one statement fails (SQLSTATE 21000, "cannot
    /// affect row a second time"), whereas row by row the later row updates the earlier one. A batch is tried as
    /// one statement behind a savepoint and, only if it has such a repeat, replayed row by row.
    private func upsert(
        _ chunk: ArraySlice<[SQLValue]>, _ template: PostgresStatement.RowTemplate, _ statement: PostgresStatement,
        portable: String
    ) async throws -> Int {
        try await run("SAVEPOINT pond_execute_many", PostgresBindings(), portable: "SAVEPOINT")
        do {
            let query = PostgresQuery(unsafeSQL: template.sql(rowCount: chunk.count), binds: try bindings(chunk.joined()))
            let changed = try await rowsChanged(by: query)
            try await run("RELEASE SAVEPOINT pond_execute_many", PostgresBindings(), portable: "RELEASE SAVEPOINT")
            return changed
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "21000" {
            try await run("ROLLBACK TO SAVEPOINT pond_execute_many", PostgresBindings(), portable: "ROLLBACK TO SAVEPOINT")
            try await run("RELEASE SAVEPOINT pond_execute_many", PostgresBindings(), portable: "RELEASE SAVEPOINT")
            var total = 0
            for row in chunk { total += try await run(statement.sql, bindings(row), portable: portable) }
            return total
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.postgres(error, in: portable)
        }
    }

    /// Runs a statement and returns the row count of its command tag (`INSERT 0 n`, `UPDATE n`, `DELETE n`).
    @discardableResult
    func run(_ sql: String, _ binds: PostgresBindings, portable: String) async throws -> Int {
        do {
            return try await rowsChanged(by: PostgresQuery(unsafeSQL: sql, binds: binds))
        } catch {
            throw StoreError.postgres(error, in: portable)
        }
    }

    /// The command tag of a statement, such as `COMMIT` or `ROLLBACK`.
    func commandTag(_ sql: String) async throws -> String {
        do {
            return try await metadata(PostgresQuery(unsafeSQL: sql)).command
        } catch {
            throw StoreError.postgres(error, in: sql)
        }
    }

    private func rowsChanged(by query: PostgresQuery) async throws -> Int {
        try await metadata(query).rows ?? 0
    }

    /// The row-sequence API does not expose the command tag; the callback API does.
    private func metadata(_ query: PostgresQuery) async throws -> PostgresQueryMetadata {
        try await connection.query(query, logger: logger) { _ in }.get()
    }

    private func check(_ count: Int, for statement: PostgresStatement, portable: String) throws {
        guard count == statement.parameterCount else {
            throw StoreError.database(
                "statement takes \(statement.parameterCount) values but was given \(count), in: \(portable.prefix(200))")
        }
    }

    private func bindings<Values: Collection<SQLValue>>(_ values: Values) throws -> PostgresBindings {
        guard values.count <= Self.maximumBinds else {
            throw StoreError.database("a statement takes at most \(Self.maximumBinds) values, not \(values.count)")
        }
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .int(let int): bindings.append(int)
            case .double(let double): bindings.append(double)
            case .text(let text): bindings.append(text)
            }
        }
        return bindings
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8:
                return .int(try cell.decode(Int64.self))
            case .oid:
                guard let oid = bytes.readInteger(as: UInt32.self) else { throw PostgresDecodingError.Code.failure }
                return .int(Int64(oid))
            case .float4, .float8:
                return .double(try cell.decode(Double.self))
            case .numeric:
                // Through its decimal text, the same digits psql would print.
                let decimal = try cell.decode(Decimal.self)
                guard let double = Double("\(decimal)") else { throw PostgresDecodingError.Code.failure }
                return .double(double)
            case .bool:
                return .int(try cell.decode(Bool.self) ? 1 : 0)
            default:
                // text, varchar, name, bpchar, json, jsonb, uuid, enums… all arrive as, or convert to, text.
                return .text(try cell.decode(String.self))
            }
        } catch {
            throw StoreError.corrupt(
                "column \(cell.columnIndex) (\(cell.columnName), type \(cell.dataType)) cannot be read")
        }
    }
}

/// Rewritten statements by their portable text. Pond's statements are constants, so this stays small; the bound
/// only guards against SQL built per call. Every access to the dictionary holds the lock, which is what makes the
/// `@unchecked Sendable` sound.
final class PostgresStatementCache: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: [String: PostgresStatement] = [:]
    private let limit = 2048

    subscript(_ sql: String) -> PostgresStatement {
        lock.lock()
        let cached = statements[sql]
        lock.unlock()
        if let cached { return cached }
        let statement = PostgresStatement(sql)
        lock.lock()
        if statements.count >= limit { statements.removeAll(keepingCapacity: true) }
        statements[sql] = statement
        lock.unlock()
        return statement
    }
}
