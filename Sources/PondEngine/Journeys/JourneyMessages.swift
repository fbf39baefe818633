import PondCore

/// What journeys need of the workspace's message templates: what validation may name, and a template rendered for
/// one profile. The template service provides it; journeys depend on this seam, not on how templates are stored.
public protocol JourneyMessages: Sendable {
    /// The workspace's templates by id.
    func templatesByID(workspaceID: String) async throws -> [String: MessageTemplate]
    /// The trait keys templates may read in the workspace.
    func traitKeys(workspaceID: String) async throws -> Set<String>
    /// A template rendered for a profile on a channel, with `{{event.*}}` from `event`; the template's category
    /// comes back with it. Throws `TemplateRenderError` when a variable without a fallback has no value.
    func render(
        workspaceID: String, templateID: String, channel: ChannelID, profileID: Int64, traits: [String: JSONValue],
        event: [String: JSONValue]?
    ) async throws -> (content: MessageContent, category: MessageCategory)
}

