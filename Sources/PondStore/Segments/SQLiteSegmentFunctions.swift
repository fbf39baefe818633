import CSQLite
import PondCore

/// The scalar functions compiled segment SQL calls on SQLite, registered on every connection.
///
/// They run Pond's own code — `ISO8601.parse`, `JSONParser` — so SQLite reads dates and numbers exactly as the
/// evaluator does, instead of through SQLite's `date()` (a different grammar) or its own number conversion (which
/// need not round a long decimal the way Swift does). Postgres has functions of the same names and meaning written
/// in SQL (`Migrations`, `003_segment_functions`).
///
/// All are deterministic and side-effect free, so SQLite may evaluate them once per distinct argument list.
enum SQLiteSegmentFunctions {
    typealias Body = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void

    static func register(on db: OpaquePointer) throws {
        // pond_instant(text, offset seconds) → ms since the epoch, or NULL unless `text` is TEXT that
        // `ISO8601.parse` accepts (offset-less text is read at the given offset).
        try define(db, "pond_instant", 2) { context, _, arguments in
            guard let arguments, let text = SQLiteSegmentFunctions.text(arguments[0]),
                let instant = ISO8601.parse(text, defaultOffsetSeconds: Int(sqlite3_value_int64(arguments[1])))
            else { return sqlite3_result_null(context) }
            sqlite3_result_int64(context, instant.millisecondsSinceEpoch)
        }
        // pond_json_int(json text) → the value when it is a JSON number Pond's parser reads as an integer (a literal
        // without fraction or exponent that fits Int64), else NULL.
        try define(db, "pond_json_int", 1) { context, _, arguments in
            guard let arguments, case .int(let value)? = SQLiteSegmentFunctions.number(arguments[0]) else {
                return sqlite3_result_null(context)
            }
            sqlite3_result_int64(context, value)
        }
        // pond_json_real(json text) → the value when it is any other JSON number, as Pond's parser reads it (the
        // nearest double), else NULL.
        try define(db, "pond_json_real", 1) { context, _, arguments in
            guard let arguments, case .double(let value)? = SQLiteSegmentFunctions.number(arguments[0]) else {
                return sqlite3_result_null(context)
            }
            sqlite3_result_double(context, value)
        }
        // pond_property(payload, key) → the JSON text of `properties[key]` of an event payload, and
        // pond_member(object, key) → of `object[key]` (the `properties` that `event_facts` keeps); found by exact
        // key bytes, or NULL. For keys a SQLite JSON path cannot spell (`"`, `\`, control characters).
        try define(db, "pond_property", 2) { context, _, arguments in
            guard let arguments, let payload = SQLiteSegmentFunctions.bytes(arguments[0]) else {
                return sqlite3_result_null(context)
            }
            SQLiteSegmentFunctions.member(
                of: (try? JSONParser.parseStored(payload))?["properties"], key: arguments[1], context: context)
        }
        try define(db, "pond_member", 2) { context, _, arguments in
            guard let arguments, let object = SQLiteSegmentFunctions.bytes(arguments[0]) else {
                return sqlite3_result_null(context)
            }
            SQLiteSegmentFunctions.member(of: try? JSONParser.parseStored(object), key: arguments[1], context: context)
        }
    }

    /// Returns the JSON text of `object[key]` for a member whose key has exactly the bytes of `key`, else NULL.
    private static func member(of object: JSONValue?, key: OpaquePointer?, context: OpaquePointer?) {
        guard let members = object?.objectValue, let key = text(key),
            let index = members.index(forKey: key), members[index].key.utf8.elementsEqual(key.utf8)
        else { return sqlite3_result_null(context) }
        let json = JSONWriter.string(members[index].value)
        sqlite3_result_text(context, json, Int32(json.utf8.count), sqliteTransient)
    }

    private static func define(_ db: OpaquePointer, _ name: String, _ arity: Int32, _ body: Body) throws {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        guard sqlite3_create_function_v2(db, name, arity, flags, nil, body, nil, nil, nil) == SQLITE_OK else {
            throw StoreError.database("cannot define \(name): \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    /// The bytes of a TEXT argument; nil for any other type.
    private static func bytes(_ value: OpaquePointer?) -> UnsafeBufferPointer<UInt8>? {
        guard sqlite3_value_type(value) == SQLITE_TEXT, let start = sqlite3_value_text(value) else { return nil }
        return UnsafeBufferPointer(start: start, count: Int(sqlite3_value_bytes(value)))
    }

    private static func text(_ value: OpaquePointer?) -> String? {
        bytes(value).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A JSON document that is a single number, as Pond's parser reads it.
    private static func number(_ value: OpaquePointer?) -> JSONValue? {
        guard let json = bytes(value),
            let first = json.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
            first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return nil }
        return try? JSONParser.parseStored(json)
    }
}
