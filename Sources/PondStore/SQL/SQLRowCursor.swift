import PondCore

/// The row a streaming scan (`SQLExecutor.forEachRow`) is on; valid only inside the callback it is handed to.
///
/// For scans of millions of rows, where building an `SQLRow` per row (an array of values, a string per text column)
/// costs more than reading the table: on SQLite the accessors read the current row of the statement directly, and
/// `withBytes` lends a text column's bytes without making a string of them.
public struct SQLRowCursor: ~Copyable {
    enum Source {
        case row(SQLRow)
        case sqlite(OpaquePointer)
    }

    let source: Source

    public func value(_ index: Int) -> SQLValue {
        switch source {
        case .row(let row): return row[index]
        case .sqlite(let statement): return SQLiteConnection.value(statement, Int32(index))
        }
    }

    public func int(_ index: Int) throws -> Int64 {
        if case .sqlite(let statement) = source, let value = SQLiteConnection.integer(statement, Int32(index)) {
            return value
        }
        guard let value = value(index).int else { throw StoreError.corrupt("column \(index) is not an integer") }
        return value
    }

    public func text(_ index: Int) throws -> String {
        guard let value = value(index).text else { throw StoreError.corrupt("column \(index) is not text") }
        return value
    }

    /// Lends the UTF-8 bytes of a text column to `body`; nil for NULL and for values that are not text.
    public func withBytes<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T? {
        switch source {
        case .sqlite(let statement): return try SQLiteConnection.withText(statement, Int32(index), body)
        case .row(let row):
            guard case .text(var text) = row[index] else { return nil }
            return try text.withUTF8(body)
        }
    }
}

extension SQLRowCursor {
    func instant(_ index: Int) throws -> Instant { Instant(millisecondsSinceEpoch: try int(index)) }
}
