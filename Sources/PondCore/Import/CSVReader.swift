/// The field separators Pond reads. Excel writes `,` (or `;` where the decimal mark is a comma); database tools
/// and "text" exports write tabs.
public enum CSVDelimiter: String, Sendable, Codable, CaseIterable {
    case comma = ","
    case tab = "\t"
    case semicolon = ";"

    public var byte: UInt8 { rawValue.utf8.first! }

    /// Accepts the character itself or its name (`comma`, `tab`, `semicolon`), for query strings and flags.
    public init?(name: String) {
        switch name.lowercased() {
        case ",", "comma": self = .comma
        case "\t", "tab", "\\t": self = .tab
        case ";", "semicolon": self = .semicolon
        default: return nil
        }
    }
}

/// One record of a CSV file.
public struct CSVRecord: Sendable, Equatable {
    /// 1-based position among the file's records, header included: the row number a spreadsheet shows, which is
    /// what people look for when a report says "row 17". A quoted field spanning lines is still one row.
    public var row: Int
    /// 1-based physical line the record starts on.
    public var line: Int
    public var fields: [String]

    public init(row: Int, line: Int, fields: [String]) {
        self.row = row
        self.line = line
        self.fields = fields
    }
}

/// Why a CSV file cannot be read. The whole file is refused, because a structural error (an unbalanced quote, a
/// wrong encoding) makes every row after it unreliable.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unexpectedQuote = "unexpected_quote"
        case textAfterClosingQuote = "text_after_closing_quote"
        case unterminatedQuote = "unterminated_quote"
        case invalidUTF8 = "invalid_utf8"
        case unsupportedEncoding = "unsupported_encoding"
        case fieldTooLong = "field_too_long"
        case nulCharacter = "nul_character"
    }

    public let kind: Kind
    public let row: Int
    public let line: Int
    public let message: String

    public init(_ kind: Kind, row: Int, line: Int, _ message: String) {
        self.kind = kind
        self.row = row
        self.line = line
        self.message = message
    }

    public var description: String { "row \(row) (line \(line)): \(message)" }
}

/// A strict RFC 4180 reader that works on a stream of byte chunks.
///
/// Strict because brand exports are imported unattended: guessing at a malformed quote silently shifts every later
/// column, so an order amount lands in the phone column. Whatever the RFC allows is read (quoted fields with `""`
/// escapes, delimiters and line breaks inside quotes, CRLF or LF — and lone CR — line ends); anything else is an
/// error naming the row and line. Two things real exports do are accepted on purpose:
/// - a UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped;
/// - an unquoted field written `="…"` (how Excel, Tmall and other exports keep long order numbers from turning into
///   `3.05E+15`) is read as the text between the quotes.
/// Text must be UTF-8: Excel on Chinese Windows saves GB18030 by default, and reading that as anything else would
/// store garbled names, so it is refused with a hint to re-save it.
///
/// Memory stays proportional to one chunk plus the longest field: call `read(_:)` with each chunk as it arrives and
/// `finish()` at the end. Blank lines are skipped, but they still count as rows.
public struct CSVReader: Sendable {
    private enum State {
        case fieldStart
        case unquoted
        case quoted
        /// A `"` inside a quoted field: the end of the field, or the first half of a `""` escape.
        case quoteInQuoted
        /// An `=` at the start of a field: maybe Excel's `="…"` form.
        case equals
    }

    public let delimiter: CSVDelimiter
    public let maximumFieldBytes: Int

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var recordHasContent = false
    private var row = 1
    private var line = 1
    private var recordLine = 1
    private var quoteLine = 1
    private var previousWasCR = false
    /// The first bytes of the stream, held until it is clear whether they are a byte-order mark.
    private var prefix: [UInt8] = []
    private var prefixDone = false

    public init(delimiter: CSVDelimiter = .comma, maximumFieldBytes: Int = 1 << 20) {
        self.delimiter = delimiter
        self.maximumFieldBytes = maximumFieldBytes
        field.reserveCapacity(256)
    }

    /// Reads a whole document at once (tests, small bodies).
    public static func records(_ bytes: [UInt8], delimiter: CSVDelimiter = .comma) throws(CSVError) -> [CSVRecord] {
        var reader = CSVReader(delimiter: delimiter)
        var records = try reader.read(bytes[...])
        records += try reader.finish()
        return records
    }

    public mutating func read(_ bytes: [UInt8]) throws(CSVError) -> [CSVRecord] {
        try read(bytes[...])
    }

    /// Consumes the next chunk and returns the records it completed.
    public mutating func read(_ bytes: ArraySlice<UInt8>) throws(CSVError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var bytes = bytes
        if !prefixDone {
            prefix.append(contentsOf: bytes)
            guard let body = try takePrefix(final: false) else { return [] }
            bytes = body
        }
        let separator = delimiter.byte
        for byte in bytes {
            try consume(byte, separator: separator, into: &records)
        }
        return records
    }

    /// Ends the stream and returns the last record if the file does not end with a line break.
    public mutating func finish() throws(CSVError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        if !prefixDone, let body = try takePrefix(final: true) {
            let separator = delimiter.byte
            for byte in body {
                try consume(byte, separator: separator, into: &records)
            }
        }
        switch state {
        case .quoted:
            throw CSVError(
                .unterminatedQuote, row: row, line: quoteLine,
                "the quoted field opened on line \(quoteLine) is never closed")
        case .equals:
            field.append(UInt8(ascii: "="))
        default:
            break
        }
        if recordHasContent {
            try endField()
            endRecord(into: &records)
        }
        return records
    }

