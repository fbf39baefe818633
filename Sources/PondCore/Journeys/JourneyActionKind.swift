/// One kind of action node, the extension point for actions: the loyalty module adds `grant_points` and
/// `issue_coupon`, the WeCom module `assign_staff` and `wecom_message`, each as a `JourneyActionKind` registered
/// in the `JourneyActionRegistry` the engine passes to validation — and an executor of its own in the journey
/// runner — without editing a switch.
public protocol JourneyActionKind: Sendable {
    /// The action's `type` (`send_message`): lower case, digits and `_`.
    var type: String { get }

    /// Refuses parameters this kind cannot carry out, at `context.path` + the member (`nodes.x.action.template`).
    /// Unknown members should be refused (`JourneyParameters.allow`), as everywhere in the API.
    func validate(_ parameters: [String: JSONValue], in context: JourneyActionContext) throws(JourneyError)

    /// What the parameters name (templates, tags, …), for "still in use" checks.
    func references(_ parameters: [String: JSONValue]) -> JourneyReferences
}

extension JourneyActionKind {
    public func references(_ parameters: [String: JSONValue]) -> JourneyReferences { JourneyReferences() }
}

/// What an action's validation may consult.
public struct JourneyActionContext: Sendable {
    /// The action object's path: `nodes.<id>.action`.
    public var path: String
    public var catalog: JourneyCatalog
    /// The journey's trigger: whether `{{event.*}}` can be filled.
    public var trigger: JourneyTrigger

    public init(path: String, catalog: JourneyCatalog, trigger: JourneyTrigger) {
        self.path = path
        self.catalog = catalog
        self.trigger = trigger
    }

    public func at(_ member: String) -> String { "\(path).\(member)" }
}

/// The action kinds a workspace's journeys may use, by type.
public struct JourneyActionRegistry: Sendable {
    public private(set) var kinds: [String: any JourneyActionKind]

    public init(_ kinds: [any JourneyActionKind]) {
        var byType: [String: any JourneyActionKind] = [:]
        for kind in kinds { byType[kind.type] = kind }
        self.kinds = byType
    }

    /// `send_message`, `add_tag`, `remove_tag`, `set_trait`, `webhook`.
    public static let builtIn = JourneyActionRegistry([
        SendMessageKind(), TagKind(type: TagAction.addType), TagKind(type: TagAction.removeType), SetTraitKind(),
        WebhookKind(),
    ])

    /// This registry with `kind` added (replacing a kind of the same type).
    public func registering(_ kind: any JourneyActionKind) -> JourneyActionRegistry {
        var copy = self
        copy.kinds[kind.type] = kind
        return copy
    }

    public subscript(type: String) -> (any JourneyActionKind)? { kinds[type] }

    public var types: [String] { kinds.keys.sorted() }
}

/// Reading an action's parameters with refusals at their paths, for built-in and extension kinds alike.
public struct JourneyParameters: Sendable {
    public let members: [String: JSONValue]
    public let context: JourneyActionContext

    public init(_ members: [String: JSONValue], _ context: JourneyActionContext) {
        self.members = members
        self.context = context
    }

    public func allow(_ fields: Set<String>) throws(JourneyError) {
        if let unknown = members.keys.filter({ !fields.contains($0) }).sorted().first {
            throw JourneyError(
                .unknownField, path: context.at(unknown),
                "unknown field \"\(unknown)\" (allowed: type, \(fields.sorted().joined(separator: ", ")))")
        }
    }

    public func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    public func required(_ key: String) throws(JourneyError) -> JSONValue {
        guard let value = optional(key) else {
            throw JourneyError(.missingField, path: context.at(key), "the action needs \"\(key)\"")
        }
        return value
    }

    /// A string of 1…200 bytes.
    public func name(_ key: String) throws(JourneyError) -> String {
        let value = try required(key)
        guard case .string(let text) = value else {
            throw JourneyError(.wrongType, path: context.at(key), "\"\(key)\" must be a string, got \(value.kindName)")
        }
        guard JourneyDefinition.isValidName(text) else {
            throw JourneyError(.invalidAction, path: context.at(key), "\"\(key)\" must be 1 to 200 bytes, not blank")
        }
        return text
    }

