/// What one channel sends of a template.
///
/// `text` is always there: the SMS, the WeCom text, the plain-text part of an email. `subject` and `html` are for
/// email. `providerTemplate` is for SMS providers in mainland China (阿里云, 腾讯云), which only deliver templates
/// approved in advance: Pond sends the approved template's code and its named parameters, and `text` is then what
/// the approved template says, kept for previews and the delivery log.
public struct TemplateBody: Sendable, Hashable {
    public var subject: TemplateText?
    public var text: TemplateText
    public var html: TemplateText?
    public var providerTemplate: ProviderTemplate?

    public init(
        subject: TemplateText? = nil, text: TemplateText, html: TemplateText? = nil,
        providerTemplate: ProviderTemplate? = nil
    ) {
        self.subject = subject
        self.text = text
        self.html = html
        self.providerTemplate = providerTemplate
    }

    /// Bounds on what one body may hold, in characters of the written template.
    public enum Limits {
        /// An SMS is billed per 70 characters; more than 500 is never a message, always a mistake.
        public static let smsText = 500
        public static let subject = 200
        public static let text = 20_000
        public static let html = 500_000
        public static let parameters = 20
        public static let parameter = 500
        public static let maximumNameBytes = 200
    }

    /// Every variable of the body, in reading order (subject, text, html, parameters by name), repeats included.
    public var variables: [TemplateVariable] {
        var result = subject?.variables ?? []
        result += text.variables
        result += html?.variables ?? []
        if let provider = providerTemplate {
            for name in provider.parameters.keys.sorted() { result += provider.parameters[name]!.variables }
        }
        return result
    }

    /// The body for one profile; fails with every variable that has neither a value nor a fallback.
    public func render(_ values: TemplateValues) throws(TemplateRenderError) -> RenderedBody {
        var missing: [String] = []
        let rendered = render(values, missing: &missing)
        guard missing.isEmpty else { throw TemplateRenderError(missing: missing) }
        return rendered
    }

    /// The body as the console previews it against a real profile: what is missing shows as `{{name}}` and is
    /// listed beside it.
    public func preview(_ values: TemplateValues) -> (body: RenderedBody, missing: [String]) {
        var missing: [String] = []
        let rendered = render(values, missing: &missing)
        return (rendered, missing)
    }

    private func render(_ values: TemplateValues, missing: inout [String]) -> RenderedBody {
        RenderedBody(
            subject: subject?.render(values, escaping: .plain, missing: &missing),
            text: text.render(values, escaping: .plain, missing: &missing),
            html: html?.render(values, escaping: .html, missing: &missing),
            providerTemplate: providerTemplate.map { provider in
                RenderedBody.Provider(
                    code: provider.code,
                    parameters: provider.parameters.keys.sorted().reduce(into: [:]) { result, name in
                        result[name] = provider.parameters[name]!.render(values, escaping: .plain, missing: &missing)
                    })
            })
    }
}

/// An SMS provider's pre-approved template: its code (`SMS_123456789`) and the texts of its named parameters.
public struct ProviderTemplate: Sendable, Hashable {
    public var code: String
    public var parameters: [String: TemplateText]

    public init(code: String, parameters: [String: TemplateText] = [:]) {
        self.code = code
        self.parameters = parameters
    }
}

/// A body rendered for one profile: plain strings a channel sends as they are.
public struct RenderedBody: Sendable, Hashable {
    public struct Provider: Sendable, Hashable {
        public var code: String
        public var parameters: [String: String]

        public init(code: String, parameters: [String: String]) {
            self.code = code
            self.parameters = parameters
        }
    }

    public var subject: String?
    public var text: String
    public var html: String?
    public var providerTemplate: Provider?

    public init(subject: String? = nil, text: String, html: String? = nil, providerTemplate: Provider? = nil) {
        self.subject = subject
        self.text = text
        self.html = html
        self.providerTemplate = providerTemplate
    }
}
