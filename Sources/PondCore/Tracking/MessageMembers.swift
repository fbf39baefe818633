/// One tracking message's members as read from a request body: the members the API interprets as values, every
/// other member as its validated, compact JSON text.
///
/// Reused from message to message of a batch, so its buffers are allocated once per request.
struct MessageMembers {
    enum Value {
        case parsed(JSONValue)
        case text(Range<Int>)
    }

    /// Whether `context` is parsed too (to merge a batch-level context into it) rather than kept as text.
    private let parsesContext: Bool
    private var members: [(key: String, value: Value)] = []
    private var text: [UInt8] = []

    init(parsingContext: Bool) {
        parsesContext = parsingContext
        members.reserveCapacity(16)
    }

    private func interprets(_ key: String) -> Bool {
        switch key {
        case "type", "userId", "anonymousId", "messageId", "event", "name", "previousId", "groupId", "timestamp", "sentAt",
            "writeKey":
            true
        case "context": parsesContext
        default: false
        }
    }

    /// Reads the object at the cursor in place of the previous one (the reader refuses a repeated key).
    mutating func read(_ reader: inout BodyReader, depth: Int) throws(IngestError) {
        members.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        try reader.enterObject(depth: depth)
        var first = true
        while let key = try reader.nextMember(first: &first) {
            let value: Value
            if interprets(key) {
                value = .parsed(try reader.value(depth: depth + 1))
            } else {
                let start = text.count
                try reader.copyValue(depth: depth + 1, into: &text)
                value = .text(start..<text.count)
            }
            members.append((key, value))
        }
    }

    /// An interpreted member's value.
    func value(_ key: String) -> JSONValue? {
        guard case .parsed(let value)? = members.first(where: { $0.key == key })?.value else { return nil }
        return value
    }

    func kind(_ key: String) -> JSONReader.Kind? {
        switch members.first(where: { $0.key == key })?.value {
        case nil: nil
        case .text(let range)?: JSONReader.Kind(firstByte: text[range.lowerBound])
        case .parsed(let value)?: value.kind
        }
    }

    /// What the API reads of a `context` kept as text: its `channel` when that is a string, and the kind of its
    /// `traits`.
    func contextMembers() -> (channel: String?, traits: JSONReader.Kind?) {
        guard case .text(let range)? = members.first(where: { $0.key == "context" })?.value,
            text[range.lowerBound] == UInt8(ascii: "{")
        else { return (nil, nil) }
        var channel: String?
        var traits: JSONReader.Kind?
        text.withUnsafeBufferPointer { buffer in
            JSONMemberScanner.forEachMember(in: UnsafeBufferPointer(rebasing: buffer[range])) { member in
                if Self.member(member, is: "channel") {
                    if case .string(let name)? = JSONMemberScanner.scalar(member.value) { channel = name } else { channel = nil }
                } else if Self.member(member, is: "traits") {
                    traits = member.value.first.flatMap(JSONReader.Kind.init(firstByte:))
                }
            }
        }
        return (channel, traits)
    }

    private static func member(_ member: JSONMemberScanner.Member, is key: StaticString) -> Bool {
        if member.keyHasEscapes { return member.decodedKey == key.description }
        return member.key.elementsEqual(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    /// The members as the start of the payload to store.
    func payload() -> Payload {
        Payload(fields: members, text: text)
    }

    /// A message's stored form being made: the client's members, some replaced by the server's.
    struct Payload {
        fileprivate var fields: [(key: String, value: Value)]
        fileprivate let text: [UInt8]

        mutating func set(_ key: String, _ value: JSONValue) {
            if let index = fields.firstIndex(where: { $0.key == key }) {
                fields[index].value = .parsed(value)
            } else {
                fields.append((key, .parsed(value)))
            }
        }

        mutating func remove(_ key: String) {
            fields.removeAll { $0.key == key }
        }

        /// Compact JSON with the members in `JSONWriter`'s order (sorted keys).
        func encoded() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(text.count + 40 * fields.count)
            out.append(UInt8(ascii: "{"))
            for (index, field) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(field.key, into: &out)
                out.append(UInt8(ascii: ":"))
                switch field.value {
                case .text(let range): out.append(contentsOf: text[range])
                case .parsed(let value): JSONWriter.write(value, into: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
            return out
        }
    }
}

/// A `JSONReader` over a request body whose failures are the API's `invalid_json` errors.
struct BodyReader {
    private var json: JSONReader

    init(_ json: JSONReader) {
        self.json = json
    }

    var offset: Int {
        get { json.offset }
        set { json.offset = newValue }
    }

    mutating func kind() throws(IngestError) -> JSONReader.Kind {
        do { return try json.kind() } catch { throw invalid(error) }
    }

    mutating func enterObject(depth: Int) throws(IngestError) {
        do { try json.enterObject(depth: depth) } catch { throw invalid(error) }
    }

    mutating func enterArray(depth: Int) throws(IngestError) {
        do { try json.enterArray(depth: depth) } catch { throw invalid(error) }
    }

    mutating func nextMember(first: inout Bool) throws(IngestError) -> String? {
        do { return try json.nextMember(first: &first) } catch { throw invalid(error) }
    }

    mutating func nextElement(first: inout Bool) throws(IngestError) -> Bool {
        do { return try json.nextElement(first: &first) } catch { throw invalid(error) }
    }

    mutating func value(depth: Int) throws(IngestError) -> JSONValue {
        do { return try json.value(depth: depth) } catch { throw invalid(error) }
    }

    mutating func copyValue(depth: Int, into out: inout [UInt8]) throws(IngestError) {
        do { try json.copyValue(depth: depth, into: &out) } catch { throw invalid(error) }
    }

    mutating func skipValue(depth: Int) throws(IngestError) {
        do { try json.skipValue(depth: depth) } catch { throw invalid(error) }
    }

    mutating func end() throws(IngestError) {
        do { try json.end() } catch { throw invalid(error) }
    }

    /// An `invalid_json` error naming where the body broke, by path as well as by byte.
    private func invalid(_ failure: JSONParser.Failure) -> IngestError {
        let path = json.path(to: failure.offset)
        return IngestError(.invalidJSON, "body is not valid JSON: \(failure)\(path.isEmpty ? "" : " (in \(path))")")
    }
}
