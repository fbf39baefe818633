import PondCore

/// The members of a JSON request body, read with clear 400s.
///
/// Unknown members are refused rather than ignored: a misspelt `"enabeld": false` that was silently dropped would
/// leave a rule running that the operator believes is off.
struct BodyFields {
    let members: [String: JSONValue]

    init(_ members: [String: JSONValue], allowed: Set<String>) throws {
        let unknown = Set(members.keys).subtracting(allowed)
        guard unknown.isEmpty else {
            throw APIError.badRequest(
                "unknown fields: \(unknown.sorted().joined(separator: ", ")) (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        self.members = members
    }

    func has(_ name: String) -> Bool {
        if let value = members[name], !value.isNull { return true }
        return false
    }

    /// A string member, trimmed; nil when absent or null.
    func string(_ name: String, maxCharacters: Int, allowEmpty: Bool = false) throws -> String? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let text = value.stringValue?.trimmingASCIIWhitespace() else {
            throw APIError.badRequest("'\(name)' must be a string, got \(value.kindName)")
        }
        guard text.count <= maxCharacters, allowEmpty || !text.isEmpty else {
            throw APIError.badRequest("'\(name)' must be \(allowEmpty ? 0 : 1) to \(maxCharacters) characters")
        }
        return text
    }

    func requiredString(_ name: String, maxCharacters: Int) throws -> String {
        guard let text = try string(name, maxCharacters: maxCharacters) else {
            throw APIError.badRequest("'\(name)' is required")
        }
        return text
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = members[name], !value.isNull else { return nil }
        guard case .bool(let flag) = value else { throw APIError.badRequest("'\(name)' must be true or false") }
        return flag
    }

    func strings(_ name: String, maxCount: Int) throws -> [String]? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let items = value.arrayValue, items.count <= maxCount else {
            throw APIError.badRequest("'\(name)' must be an array of at most \(maxCount) strings")
        }
        return try items.map { item in
            guard let text = item.stringValue else {
                throw APIError.badRequest("'\(name)' must hold strings, got \(item.kindName)")
            }
            return text
        }
    }

    /// A member that must be one of `choices`; nil when absent.
    func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let text = value.stringValue, choices.contains(text) else {
            throw APIError.badRequest("'\(name)' must be one of \(choices.joined(separator: ", "))")
        }
        return text
    }
}
