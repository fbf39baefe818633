/// What an action node does: a `type` and its parameters, as the JSON form writes them
/// (`{"type": "send_message", "template": "welcome", "channel": "wecom"}`).
///
/// A plain type string and parameters rather than an enumeration, so that a module adding an action (grant
/// points, issue a coupon, assign a staff member, a WeCom 1:1 message) registers a `JourneyActionKind` and an
/// executor in the engine, and edits no switch here. The built-in kinds have typed readers (`SendMessageAction`,
/// …) for the engine's executors.
public struct JourneyAction: Sendable, Hashable {
    public var type: String
    /// Every member of the action's JSON object except `type`.
    public var parameters: [String: JSONValue]

    public init(type: String, parameters: [String: JSONValue] = [:]) {
        self.type = type
        self.parameters = parameters
    }

    public static func sendMessage(
        template: String, channel: ChannelID, category: MessageCategory? = nil, expiresAfterSeconds: Int64? = nil
    ) -> JourneyAction {
        var parameters: [String: JSONValue] = ["template": .string(template), "channel": .string(channel.rawValue)]
        if let category { parameters["category"] = .string(category.rawValue) }
        if let expiresAfterSeconds { parameters["expiresAfterSeconds"] = .int(expiresAfterSeconds) }
        return JourneyAction(type: SendMessageAction.type, parameters: parameters)
    }

    public static func addTag(_ tag: String) -> JourneyAction {
        JourneyAction(type: TagAction.addType, parameters: ["tag": .string(tag)])
    }

    public static func removeTag(_ tag: String) -> JourneyAction {
        JourneyAction(type: TagAction.removeType, parameters: ["tag": .string(tag)])
    }

    public static func setTrait(_ key: String, _ value: JSONValue) -> JourneyAction {
        JourneyAction(type: SetTraitAction.type, parameters: ["key": .string(key), "value": value])
    }

    public static func webhook(url: String, body: JSONValue? = nil) -> JourneyAction {
        var parameters: [String: JSONValue] = ["url": .string(url)]
        if let body { parameters["body"] = body }
        return JourneyAction(type: WebhookAction.type, parameters: parameters)
    }
}

/// `send_message`: a template on a channel. The category defaults to the template's and may only be made stricter
/// (a marketing template is never sent as a service notice, which would skip marketing consent). A message still
/// held by the dispatcher `expiresAfterSeconds` after the step is dropped instead of arriving late.
public struct SendMessageAction: Sendable, Hashable {
    public static let type = "send_message"

    public var template: String
    public var channel: ChannelID
    public var category: MessageCategory?
    public var expiresAfterSeconds: Int64?

    /// The typed reading of a validated action; `nil` for another type or malformed parameters.
    public init?(_ action: JourneyAction) {
        guard action.type == Self.type, case .string(let template)? = action.parameters["template"],
            case .string(let channel)? = action.parameters["channel"]
        else { return nil }
        self.template = template
        self.channel = ChannelID(channel)
        category = action.parameters["category"]?.stringValue.flatMap(MessageCategory.init(rawValue:))
        if case .int(let seconds)? = action.parameters["expiresAfterSeconds"] { expiresAfterSeconds = seconds } else { expiresAfterSeconds = nil }
    }

    /// When a message asked for at `now` stops being worth sending (`DispatchRequest.expiresAt`).
    public func expiresAt(askedAt now: Instant) -> Instant? {
        expiresAfterSeconds.map { now.adding(milliseconds: $0 * 1000) }
    }

    /// The category to send with: the action's, else the template's.
    public func category(template: MessageCategory) -> MessageCategory { category ?? template }
}

/// `add_tag` / `remove_tag`: a manual tag (`TagSource`) given or withdrawn by the journey.
public struct TagAction: Sendable, Hashable {
    public static let addType = "add_tag"
    public static let removeType = "remove_tag"

    public var tag: String
    public var adds: Bool

    public init?(_ action: JourneyAction) {
        guard action.type == Self.addType || action.type == Self.removeType,
            case .string(let tag)? = action.parameters["tag"]
        else { return nil }
        self.tag = tag
        adds = action.type == Self.addType
    }
}

/// `set_trait`: writes one trait of the profile.
public struct SetTraitAction: Sendable, Hashable {
    public static let type = "set_trait"

    public var key: String
    public var value: JSONValue

    public init?(_ action: JourneyAction) {
        guard action.type == Self.type, case .string(let key)? = action.parameters["key"],
            let value = action.parameters["value"]
        else { return nil }
        self.key = key
        self.value = value
    }
}

/// `webhook`: POSTs to a URL of the brand's own systems, with an optional JSON body.
public struct WebhookAction: Sendable, Hashable {
    public static let type = "webhook"

    public var url: String
    public var body: JSONValue?

    public init?(_ action: JourneyAction) {
        guard action.type == Self.type, case .string(let url)? = action.parameters["url"] else { return nil }
        self.url = url
        body = action.parameters["body"].flatMap { $0.isNull ? nil : $0 }
    }
}
