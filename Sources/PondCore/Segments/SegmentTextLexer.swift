/// Splits the text form of a rule into tokens. Offsets count Unicode scalars from the start of the text.
struct SegmentTextLexer {
    enum Kind: Equatable {
        /// A bare identifier or keyword (keywords are recognised by the parser, case-insensitively).
        case word(String)
        case string(String)
        case int(Int64)
        case double(Double)
        /// `90d`, `90day`, `90days`.
        case duration(Int64)
        case date(Instant)
        case symbol(Symbol)
        case end
    }

    enum Symbol: String {
        case openParen = "("
        case closeParen = ")"
        case openBracket = "["
        case closeBracket = "]"
        case comma = ","
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    struct Token {
        let kind: Kind
        let offset: Int
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0

    private init(_ text: String) { scalars = Array(text.unicodeScalars) }

    static func tokenize(_ text: String) throws(SegmentRuleError) -> [Token] {
        var lexer = SegmentTextLexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func fail(_ message: String, at offset: Int) -> SegmentRuleError {
        SegmentRuleError(.syntaxError, path: "", message, offset: offset)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return (0x30...0x39).contains(scalar.value)
    }

    private mutating func next() throws(SegmentRuleError) -> Token {
        while let scalar = peek(), scalar.properties.isWhitespace { index += 1 }
        let start = index
        guard let scalar = peek() else { return Token(kind: .end, offset: start) }
        func symbol(_ symbol: Symbol, length: Int = 1) -> Token {
            index += length
            return Token(kind: .symbol(symbol), offset: start)
        }
        switch scalar {
        case "(": return symbol(.openParen)
        case ")": return symbol(.closeParen)
        case "[": return symbol(.openBracket)
        case "]": return symbol(.closeBracket)
        case ",": return symbol(.comma)
        case "=": return symbol(.equal, length: peek(1) == "=" ? 2 : 1)
        case "≠": return symbol(.notEqual)
        case "≤": return symbol(.lessOrEqual)
        case "≥": return symbol(.greaterOrEqual)
        case "!":
            guard peek(1) == "=" else { throw fail("expected \"!=\"", at: start) }
            return symbol(.notEqual, length: 2)
        case "<":
            if peek(1) == "=" { return symbol(.lessOrEqual, length: 2) }
            if peek(1) == ">" { return symbol(.notEqual, length: 2) }
            return symbol(.less)
        case ">":
            return peek(1) == "=" ? symbol(.greaterOrEqual, length: 2) : symbol(.greater)
        case "\"":
            return Token(kind: .string(try string()), offset: start)
        case "-", "0"..."9":
            return Token(kind: try number(), offset: start)
        default:
            guard SegmentTextKeywords.isIdentifierStart(scalar) else {
                throw fail("unexpected character \"\(scalar.escaped(asASCII: false))\"", at: start)
            }
            var word = String.UnicodeScalarView()
            while let scalar = peek(), SegmentTextKeywords.isIdentifierContinue(scalar) {
                word.append(scalar)
                index += 1
            }
            return Token(kind: .word(String(word)), offset: start)
        }
    }

    private mutating func string() throws(SegmentRuleError) -> String {
        let start = index
        index += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else { throw fail("unterminated string", at: start) }
            let at = index
            index += 1
            switch scalar {
            case "\"":
                return String(result)
            case "\\":
                guard let escaped = peek() else { throw fail("unterminated string", at: start) }
                index += 1
                switch escaped {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "r": result.append("\r")
                case "t": result.append("\t")
                case "u":
                    guard peek() == "{" else { throw fail("expected \"{\" after \\u", at: at) }
                    index += 1
                    var hex = ""
                    while let digit = peek(), digit != "}", hex.count < 9 {
                        hex.unicodeScalars.append(digit)
                        index += 1
                    }
                    guard peek() == "}", (1...8).contains(hex.count), let value = UInt32(hex, radix: 16),
                        let decoded = Unicode.Scalar(value)
                    else { throw fail("invalid \\u{…} escape", at: at) }
                    index += 1
                    result.append(decoded)
                default:
                    throw fail("unknown escape \"\\\(escaped)\"; use \\\", \\\\, \\n, \\r, \\t or \\u{…}", at: at)
                }
            case _ where scalar.value < 0x20:
                throw fail("control character in a string; write it as an escape such as \\n", at: at)
            default:
                result.append(scalar)
            }
        }
    }

    /// A number, a duration (`90d`) or a date (`2026-01-01…`: four digits and a dash).
    private mutating func number() throws(SegmentRuleError) -> Kind {
        let start = index
        if (0..<4).allSatisfy({ Self.isDigit(peek($0)) }), peek(4) == "-" {
            var text = ""
            while let scalar = peek(), Self.isDigit(scalar) || "-+:.TtZz".unicodeScalars.contains(scalar) {
                text.unicodeScalars.append(scalar)
                index += 1
            }
            guard let instant = ISO8601.parse(text) else { throw fail("invalid date \"\(text)\"", at: start) }
            return .date(instant)
        }
        var text = ""
        func digits() {
            while Self.isDigit(peek()) {
                text.unicodeScalars.append(peek()!)
                index += 1
            }
        }
        if peek() == "-" {
            text = "-"
            index += 1
        }
        guard Self.isDigit(peek()) else { throw fail("expected a digit", at: index) }
        digits()
        var isInteger = true
        if peek() == ".", Self.isDigit(peek(1)) {
            isInteger = false
            text += "."
            index += 1
            digits()
        }
        if peek() == "e" || peek() == "E",
            Self.isDigit(peek(1)) || ((peek(1) == "+" || peek(1) == "-") && Self.isDigit(peek(2)))
        {
            isInteger = false
            text += "e"
            index += 1
            if peek() == "+" || peek() == "-" {
                text.unicodeScalars.append(peek()!)
                index += 1
            }
            digits()
        }
        var unit = ""
        while let scalar = peek(), (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value) {
            unit.unicodeScalars.append(scalar)
            index += 1
        }
        if !unit.isEmpty {
            guard isInteger, ["d", "day", "days"].contains(SegmentTextKeywords.lowercased(unit)) else {
                throw fail("unexpected \"\(unit)\" after a number; a duration is written like 90d", at: start)
            }
            guard let days = Int64(text) else { throw fail("duration out of range", at: start) }
            return .duration(days)
        }
        if isInteger {
            guard let value = Int64(text) else { throw fail("integer out of range", at: start) }
            return .int(value)
        }
        guard let value = Double(text), value.isFinite else { throw fail("number out of range", at: start) }
        return .double(value)
    }
}
