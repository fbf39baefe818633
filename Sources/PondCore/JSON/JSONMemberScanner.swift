/// Walks the top level of a JSON object's text and reports each member's raw key and value bytes, building nothing.
///
/// For scans that read one or two members of millions of stored documents (an order's amount in a full RFM run):
/// parsing each document into a `JSONValue` costs a dictionary, a string per key and a value per member, where the
/// scan needs a few byte comparisons. It trusts that the text is JSON — stored documents are all written by
/// `JSONWriter` — and skips values without validating them; on text it cannot walk it stops and says so.
public enum JSONMemberScanner {
    /// One member as written: `key` between its quotes (escapes not decoded), `value` from its first byte to its
    /// last.
    public struct Member {
        /// The key with its quotes.
        public var quotedKey: UnsafeBufferPointer<UInt8>
        public var keyHasEscapes: Bool
        public var value: UnsafeBufferPointer<UInt8>

        public var key: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: quotedKey[1..<(quotedKey.count - 1)]) }

        /// The key with escapes decoded; nil when it is not valid UTF-8.
        public var decodedKey: String? {
            guard keyHasEscapes else { return String(validating: key, as: UTF8.self) }
            guard case .string(let decoded)? = try? JSONParser.parse(quotedKey) else { return nil }
            return decoded
        }
    }

    /// Calls `body` for every top-level member in document order. Returns false when the text is not an object
    /// this scanner can walk; members reported before that point were real.
    @discardableResult
    public static func forEachMember(in text: UnsafeBufferPointer<UInt8>, _ body: (Member) -> Void) -> Bool {
        var scanner = Cursor(bytes: text)
        scanner.skipWhitespace()
        guard scanner.take(UInt8(ascii: "{")) else { return false }
        scanner.skipWhitespace()
        if scanner.take(UInt8(ascii: "}")) { return true }
        while true {
            scanner.skipWhitespace()
            guard let (key, escaped) = scanner.string() else { return false }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ":")) else { return false }
            scanner.skipWhitespace()
            guard let value = scanner.value() else { return false }
            body(Member(quotedKey: key, keyHasEscapes: escaped, value: value))
            scanner.skipWhitespace()
            if scanner.take(UInt8(ascii: ",")) { continue }
            return scanner.take(UInt8(ascii: "}"))
        }
    }

    /// A raw member value that is a number or a string, as `JSONParser` would read it (an integer literal that fits
    /// Int64 is `.int`, any other number `.double`); nil for anything else, which callers reading scalars ignore.
    public static func scalar(_ value: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        guard let first = value.first else { return nil }
        if first == UInt8(ascii: "\"") {
            guard value.count >= 2 else { return nil }
            let inner = UnsafeBufferPointer(rebasing: value[1..<(value.count - 1)])
            guard inner.contains(UInt8(ascii: "\\")) else { return .string(String(decoding: inner, as: UTF8.self)) }
            return try? JSONParser.parse(value)
        }
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return nil }
        let literal = String(decoding: value, as: UTF8.self)
        let integral = !value.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if integral, let integer = Int64(literal) { return .int(integer) }
        return Double(literal).flatMap { $0.isFinite ? .double($0) : nil }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string at the cursor: its bytes with the quotes and whether they hold an escape.
        mutating func string() -> (UnsafeBufferPointer<UInt8>, Bool)? {
            let start = index
            guard take(UInt8(ascii: "\"")) else { return nil }
            var escaped = false
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    return (UnsafeBufferPointer(rebasing: bytes[start..<index]), escaped)
                case UInt8(ascii: "\\"):
                    escaped = true
                    index += 2
                default:
                    index += 1
                }
            }
            return nil
        }

        /// A whole value at the cursor, nested containers included.
        mutating func value() -> UnsafeBufferPointer<UInt8>? {
            let start = index
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard string() != nil else { return nil }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                repeat {
                    guard index < bytes.count else { return nil }
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return nil }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    default: break
                    }
                    index += 1
                } while depth > 0
            default:
                // A number or a literal: up to the next delimiter.
                while index < bytes.count, !Self.isWhitespace(bytes[index]) {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { break }
                    index += 1
                }
            }
            guard index > start else { return nil }
            return UnsafeBufferPointer(rebasing: bytes[start..<index])
        }

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }
    }
}
