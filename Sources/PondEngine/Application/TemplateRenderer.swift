import Crypto
import Foundation
import PondCore
import PondStore

/// Turns a template into what the dispatcher sends, for one customer and one send: the one way journeys and
/// broadcasts fill templates, so a message reads the same whoever asked for it.
///
/// Built per workspace (`TemplateService.renderer(workspaceID:)`), it holds the workspace's link secret, so filling
/// a template costs no database read: a broadcast fills thousands per slice.
public struct TemplateRenderer: Sendable {
    public let workspaceID: String
    /// The brand's name, `{{workspace.name}}`.
    let workspaceName: String
    let unsubscribeLink: @Sendable (_ profileID: Int64, _ channel: ChannelID) -> String

    /// The `MessageContent.parameters` key of the unsubscribe link of an email that needs one, for the email
    /// channel's `List-Unsubscribe` (and RFC 8058 one-click) headers.
    public static let unsubscribeURLParameter = "unsubscribeUrl"

    init(workspaceID: String, workspaceName: String, unsubscribeLink: @escaping @Sendable (Int64, ChannelID) -> String) {
        self.workspaceID = workspaceID
        self.workspaceName = workspaceName
        self.unsubscribeLink = unsubscribeLink
    }

    /// The categories whose messages carry an unsubscribe link: those sent unasked. A service message (an order
    /// shipped) is not something a customer unsubscribes from, so it has none.
    public static func carriesUnsubscribeLink(_ category: MessageCategory) -> Bool { category != .service }

    /// What a send's variables are filled from: the customer's traits, the trigger event's properties (nil when
    /// there is none), and Pond's own values — `profile.id` and `workspace.name` always; `links.unsubscribe` for marketing and content,
    /// signed for this customer and channel; `links.preferences` is that same page, where the customer manages
    /// marketing on the channel.
    public func values(
        profileID: Int64, channel: ChannelID, category: MessageCategory, traits: [String: JSONValue],
        event: [String: JSONValue]?
    ) -> TemplateValues {
        var system: [String: JSONValue] = ["profile.id": .int(profileID), "workspace.name": .string(workspaceName)]
        if Self.carriesUnsubscribeLink(category) {
            let link = JSONValue.string(unsubscribeLink(profileID, channel))
            system["links.unsubscribe"] = link
            system["links.preferences"] = link
        }
        return TemplateValues(traits: traits, event: event, system: system)
    }

    /// The message for one customer on `channel`; nil when the template has no body for it. Fails with every
    /// variable that has neither a value nor a fallback (nothing is sent with a hole in it).
    ///
    /// `category` is the send's (a broadcast may send a template under a stricter category); it decides the links.
    /// The content is the rendered body: subject, text and HTML as they are, an SMS provider template's code in
    /// `providerTemplate` and its rendered parameters in `parameters`. An email of a category that carries an
    /// unsubscribe link also has the link in `parameters["unsubscribeUrl"]` (`unsubscribeURLParameter`), so the
    /// email channel can set `List-Unsubscribe` without parsing the body.
    public func content(
        _ template: MessageTemplate, channel: ChannelID, category: MessageCategory? = nil, profileID: Int64,
        traits: [String: JSONValue], event: [String: JSONValue]? = nil
    ) throws(TemplateRenderError) -> MessageContent? {
        let category = category ?? template.category
        let values = values(profileID: profileID, channel: channel, category: category, traits: traits, event: event)
        guard let body = try template.render(channel: channel, values: values) else { return nil }
        var parameters = body.providerTemplate?.parameters ?? [:]
        if channel == .email, Self.carriesUnsubscribeLink(category), case .string(let link)? = values.system["links.unsubscribe"] {
            parameters[Self.unsubscribeURLParameter] = link
        }
        return MessageContent(
            subject: body.subject, text: body.text, html: body.html, providerTemplate: body.providerTemplate?.code,
            parameters: parameters)
    }
}

extension UnsubscribeLinks {
    /// Signs unsubscribe links for one workspace with a single read of its secret. The links are the ones `link`
    /// builds (same secret, same token), without a database read per customer.
    func signer(workspaceID: String) async throws -> @Sendable (Int64, ChannelID) -> String {
        let text = try await store.workspaceSecret(
            workspaceID: workspaceID, name: Self.secretName, at: clock.now(),
            generate: { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } })
        guard let bytes = Data(base64Encoded: text) else { throw StoreError.corrupt("the workspace's link secret is not base64") }
        let secret = SymmetricKey(data: bytes)
        let base = publicURL
        return { profileID, channel in
            "\(base)/u/\(UnsubscribeToken(workspaceID: workspaceID, profileID: profileID, channel: channel).signed(secret: secret))"
        }
    }
}