    public func optionalInteger(_ key: String, in range: ClosedRange<Int64>) throws(JourneyError) -> Int64? {
        guard let value = optional(key) else { return nil }
        guard case .int(let number) = value else {
            throw JourneyError(.wrongType, path: context.at(key), "\"\(key)\" must be an integer, got \(value.kindName)")
        }
        guard range.contains(number) else {
            throw JourneyError(
                .invalidAction, path: context.at(key),
                "\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }
}

struct SendMessageKind: JourneyActionKind {
    let type = SendMessageAction.type

    func validate(_ parameters: [String: JSONValue], in context: JourneyActionContext) throws(JourneyError) {
        let p = JourneyParameters(parameters, context)
        try p.allow(["template", "channel", "category", "expiresAfterSeconds"])
        let id = try p.name("template")
        let channel = ChannelID(try p.name("channel"))
        guard channel.isWellFormed else {
            throw JourneyError(
                .invalidAction, path: context.at("channel"),
                "\"\(channel)\" is not a channel id: 1 to 32 of a–z, 0–9, _ and -")
        }
        var category: MessageCategory?
        if let value = p.optional("category") {
            guard case .string(let name) = value, let parsed = MessageCategory(rawValue: name) else {
                throw JourneyError(
                    .invalidAction, path: context.at("category"), "\"category\" is service, content or marketing")
            }
            category = parsed
        }
        _ = try p.optionalInteger("expiresAfterSeconds", in: 60...JourneyDefinition.Limits.maximumWaitSeconds)
        guard let template = context.catalog.templates[id] else {
            var message = "no message template \"\(id)\""
            if let near = NameSuggestion.closest(to: id, among: context.catalog.templates.keys) {
                message += "; did you mean \"\(near)\"?"
            }
            throw JourneyError(.unknownTemplate, path: context.at("template"), message)
        }
        guard let variables = template.variables[channel] else {
            let has = template.channels.map(\.rawValue).sorted().joined(separator: ", ")
            throw JourneyError(
                .templateLacksChannel, path: context.at("channel"),
                "template \"\(id)\" has no body for \(channel); it has \(has.isEmpty ? "none" : has)")
        }
        if let category, category.strictness < template.category.strictness {
            throw JourneyError(
                .invalidAction, path: context.at("category"),
                "template \"\(id)\" is \(template.category.rawValue) and cannot be sent as \(category.rawValue)")
        }
        let vocabulary = context.catalog.vocabulary(for: context.trigger)
        var seen: Set<String> = []
        for variable in variables where seen.insert(variable.name).inserted {
            if let problem = vocabulary.problem(with: variable) {
                throw JourneyError(.unknownVariable, path: context.at("template"), "template \"\(id)\": \(problem)")
            }
        }
    }

    func references(_ parameters: [String: JSONValue]) -> JourneyReferences {
        JourneyReferences(templates: Set([parameters["template"]?.stringValue].compactMap { $0 }))
    }
}

extension MessageCategory {
    /// Service < content < marketing: the consent and caps each needs only grow.
    var strictness: Int {
        switch self {
        case .service: 0
        case .content: 1
        case .marketing: 2
        }
    }
}

struct TagKind: JourneyActionKind {
    let type: String

    func validate(_ parameters: [String: JSONValue], in context: JourneyActionContext) throws(JourneyError) {
        let p = JourneyParameters(parameters, context)
        try p.allow(["tag"])
        let tag = try p.name("tag")
        guard context.catalog.tags.contains(tag) else {
            var message = "no tag named \"\(tag)\"; define it first"
            if let near = NameSuggestion.closest(to: tag, among: context.catalog.tags) { message += " (did you mean \"\(near)\"?)" }
            throw JourneyError(.unknownTag, path: context.at("tag"), message)
        }
    }

    func references(_ parameters: [String: JSONValue]) -> JourneyReferences {
        JourneyReferences(tags: Set([parameters["tag"]?.stringValue].compactMap { $0 }))
    }
}

struct SetTraitKind: JourneyActionKind {
    let type = SetTraitAction.type

    func validate(_ parameters: [String: JSONValue], in context: JourneyActionContext) throws(JourneyError) {
        let p = JourneyParameters(parameters, context)
        try p.allow(["key", "value"])
        let key = try p.name("key")
        guard !TemplateVariable.reservedRoots.contains(String(key.prefix { $0 != "." })) else {
            throw JourneyError(.invalidAction, path: context.at("key"), "\"\(key)\" is reserved for Pond's own values")
        }
        guard parameters["value"] != nil else {
            throw JourneyError(.missingField, path: context.at("value"), "the action needs \"value\" (null removes the trait)")
        }
    }

    func references(_ parameters: [String: JSONValue]) -> JourneyReferences {
        JourneyReferences(traits: Set([parameters["key"]?.stringValue].compactMap { $0 }))
    }
}

struct WebhookKind: JourneyActionKind {
    let type = WebhookAction.type

    func validate(_ parameters: [String: JSONValue], in context: JourneyActionContext) throws(JourneyError) {
        let p = JourneyParameters(parameters, context)
        try p.allow(["url", "body"])
        guard case .string(let url) = try p.required("url") else {
            throw JourneyError(.wrongType, path: context.at("url"), "\"url\" must be a string")
        }
        let rest = url.hasPrefix("https://") ? url.dropFirst(8) : url.hasPrefix("http://") ? url.dropFirst(7) : nil
        guard let rest, let host = rest.split(separator: "/", omittingEmptySubsequences: false).first, !host.isEmpty,
            url.utf8.count <= 2048, !url.contains(where: { $0.isWhitespace })
        else {
            throw JourneyError(
                .invalidAction, path: context.at("url"), "\"url\" must be an http:// or https:// URL with a host")
        }
    }
}
