/// A pull reader over one JSON document: members and elements one at a time, each value either parsed into a
/// `JSONValue` or copied as compact text.
///
/// For the tracking API, which stores every message it accepts: parsing a message into a tree of dictionaries and
/// writing it out again cost more than everything else the request does. With the reader, the parser interprets
/// the dozen members it needs and copies the rest (`properties`, `context`, `traits`) straight into the stored
/// text. Everything is validated exactly as `JSONParser` validates it — the reader runs the parser's own code for
/// strings, numbers and literals — and copies drop only the insignificant whitespace between tokens.
///
/// Containers are entered with the depth of the value they are (0 for the document), so the parser's nesting
/// bound holds across the reader's and the parser's levels.
public struct JSONReader {
    public typealias Failure = JSONParser.Failure

    /// The kind of a value, with the name error messages give it.
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null

        /// The kind of the value whose first byte is `byte`, nil for a byte no value starts with.
        init?(firstByte byte: UInt8) {
            switch byte {
            case UInt8(ascii: "{"): self = .object
            case UInt8(ascii: "["): self = .array
            case UInt8(ascii: "\""): self = .string
            case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .bool
            case UInt8(ascii: "n"): self = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): self = .number
            default: return nil
            }
        }

        public var name: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    private var parser: JSONParser
    private var memberNames = JSONMemberNames()

    public init(_ bytes: [UInt8]) {
        parser = JSONParser(bytes: bytes)
    }

    /// The cursor, in bytes from the start of the document: a value's offset can be kept and returned to.
    public var offset: Int {
        get { parser.index }
        set { parser.index = newValue }
    }

    /// The kind of the value at the cursor; consumes only the whitespace before it.
    public mutating func kind() throws(Failure) -> Kind {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.failure("unexpected end of input") }
        guard let kind = Kind(firstByte: parser.bytes[parser.index]) else { throw parser.failure("unexpected character") }
        return kind
    }

    /// Steps into the object at the cursor; `nextMember` then walks it.
    public mutating func enterObject(depth: Int) throws(Failure) {
        try enter(UInt8(ascii: "{"), depth: depth)
        memberNames.open()
    }

    /// Steps into the array at the cursor; `nextElement` then walks it.
    public mutating func enterArray(depth: Int) throws(Failure) {
        try enter(UInt8(ascii: "["), depth: depth)
    }

    /// The next member's key, with the cursor on its value (which the caller must read, copy or skip), or nil
    /// past the object's end. `first` starts true for each object. A name the object already had is refused.
    public mutating func nextMember(first: inout Bool) throws(Failure) -> String? {
        guard try advance(closing: UInt8(ascii: "}"), first: &first) else {
            memberNames.close()
            return nil
        }
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
            throw parser.failure("expected a member name")
        }
        let keyOffset = parser.index
        let key = try parser.parseString()
        guard insertName(raw: (keyOffset + 1)..<(parser.index - 1), text: key) else {
            throw JSONParser.repeatedMember(key, at: keyOffset)
        }
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else {
            throw parser.failure("expected ':'")
        }
        parser.index += 1
        parser.skipWhitespace()
        return key
    }

    /// Whether there is another element, with the cursor on it; false past the array's end.
    public mutating func nextElement(first: inout Bool) throws(Failure) -> Bool {
        try advance(closing: UInt8(ascii: "]"), first: &first)
    }

    /// The value at the cursor, parsed; `depth` is its own depth.
    public mutating func value(depth: Int) throws(Failure) -> JSONValue {
        parser.skipWhitespace()
        return try parser.parseValue(depth: depth)
    }

    /// Validates the value at the cursor and appends it to `out` without insignificant whitespace.
    public mutating func copyValue(depth: Int, into out: inout [UInt8]) throws(Failure) {
        try walk(depth: depth, into: &out, copying: true)
    }

    /// Validates the value at the cursor and moves past it.
    public mutating func skipValue(depth: Int) throws(Failure) {
        var none: [UInt8] = []
        try walk(depth: depth, into: &none, copying: false)
    }

    /// Where `offset` is in the document, as a path such as `batch[3].properties`, for error messages.
    public func path(to offset: Int) -> String {
        JSONPathLocator.path(to: offset, in: parser.bytes)
    }

    /// Checks that nothing but whitespace follows.
    public mutating func end() throws(Failure) {
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.failure("unexpected data after the document") }
    }

    // MARK: Walking

    private mutating func enter(_ opening: UInt8, depth: Int) throws(Failure) {
        parser.skipWhitespace()
        guard depth < JSONParser.maximumDepth else { throw parser.failure("nesting deeper than \(JSONParser.maximumDepth) levels") }
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == opening else {
            throw parser.failure(opening == UInt8(ascii: "{") ? "expected an object" : "expected an array")
        }
        parser.index += 1
    }

    /// Past the separator before the next member or element: true if there is one, false (with the closing
    /// bracket consumed) at the end. Where the input ends, it fails as `JSONParser` fails there.
    private mutating func advance(closing: UInt8, first: inout Bool) throws(Failure) -> Bool {
        parser.skipWhitespace()
        if first {
            first = false
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == closing else { return true }
            parser.index += 1
            return false
        }
        guard parser.index < parser.bytes.count else { throw parser.failure("unexpected end of input") }
        if parser.bytes[parser.index] == closing {
            parser.index += 1
            return false
        }
        guard parser.bytes[parser.index] == UInt8(ascii: ",") else {
            throw parser.failure(closing == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
        }
        parser.index += 1
        parser.skipWhitespace()
        return true
    }

    private mutating func walk(depth: Int, into out: inout [UInt8], copying: Bool) throws(Failure) {
        parser.skipWhitespace()
        guard depth < JSONParser.maximumDepth else { throw parser.failure("nesting deeper than \(JSONParser.maximumDepth) levels") }
        guard parser.index < parser.bytes.count else { throw parser.failure("unexpected end of input") }
        let start = parser.index
        switch parser.bytes[start] {
        case UInt8(ascii: "{"):
            parser.index += 1
            if copying { out.append(UInt8(ascii: "{")) }
            memberNames.open()
            var first = true
            while try walkKey(first: &first, into: &out, copying: copying) {
                try walk(depth: depth + 1, into: &out, copying: copying)
            }
            memberNames.close()
            if copying { out.append(UInt8(ascii: "}")) }
        case UInt8(ascii: "["):
            parser.index += 1
            if copying { out.append(UInt8(ascii: "[")) }
            var first = true
            while true {
                let wasFirst = first
                guard try nextElement(first: &first) else { break }
                if copying, !wasFirst { out.append(UInt8(ascii: ",")) }
                try walk(depth: depth + 1, into: &out, copying: copying)
            }
            if copying { out.append(UInt8(ascii: "]")) }
        case UInt8(ascii: "\""):
            try walkString()
            if copying { out.append(contentsOf: parser.bytes[start..<parser.index]) }
        case UInt8(ascii: "t"):
            try parser.expectLiteral("true")
            if copying { out.append(contentsOf: parser.bytes[start..<parser.index]) }
        case UInt8(ascii: "f"):
            try parser.expectLiteral("false")
            if copying { out.append(contentsOf: parser.bytes[start..<parser.index]) }
        case UInt8(ascii: "n"):
            try parser.expectLiteral("null")
            if copying { out.append(contentsOf: parser.bytes[start..<parser.index]) }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try parser.parseNumber()
            if copying { out.append(contentsOf: parser.bytes[start..<parser.index]) }
        default:
            throw parser.failure("unexpected character")
        }
    }

    /// `nextMember` for a walk: the key is copied as written (escapes and all) with its separators.
    private mutating func walkKey(first: inout Bool, into out: inout [UInt8], copying: Bool) throws(Failure) -> Bool {
        let wasFirst = first
        guard try advance(closing: UInt8(ascii: "}"), first: &first) else { return false }
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
            throw parser.failure("expected a member name")
        }
        let start = parser.index
        let decoded = try walkString()
        let raw = (start + 1)..<(parser.index - 1)
        guard insertName(raw: raw, text: decoded) else {
            throw JSONParser.repeatedMember(decoded ?? String(decoding: parser.bytes[raw], as: UTF8.self), at: start)
        }
        if copying {
            if !wasFirst { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: parser.bytes[start..<parser.index])
            out.append(UInt8(ascii: ":"))
        }
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else {
            throw parser.failure("expected ':'")
        }
        parser.index += 1
        return true
    }

    /// Records a member name of the innermost object; false if it is a repeat.
    private mutating func insertName(raw: Range<Int>, text: String?) -> Bool {
        parser.bytes.withUnsafeBufferPointer { memberNames.insert(raw: raw, text: text, document: $0) }
    }

    /// Moves past the string at the cursor, validated as `JSONParser` would: the common string (no escape, in a
    /// document known to be valid UTF-8) by looking for its closing quote, any other through the parser itself.
    /// Returns the decoded text when it went through the parser, nil when the bytes between the quotes are it.
    @discardableResult
    private mutating func walkString() throws(Failure) -> String? {
        if parser.validUTF8 {
            var index = parser.index + 1
            let bytes = parser.bytes
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    parser.index = index + 1
                    return nil
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                index += 1
            }
        }
        return try parser.parseString()
    }
}
