/// Walks SQL text and yields the byte offsets that are SQL code: not inside a string literal, a quoted
/// identifier, a comment or a dollar-quoted body.
///
/// Pond's statements are written for both backends, so the Postgres driver has to find `?` placeholders, `;`
/// statement separators and a few keywords in them. Skipping literals and comments is what makes a `?` or `;`
/// found this way a real one.
struct SQLCodeScanner: Sequence, IteratorProtocol {
    let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> Int? {
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case SQLByte.singleQuote:
                skipQuoted(SQLByte.singleQuote, backslashEscapes: startsEscapeString(at: offset))
            case SQLByte.doubleQuote:
                skipQuoted(SQLByte.doubleQuote, backslashEscapes: false)
            case SQLByte.minus where peek(1) == SQLByte.minus:
                while offset < bytes.count, bytes[offset] != SQLByte.newline { offset += 1 }
            case SQLByte.slash where peek(1) == SQLByte.star:
                skipBlockComment()
            case SQLByte.dollar where dollarTagLength(at: offset) != nil:
                skipDollarQuoted(tagLength: dollarTagLength(at: offset)!)
            default:
                offset += 1
                return offset - 1
            }
        }
        return nil
    }

    private func peek(_ distance: Int) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    /// `E'…'` strings take C-style backslash escapes, so `\'` does not end them.
    private func startsEscapeString(at quote: Int) -> Bool {
        guard quote > 0, bytes[quote - 1] | 0x20 == UInt8(ascii: "e") else { return false }
        return quote < 2 || !SQLByte.isIdentifier(bytes[quote - 2])
    }

    private mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool) {
        offset += 1
        while offset < bytes.count {
            let byte = bytes[offset]
            if backslashEscapes && byte == SQLByte.backslash {
                offset += 2
            } else if byte == quote {
                offset += 1
                // A doubled quote is an escaped quote inside the literal.
                guard offset < bytes.count, bytes[offset] == quote else { return }
                offset += 1
            } else {
                offset += 1
            }
        }
    }

    /// Postgres block comments nest.
    private mutating func skipBlockComment() {
        var depth = 0
        while offset < bytes.count {
            if bytes[offset] == SQLByte.slash && peek(1) == SQLByte.star {
                depth += 1
                offset += 2
            } else if bytes[offset] == SQLByte.star && peek(1) == SQLByte.slash {
                depth -= 1
                offset += 2
                if depth == 0 { return }
            } else {
                offset += 1
            }
        }
    }

    /// The length of the `$tag$` opening a dollar-quoted string at `start`, or nil when the `$` is something else
    /// (a `$1` parameter, or part of an identifier such as `a$b`).
    private func dollarTagLength(at start: Int) -> Int? {
        if start > 0 && SQLByte.isIdentifier(bytes[start - 1]) { return nil }
        var end = start + 1
        while end < bytes.count {
            let byte = bytes[end]
            if byte == SQLByte.dollar { return end - start + 1 }
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if !SQLByte.isIdentifier(byte) || (isDigit && end == start + 1) { return nil }
            end += 1
        }
        return nil
    }

    private mutating func skipDollarQuoted(tagLength: Int) {
        let tag = bytes[offset..<offset + tagLength]
        offset += tagLength
        while offset < bytes.count {
            if bytes[offset] == SQLByte.dollar, offset + tagLength <= bytes.count,
                bytes[offset..<offset + tagLength].elementsEqual(tag)
            {
                offset += tagLength
                return
            }
            offset += 1
        }
    }
}

/// The bytes the SQL scanners look for.
enum SQLByte {
    static let singleQuote = UInt8(ascii: "'")
    static let doubleQuote = UInt8(ascii: "\"")
    static let minus = UInt8(ascii: "-")
    static let slash = UInt8(ascii: "/")
    static let star = UInt8(ascii: "*")
    static let dollar = UInt8(ascii: "$")
    static let backslash = UInt8(ascii: "\\")
    static let newline = UInt8(ascii: "\n")
    static let questionMark = UInt8(ascii: "?")
    static let semicolon = UInt8(ascii: ";")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let comma = UInt8(ascii: ",")

    /// Letters, digits, `_`, `$` and any non-ASCII byte: what Postgres allows inside an unquoted identifier.
    static func isIdentifier(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_") || byte == dollar || byte >= 0x80
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
}
