/// A message a brand sends — from a journey step, a broadcast, the API — with a body per channel and the category
/// (`MessageCategory`) that decides the consent, quiet hours and caps it meets in the dispatcher.
///
/// The JSON form, which the management API accepts and returns:
///
/// ```
/// template = {"name": string, "category": "service" | "content" | "marketing",
///             "bodies": {channel-id: body, …}}
/// body     = {"text": text, "subject"?: text, "html"?: text,
///             "providerTemplate"?: {"code": string, "parameters"?: {name: text, …}}}
/// text     = a string in the template syntax of `TemplateText`
/// ```
///
/// Optional members may also be `null`; unknown members are refused (`template_unknown_field`), so a typo such as
/// `"subjct"` is an error and not a silently subject-less email.
public struct MessageTemplate: Sendable, Hashable {
    public var name: String
    public var category: MessageCategory
    public var bodies: [ChannelID: TemplateBody]

    public init(name: String, category: MessageCategory, bodies: [ChannelID: TemplateBody]) {
        self.name = name
        self.category = category
        self.bodies = bodies
    }

    /// The channels it has a body for.
    public var channels: Set<ChannelID> { Set(bodies.keys) }

    /// Every variable of every body, each name once, in the order of channels by id and then of reading.
    public var variables: [TemplateVariable] {
        var seen: Set<String> = []
        var result: [TemplateVariable] = []
        for channel in bodies.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            for variable in bodies[channel]!.variables where seen.insert(variable.name).inserted {
                result.append(variable)
            }
        }
        return result
    }

    /// The body for `channel` as the console previews it against a real profile (missing variables shown as
    /// `{{name}}` and listed); `nil` when the template has no body for the channel.
    public func preview(channel: ChannelID, values: TemplateValues) -> (body: RenderedBody, missing: [String])? {
        bodies[channel]?.preview(values)
    }

    /// Renders the body for `channel`; `nil` when the template has none for it.
    public func render(channel: ChannelID, values: TemplateValues) throws(TemplateRenderError) -> RenderedBody? {
        guard let body = bodies[channel] else { return nil }
        return try body.render(values)
    }
}
