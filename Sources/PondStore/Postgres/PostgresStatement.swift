import Foundation

/// A portable statement (`?` placeholders) in the form Postgres takes: placeholders numbered `$1…$n`, and, for a
/// single-row `INSERT … VALUES (…)`, a template that sends many rows in one statement.
///
/// Our SQL never puts `?` inside string literals, but the scanner skips literals and comments anyway, so a `?`
/// in a comment cannot shift the numbering.
struct PostgresStatement: Sendable {
    /// The statement with numbered placeholders.
    let sql: String
    let parameterCount: Int
    /// Set when the statement inserts one row of placeholders and can be widened to many rows.
    let rows: RowTemplate?

    /// `INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT …` split into the part before the row, the row and the part
    /// after it.
    ///
    /// Widening is only offered when it means the same as running the statement once per row: every placeholder
    /// is in the row, the row has no subquery (a subquery would see the table before the whole statement rather
    /// than after each earlier row), and the statement has a single `VALUES` row. One difference remains and is
    /// handled by the executor: `ON CONFLICT DO UPDATE` refuses to touch the same row twice in one statement.
    struct RowTemplate: Sendable {
        let head: String
        /// The row's text split at each placeholder: `parameterCount + 1` pieces.
        let rowPieces: [String]
        let tail: String
        let updatesOnConflict: Bool

        func sql(rowCount: Int) -> String {
            let parameters = rowPieces.count - 1
            var text = head
            let rowLength = rowPieces.reduce(0) { $0 + $1.utf8.count } + parameters * 6 + 2
            text.reserveCapacity(head.utf8.count + tail.utf8.count + rowCount * rowLength)
            for row in 0..<rowCount {
                if row > 0 { text += ", " }
                text += rowPieces[0]
                for parameter in 0..<parameters {
                    text += "$\(row * parameters + parameter + 1)"
                    text += rowPieces[parameter + 1]
                }
            }
            text += tail
            return text
        }
    }

    init(_ portable: String) {
        let bytes = Array(portable.utf8)
        var code: [Int] = []
        code.reserveCapacity(bytes.count)
        code.append(contentsOf: SQLCodeScanner(bytes))
        let placeholders = code.filter { bytes[$0] == SQLByte.questionMark }

        var numbered: [UInt8] = []
        numbered.reserveCapacity(bytes.count + placeholders.count * 2)
        var start = 0
        for (index, offset) in placeholders.enumerated() {
            numbered.append(contentsOf: bytes[start..<offset])
            numbered.append(contentsOf: "$\(index + 1)".utf8)
            start = offset + 1
        }
        numbered.append(contentsOf: bytes[start...])
        sql = String(decoding: numbered, as: UTF8.self)
        parameterCount = placeholders.count
        rows = Self.rowTemplate(bytes, code: code, placeholders: placeholders)
    }

    /// Splits a script of several statements on the `;` between them, for the extended protocol, which takes one
    /// statement at a time. Empty statements are dropped.
    static func split(_ script: String) -> [String] {
        let bytes = Array(script.utf8)
        var statements: [String] = []
        var start = 0
        for offset in SQLCodeScanner(bytes) where bytes[offset] == SQLByte.semicolon {
            statements.append(String(decoding: bytes[start..<offset], as: UTF8.self))
            start = offset + 1
        }
        statements.append(String(decoding: bytes[start...], as: UTF8.self))
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private static func rowTemplate(_ bytes: [UInt8], code: [Int], placeholders: [Int]) -> RowTemplate? {
        guard let first = code.first(where: { !SQLByte.isWhitespace(bytes[$0]) }),
            isKeyword("INSERT", at: first, in: bytes), !placeholders.isEmpty
        else { return nil }

        // Find the top-level VALUES, then the parenthesised row after it.
        var depth = 0
        var valuesEnd: Int?
        var rowStart: Int?
        var rowEnd: Int?
        for offset in code {
            let byte = bytes[offset]
            if rowEnd != nil {
                // Only whitespace may separate the row from the tail; a comma means several rows already.
                if SQLByte.isWhitespace(byte) { continue }
                if byte == SQLByte.comma { return nil }
                break
            }
            if let valuesEnd, offset < valuesEnd { continue }
            if byte == SQLByte.openParen {
                if valuesEnd != nil && depth == 0 && rowStart == nil { rowStart = offset }
                depth += 1
            } else if byte == SQLByte.closeParen {
                depth -= 1
                if depth == 0 && rowStart != nil { rowEnd = offset }
            } else if isKeyword("SELECT", at: offset, in: bytes) {
                return nil
            } else if valuesEnd == nil {
                if depth == 0 && isKeyword("VALUES", at: offset, in: bytes) { valuesEnd = offset + 6 }
            } else if rowStart == nil && !SQLByte.isWhitespace(byte) {
                return nil
            }
        }
        guard let valuesEnd, let rowStart, let rowEnd,
            placeholders.allSatisfy({ $0 > rowStart && $0 < rowEnd })
        else { return nil }

        var tailEnd = bytes.count
        while tailEnd > rowEnd + 1, SQLByte.isWhitespace(bytes[tailEnd - 1]) || bytes[tailEnd - 1] == SQLByte.semicolon {
            tailEnd -= 1
        }
        var pieces: [String] = []
        var start = rowStart
        for offset in placeholders {
            pieces.append(String(decoding: bytes[start..<offset], as: UTF8.self))
            start = offset + 1
        }
        pieces.append(String(decoding: bytes[start...rowEnd], as: UTF8.self))
        let tail = String(decoding: bytes[(rowEnd + 1)..<tailEnd], as: UTF8.self)
        return RowTemplate(
            head: String(decoding: bytes[..<valuesEnd], as: UTF8.self) + " ",
            rowPieces: pieces,
            tail: tail,
            updatesOnConflict: tail.uppercased().contains("UPDATE"))
    }

    /// Whether `keyword` (upper case ASCII) starts at `offset` as a whole word.
    private static func isKeyword(_ keyword: StaticString, at offset: Int, in bytes: [UInt8]) -> Bool {
        let count = keyword.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        if offset > 0 && SQLByte.isIdentifier(bytes[offset - 1]) { return false }
        if offset + count < bytes.count && SQLByte.isIdentifier(bytes[offset + count]) { return false }
        return keyword.withUTF8Buffer { word in
            word.indices.allSatisfy { bytes[offset + $0] & ~0x20 == word[$0] }
        }
    }
}
