/// Why a message template was refused. `code` is stable API surface; `path` names the member at fault
/// (`bodies.sms.text`, `bodies.email.providerTemplate.parameters.name`, `category`); `message` is for people.
/// Errors found while reading a template's text also carry `offset`, the position of the problem in Unicode
/// scalars from the start of that text.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// A text could not be read: an unclosed `{{`, an empty variable path, a character a path cannot hold.
        case syntax = "template_syntax"
        /// A variable names nothing the template's audience has: a misspelt trait (`{{nmae}}`), `event.*` where
        /// there is no trigger event, a system value that does not exist.
        case unknownVariable = "template_unknown_variable"
        /// A required text is empty, or a template has no body at all.
        case empty = "template_empty"
        /// A text is longer than its channel allows (`TemplateBody.Limits`).
        case tooLong = "template_too_long"
        /// A body is keyed by a channel id that is not well formed (`ChannelID.isWellFormed`).
        case invalidChannel = "template_invalid_channel"
        /// A name (the template's, a provider template code, a parameter name) is empty or too long.
        case invalidName = "template_invalid_name"
        /// The category is missing or not one of `service`, `content`, `marketing`.
        case invalidCategory = "template_invalid_category"
        /// A JSON object has a member the template does not define.
        case unknownField = "template_unknown_field"
        /// A JSON object lacks a required member.
        case missingField = "template_missing_field"
        /// A member has the wrong JSON type.
        case wrongType = "template_wrong_type"
    }

    public let code: Code
    public let path: String
    public let message: String
    public let offset: Int?

    public init(_ code: Code, path: String, _ message: String, offset: Int? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.offset = offset
    }

    public var description: String {
        var location = path.isEmpty ? "at the root" : "at \(path)"
        if let offset { location += ", character \(offset)" }
        return "\(code.rawValue) \(location): \(message)"
    }
}

/// Why a template could not be rendered for one profile: variables with neither a value nor a fallback. The
/// engine records the send as failed with this reason rather than sending "您好，，您的订单已发货".
public struct TemplateRenderError: Error, Sendable, Equatable, CustomStringConvertible {
    public static let code = "template_missing_value"

    /// The variables without a value, by name (`name`, `event.amount`), each once, in order of first use.
    public let missing: [String]

    public init(missing: [String]) { self.missing = missing }

    public var code: String { Self.code }

    public var message: String {
        "no value and no fallback for " + missing.map { "{{\($0)}}" }.joined(separator: ", ")
    }

    public var description: String { "\(code): \(message)" }
}
