/// How one dialect reads one JSON value — a stored trait, an event property or an array element — in SQL.
///
/// Three expressions per value, because the dialects' JSON functions each get part of the semantics right:
/// - `kind`: the value's JSON type. SQLite's `json_type` names (`null true false integer real text array object`)
///   or Postgres' `json_typeof` names (`null boolean number string array object`). SQL NULL when absent.
/// - `text`: SQLite's `json_extract` (text for strings, numbers for numbers, JSON text for arrays and objects) or
///   Postgres' `->>` (unescaped text for strings, the JSON text of anything else). Only trusted together with
///   `kind`: a JSON `true` reads as `1` in SQLite and `'true'` in Postgres.
/// - `json`: the value as JSON (text in SQLite, `json` in Postgres), for numbers (whose exact spelling decides
///   whether Pond reads them as integers or doubles) and arrays.
///
/// Postgres reads stored text as `json`, not `jsonb`: `jsonb` keeps numbers as `numeric` and forgets how they were
/// written, and Pond reads `1.0e2` as a double but `100` as an integer, which matters beyond 2^53.
struct JSONValueSQL {
    var kind: SQLFragment
    var text: SQLFragment
    var json: SQLFragment

    /// A whole stored JSON document: `profile_traits.value` in SQLite, `pond_json(value)` in Postgres.
    static func document(_ json: SQLFragment, _ dialect: SQLDialect) -> JSONValueSQL {
        switch dialect {
        case .sqlite:
            return JSONValueSQL(kind: "json_type(\(json))", text: "json_extract(\(json), '$')", json: json)
        case .postgres:
            return JSONValueSQL(kind: "json_typeof(\(json))", text: "(\(json) #>> '{}')", json: json)
        }
    }

    /// Where an event's properties are read from: a whole stored payload (`events.payload`) or the `properties`
    /// object alone (`event_facts.properties`).
    enum Properties {
        case payload(SQLFragment)
        case object(SQLFragment)
    }

    /// `properties[key]` of an event.
    ///
    /// SQLite: `$.properties."key"` (or `$."key"` in the object) addresses the member when the key has no `"`, `\`
    /// or control character — the only characters `JSONWriter` escapes, so for every other key the stored spelling
    /// is the key's own bytes, which is what SQLite (3.38 and later) compares a quoted path label with. The path is
    /// bound, never spliced. Other keys go through `pond_property` / `pond_member`, which look them up with Pond's
    /// own parser.
    ///
    /// Postgres: `pond_json(payload) -> 'properties' -> key` (or `pond_json(object) -> key`) with the key bound. Each
    /// use parses the document again, which costs less than it seems: written inline, the test runs in the parallel
    /// workers scanning the table, where a lateral subquery computing it once per row would run above the `Gather`,
    /// on one core. (`#>` with a path would parse once but reads `properties[0]` of an array for the key `"0"`;
    /// Pond reads no property of an array.)
    static func property(_ key: String, of properties: Properties, _ dialect: SQLDialect) -> JSONValueSQL {
        switch dialect {
        case .sqlite:
            let (document, prefix, function): (SQLFragment, String, SQLFragment)
            switch properties {
            case .payload(let payload): (document, prefix, function) = (payload, "$.properties.", "pond_property")
            case .object(let object): (document, prefix, function) = (object, "$.", "pond_member")
            }
            if key.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                let path = SQLValue.text(prefix + "\"" + key + "\"")
                return JSONValueSQL(
                    kind: "json_type(\(document), \(bind: path))", text: "json_extract(\(document), \(bind: path))",
                    json: "(\(document) -> \(bind: path))")
            }
            return self.document("\(function)(\(document), \(bind: key))", .sqlite)
        case .postgres:
            let object: SQLFragment
            switch properties {
            case .payload(let payload): object = "(pond_json(\(payload)) -> 'properties')"
            case .object(let column): object = "pond_json(\(column))"
            }
            let key = SQLValue.text(PostgresText.inJSON(key))
            return JSONValueSQL(
                kind: "json_typeof(\(object) -> \(bind: key))", text: "(\(object) ->> \(bind: key))",
                json: "(\(object) -> \(bind: key))")
        }
    }

    /// The elements of this value when it is an array, as a table alias with one row per element, and how to read
    /// each element. The table must only be used when `kind` says `array` (Postgres fails on anything else).
    func elements(_ dialect: SQLDialect) -> (table: SQLFragment, element: JSONValueSQL) {
        switch dialect {
        case .sqlite:
            // json_each has no column with an element's JSON spelling; `json -> '$[i]'` gives it.
            return (
                "json_each(\(json)) AS je",
                JSONValueSQL(kind: "je.type", text: "je.value", json: "(\(json) -> ('$[' || je.key || ']'))")
            )
        case .postgres:
            return ("json_array_elements(\(json)) AS je(v)", .document("je.v", .postgres))
        }
    }
}

/// Strings Postgres compares with stored text.
///
/// Postgres text cannot hold U+0000. Stored columns therefore never contain it (a name with U+0000 in a rule
/// matches no row), and inside stored JSON `pond_json` reads a `\u0000` escape as U+FFFF (a noncharacter), so a
/// string from a rule is compared with U+0000 turned into U+FFFF too.
enum PostgresText {
    /// A name compared with a column; nil when it contains U+0000 and so equals nothing stored.
    static func column(_ name: String) -> String? {
        name.utf8.contains(0) ? nil : name
    }

    /// A string compared with a string inside stored JSON.
    static func inJSON(_ string: String) -> String {
        guard string.utf8.contains(0) else { return string }
        return String(string.unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFF}" : Character($0) })
    }
}
