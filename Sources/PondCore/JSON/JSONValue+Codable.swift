/// `JSONValue` through `Codable`, for the types whose JSON form Pond reads and writes itself as a `JSONValue` (an
/// `ImportMapping`, whose reader names the offending key in its errors): with this conformance they are `Codable`
/// by going through that same reader and writer, so `JSONDecoder` and the API accept exactly the same documents.
/// It is also what lets a schemaless member (`properties`, `traits`) be a field of a `Codable` model.
///
/// Integers stay integers: a number that fits `Int64` decodes as `.int`, any other as `.double`. A `Decoder` does not
/// show how a number was spelled, so `1.0` decodes as `.int(1)` — the value `JSONWriter` and `JSONEncoder` write for
/// `.double(1)` anyway; a double with a fraction, and every other value, comes back as it was encoded.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let keyed = try? decoder.container(keyedBy: MemberKey.self) {
            var members: [String: JSONValue] = [:]
            for key in keyed.allKeys { members[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let b = try? single.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? single.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? single.decode(Double.self) {
            self = .double(d)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .array(let items):
            var array = encoder.unkeyedContainer()
            for item in items { try array.encode(item) }
        case .object(let members):
            var keyed = encoder.container(keyedBy: MemberKey.self)
            for (key, item) in members { try keyed.encode(item, forKey: MemberKey(key)) }
        default:
            var single = encoder.singleValueContainer()
            switch self {
            case .bool(let b): try single.encode(b)
            case .int(let i): try single.encode(i)
            case .double(let d): try single.encode(d)
            case .string(let s): try single.encode(s)
            default: try single.encodeNil()
            }
        }
    }

    /// An object member's name as a coding key.
    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
