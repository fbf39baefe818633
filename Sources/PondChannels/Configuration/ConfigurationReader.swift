import PondCore

/// Reads the members of one configuration object, remembering which it read, so that a member nobody reads — a
/// typo such as `acessKeySecret` — is refused instead of silently ignored.
struct ConfigurationReader {
    private let members: [String: JSONValue]
    private var read: Set<String> = ["type"]

    init(_ members: [String: JSONValue]) { self.members = members }

    private func invalid(_ path: String, _ message: String) -> ChannelConfigurationError {
        ChannelConfigurationError(.invalidConfig, path: path, message)
    }

    mutating func optionalString(_ name: String) throws(ChannelConfigurationError) -> String? {
        read.insert(name)
        switch members[name] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard !text.containsLineBreakOrNUL else {
                throw invalid(name, "must be one line")
            }
            return text
        case let other?: throw invalid(name, "expected a string, got \(other.kindName)")
        }
    }

    mutating func string(_ name: String) throws(ChannelConfigurationError) -> String {
        guard let text = try optionalString(name), !text.trimmedSpaces.isEmpty else {
            throw invalid(name, "is required")
        }
        return text
    }

    /// A secret is read like a string, and its message never quotes it.
    mutating func optionalSecret(_ name: String) throws(ChannelConfigurationError) -> Secret? {
        read.insert(name)
        switch members[name] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard !text.isEmpty else { throw invalid(name, "must not be empty") }
            return Secret(text)
        case let other?: throw invalid(name, "expected a string, got \(other.kindName)")
        }
    }

    mutating func secret(_ name: String) throws(ChannelConfigurationError) -> Secret {
        guard let secret = try optionalSecret(name) else { throw invalid(name, "is required") }
        return secret
    }

    mutating func optionalInt(_ name: String, in range: ClosedRange<Int>) throws(ChannelConfigurationError) -> Int? {
        read.insert(name)
        switch members[name] {
        case nil, .null?: return nil
        case .int(let value)?:
            guard range.contains(Int(value)) else {
                throw invalid(name, "must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return Int(value)
        case let other?: throw invalid(name, "expected an integer, got \(other.kindName)")
        }
    }

    /// Refuses members that were never read.
    func finish() throws(ChannelConfigurationError) {
        if let unknown = members.keys.filter({ !read.contains($0) }).sorted().first {
            throw invalid(unknown, "is not a setting of this channel")
        }
    }
}
