import PondCore
import PondStore

/// Journeys name and render the workspace's stored templates: the same templates, vocabulary and renderer
/// broadcasts use.
extension TemplateService: JourneyMessages {
    public func templatesByID(workspaceID: String) async throws -> [String: MessageTemplate] {
        Dictionary(uniqueKeysWithValues: try await templates(workspaceID: workspaceID).map { ($0.id, $0.template) })
    }

    public func traitKeys(workspaceID: String) async throws -> Set<String> {
        try await vocabulary(workspaceID: workspaceID).traitKeys
    }

    public func render(
        workspaceID: String, templateID: String, channel: ChannelID, profileID: Int64, traits: [String: JSONValue],
        event: [String: JSONValue]?
    ) async throws -> (content: MessageContent, category: MessageCategory) {
        let stored = try await template(workspaceID: workspaceID, id: templateID)
        let renderer = try await renderer(workspaceID: workspaceID)
        guard let content = try renderer.content(
            stored.template, channel: channel, profileID: profileID, traits: traits, event: event)
        else { throw DefinitionError(.invalid, .invalidRequest, "template '\(templateID)' has no body for \(channel)") }
        return (content, stored.template.category)
    }
}
