/// The JSON form of a template (shape documented on `MessageTemplate`).
extension MessageTemplate {
    /// Reads a template. Structural problems (`template_unknown_field`, `template_missing_field`,
    /// `template_wrong_type`, `template_invalid_category`) and syntax errors in its texts name the member at fault.
    /// It does not run `validate(vocabulary:)`: the caller does, with the vocabulary of where it is used.
    public init(json: JSONValue) throws(TemplateError) {
        let root = try TemplateJSON.object(json, path: "", what: "a template")
        try root.allow(["name", "category", "bodies"])
        name = try root.string("name")
        let categoryName = try root.string("category", missing: .invalidCategory)
        guard let category = MessageCategory(rawValue: categoryName) else {
            throw TemplateError(
                .invalidCategory, path: "category",
                "unknown category \"\(categoryName)\"; use service, content or marketing")
        }
        self.category = category
        let bodies = try TemplateJSON.object(try root.required("bodies"), path: "bodies", what: "\"bodies\"")
        var result: [ChannelID: TemplateBody] = [:]
        for channel in bodies.members.keys.sorted() {
            result[ChannelID(channel)] = try TemplateBody(json: bodies.members[channel]!, path: "bodies.\(channel)")
        }
        self.bodies = result
    }

    public var json: JSONValue {
        [
            "name": .string(name), "category": .string(category.rawValue),
            "bodies": .object(Dictionary(uniqueKeysWithValues: bodies.map { ($0.key.rawValue, $0.value.json) })),
        ]
    }
}

extension TemplateBody {
    init(json: JSONValue, path: String) throws(TemplateError) {
        let node = try TemplateJSON.object(json, path: path, what: "a body")
        try node.allow(["subject", "text", "html", "providerTemplate"])
        subject = try node.optionalText("subject")
        text = try node.text("text")
        html = try node.optionalText("html")
        if let provider = node.optional("providerTemplate") {
            let providerNode = try TemplateJSON.object(
                provider, path: "\(path).providerTemplate", what: "a provider template")
            try providerNode.allow(["code", "parameters"])
            var parameters: [String: TemplateText] = [:]
            if let value = providerNode.optional("parameters") {
                let parametersNode = try TemplateJSON.object(
                    value, path: "\(path).providerTemplate.parameters", what: "\"parameters\"")
                for name in parametersNode.members.keys.sorted() { parameters[name] = try parametersNode.text(name) }
            }
            providerTemplate = ProviderTemplate(code: try providerNode.string("code"), parameters: parameters)
        } else {
            providerTemplate = nil
        }
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["text": .string(text.source)]
        if let subject { members["subject"] = .string(subject.source) }
        if let html { members["html"] = .string(html.source) }
        if let provider = providerTemplate {
            var providerMembers: [String: JSONValue] = ["code": .string(provider.code)]
            if !provider.parameters.isEmpty {
                providerMembers["parameters"] = .object(provider.parameters.mapValues { .string($0.source) })
            }
            members["providerTemplate"] = .object(providerMembers)
        }
        return .object(members)
    }
}

/// One JSON object of a template being read, with its path for errors.
struct TemplateJSON {
    let members: [String: JSONValue]
    let path: String
    let what: String

    static func object(_ json: JSONValue, path: String, what: String) throws(TemplateError) -> TemplateJSON {
        guard case .object(let members) = json else {
            throw TemplateError(.wrongType, path: path, "\(what) must be an object, got \(json.kindName)")
        }
        return TemplateJSON(members: members, path: path, what: what)
    }

    func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func allow(_ fields: Set<String>) throws(TemplateError) {
        if let unknown = members.keys.filter({ !fields.contains($0) }).sorted().first {
            throw TemplateError(
                .unknownField, path: at(unknown),
                "unknown field \"\(unknown)\" in \(what) (allowed: \(fields.sorted().joined(separator: ", ")))")
        }
    }

    func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    func required(_ key: String, missing code: TemplateError.Code = .missingField) throws(TemplateError) -> JSONValue {
        guard let value = optional(key) else { throw TemplateError(code, path: at(key), "\(what) needs \"\(key)\"") }
        return value
    }

    func string(_ key: String, missing code: TemplateError.Code = .missingField) throws(TemplateError) -> String {
        let value = try required(key, missing: code)
        guard case .string(let text) = value else {
            throw TemplateError(.wrongType, path: at(key), "\"\(key)\" must be a string, got \(value.kindName)")
        }
        return text
    }

    func text(_ key: String) throws(TemplateError) -> TemplateText {
        try TemplateText(parsing: try string(key), path: at(key))
    }

    func optionalText(_ key: String) throws(TemplateError) -> TemplateText? {
        guard optional(key) != nil else { return nil }
        return try text(key)
    }
}
