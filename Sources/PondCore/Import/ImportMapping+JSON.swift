/// The JSON form of a mapping, as the API, the CLI's `--mapping` file and `Codable` read it. API clients write
/// mappings by hand, so a document is refused with a message that names the offending key rather than a decoding
/// error.
extension ImportMapping {
    static let jsonKeys: [String] =
        ["channel", "delimiter", "amountPerLine", "currency", "timestampFormat", "utcOffset"]
        + Role.allCases.map(\.rawValue) + ["identities", "traits", "properties", "statusEvents"]

    /// Reads the JSON form, with messages that name the offending key (API clients write these by hand).
    public init(json: JSONValue) throws(ImportMappingError) {
        guard case .object(let object) = json else {
            throw ImportMappingError("the mapping must be a JSON object, got \(json.kindName)")
        }
        if let unknown = object.keys.sorted().first(where: { !Self.jsonKeys.contains($0) }) {
            throw ImportMappingError(
                "unknown mapping key '\(unknown)'; known keys: \(Self.jsonKeys.joined(separator: ", "))")
        }
        func string(_ key: String) throws(ImportMappingError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            case let other?: throw ImportMappingError("'\(key)' must be a string, got \(other.kindName)")
            }
        }
        func columns(_ key: String) throws(ImportMappingError) -> [String]? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let s)?: return [s]
            case .array(let items)?:
                var list: [String] = []
                for item in items {
                    guard case .string(let s) = item else {
                        throw ImportMappingError("'\(key)' must list column names (strings), got \(item.kindName)")
                    }
                    list.append(s)
                }
                return list
            case let other?:
                throw ImportMappingError("'\(key)' must be a column name or a list of them, got \(other.kindName)")
            }
        }
        func map(_ key: String) throws(ImportMappingError) -> [String: String?] {
            switch object[key] {
            case nil, .null?: return [:]
            case .object(let members)?:
                var result: [String: String?] = [:]
                for (name, value) in members {
                    switch value {
                    case .null: result[name] = .some(nil)
                    case .string(let s): result[name] = .some(s)
                    default: throw ImportMappingError("'\(key).\(name)' must be a string or null, got \(value.kindName)")
                    }
                }
                return result
            case let other?: throw ImportMappingError("'\(key)' must be an object, got \(other.kindName)")
            }
        }
        self.init()
        channel = try string("channel")
        if let text = try string("delimiter") {
            guard let delimiter = CSVDelimiter(name: text) else {
                throw ImportMappingError("'delimiter' must be ',', '\\t' or ';' (or comma, tab, semicolon), got '\(text)'")
            }
            self.delimiter = delimiter
        }
        switch object["amountPerLine"] {
        case nil, .null?: break
        case .bool(let b)?: amountPerLine = b
        case let other?: throw ImportMappingError("'amountPerLine' must be true or false, got \(other.kindName)")
        }
        currency = try string("currency")
        timestampFormat = try string("timestampFormat")
        utcOffset = try string("utcOffset")
        for role in Role.allCases {
            self[role] = try columns(role.rawValue)
        }
        identities = try map("identities")
        traits = try map("traits")
        properties = try map("properties")
        statusEvents = try map("statusEvents")
    }

    /// Reads the JSON text of a mapping (a `?mapping=` query, an `X-Pond-Mapping` header, a `--mapping` file).
    public init(jsonText: some Sequence<UInt8>) throws(ImportMappingError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(jsonText)
        } catch {
            throw ImportMappingError("the mapping is not valid JSON: \(error)")
        }
        try self.init(json: document)
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        if let channel { object["channel"] = .string(channel) }
        if let delimiter { object["delimiter"] = .string(delimiter.rawValue) }
        if let amountPerLine { object["amountPerLine"] = .bool(amountPerLine) }
        if let currency { object["currency"] = .string(currency) }
        if let timestampFormat { object["timestampFormat"] = .string(timestampFormat) }
        if let utcOffset { object["utcOffset"] = .string(utcOffset) }
        for role in Role.allCases {
            if let columns = self[role] { object[role.rawValue] = .array(columns.map(JSONValue.string)) }
        }
        func map(_ entries: [String: String?]) -> JSONValue {
            .object(entries.mapValues { $0.map(JSONValue.string) ?? .null })
        }
        if !identities.isEmpty { object["identities"] = map(identities) }
        if !traits.isEmpty { object["traits"] = map(traits) }
        if !properties.isEmpty { object["properties"] = map(properties) }
        if !statusEvents.isEmpty { object["statusEvents"] = map(statusEvents) }
        return .object(object)
    }
}

extension ImportMapping: Codable {
    /// Decodes through the same path as `init(json:)`, so `JSONDecoder` and the API accept exactly the same
    /// documents and report the same errors.
    public init(from decoder: any Decoder) throws {
        try self.init(json: try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