    /// Strips a UTF-8 byte-order mark and refuses UTF-16 ones. Returns nil while too few bytes have arrived to
    /// tell (a chunk may end inside the mark).
    private mutating func takePrefix(final: Bool) throws(CSVError) -> ArraySlice<UInt8>? {
        let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
        if prefix.count >= 2, (prefix[0] == 0xFF && prefix[1] == 0xFE) || (prefix[0] == 0xFE && prefix[1] == 0xFF) {
            throw CSVError(
                .unsupportedEncoding, row: 1, line: 1,
                "the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" instead")
        }
        if prefix.count < 3, !final, utf8BOM.starts(with: prefix) { return nil }
        prefixDone = true
        let body = prefix.starts(with: utf8BOM) ? prefix[3...] : prefix[...]
        prefix = []
        return body
    }

    private mutating func consume(_ byte: UInt8, separator: UInt8, into records: inout [CSVRecord]) throws(CSVError) {
        // PostgreSQL cannot store U+0000 in text, so no backend stores it (README, "Text Pond stores"); in a CSV
        // file it almost always means the file is not UTF-8 text at all.
        if byte == 0 {
            throw CSVError(
                .nulCharacter, row: row, line: line,
                "the file contains a NUL byte (U+0000), which Pond does not store; save it as \"CSV UTF-8\" text")
        }
        // Line numbers are only for messages: CRLF, LF and a lone CR each end one line.
        if byte == 0x0A {
            if !previousWasCR { line += 1 }
        } else if byte == 0x0D {
            line += 1
        }
        try step(byte, separator: separator, into: &records)
        previousWasCR = byte == 0x0D
    }

    private mutating func step(_ byte: UInt8, separator: UInt8, into records: inout [CSVRecord]) throws(CSVError) {
        let quote = UInt8(ascii: "\"")
        let isLineBreak = byte == 0x0A || byte == 0x0D
        switch state {
        case .fieldStart:
            if byte == separator {
                recordHasContent = true
                try endField()
            } else if isLineBreak {
                if recordHasContent {
                    try endField()
                    endRecord(into: &records)
                } else if !(byte == 0x0A && previousWasCR) {  // not the LF of a CRLF that ended the last record
                    skipBlankLine()
                }
            } else if byte == quote {
                recordHasContent = true
                quoteLine = line
                state = .quoted
            } else if byte == UInt8(ascii: "=") {
                recordHasContent = true
                state = .equals
            } else {
                recordHasContent = true
                try append(byte)
                state = .unquoted
            }
        case .unquoted:
            if byte == separator || isLineBreak {
                try endField()
                if isLineBreak { endRecord(into: &records) }
                state = .fieldStart
            } else if byte == quote {
                throw CSVError(
                    .unexpectedQuote, row: row, line: line,
                    "a '\"' inside an unquoted field; quote the whole field and write inner quotes as \"\"")
            } else {
                try append(byte)
            }
        case .quoted:
            if byte == quote {
                state = .quoteInQuoted
            } else {
                try append(byte)
            }
        case .quoteInQuoted:
            if byte == quote {
                try append(quote)
                state = .quoted
            } else if byte == separator || isLineBreak {
                try endField()
                if isLineBreak { endRecord(into: &records) }
                state = .fieldStart
            } else {
                throw CSVError(
                    .textAfterClosingQuote, row: row, line: line,
                    "text after the closing quote of a field; a quoted field must be followed by "
                        + "'\(delimiter.printable)' or a line break")
            }
        case .equals:
            if byte == quote {
                quoteLine = line
                state = .quoted
            } else {
                try append(UInt8(ascii: "="))
                state = .unquoted
                try step(byte, separator: separator, into: &records)
            }
        }
    }

    private mutating func append(_ byte: UInt8) throws(CSVError) {
        guard field.count < maximumFieldBytes else {
            let hint = state == .quoted ? "; is the quote opened on line \(quoteLine) missing its closing quote?" : ""
            throw CSVError(.fieldTooLong, row: row, line: line, "a field is longer than \(maximumFieldBytes) bytes\(hint)")
        }
        field.append(byte)
    }

    private mutating func endField() throws(CSVError) {
        guard let text = Self.decodeUTF8(field) else {
            throw CSVError(
                .invalidUTF8, row: row, line: line,
                "the text is not valid UTF-8. Exports opened and saved in Excel on Chinese Windows are GB18030/GBK: "
                    + "save as \"CSV UTF-8\", or convert with `iconv -f GB18030 -t UTF-8`")
        }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord(into records: inout [CSVRecord]) {
        records.append(CSVRecord(row: row, line: recordLine, fields: fields))
        fields = []
        recordHasContent = false
        row += 1
        recordLine = line
    }

    private mutating func skipBlankLine() {
        row += 1
        recordLine = line
    }

    /// Decodes strictly: overlong forms, surrogates and truncated sequences are errors rather than U+FFFD, so a
    /// mis-encoded file is refused instead of stored garbled.
    static func decodeUTF8(_ bytes: [UInt8]) -> String? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b0 {
            case 0xC2...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(b0 & 0x1F))
            case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(b0 & 0x0F))
            case 0xF0...0xF4: (length, minimum, scalar) = (4, 0x10000, UInt32(b0 & 0x07))
            default: return nil
            }
            guard i + length <= n else { return nil }
            for k in 1..<length {
                let b = bytes[i + k]
                guard b & 0xC0 == 0x80 else { return nil }
                scalar = scalar << 6 | UInt32(b & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return nil }
            i += length
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension CSVDelimiter {
    var printable: String { self == .tab ? "\\t" : rawValue }
}
