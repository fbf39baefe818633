/// Why a change to a brand's definitions or customers was refused, in terms every front door can translate: the
/// API into a status and a JSON body, the console into a message beside the field, a journey step into a failed
/// step with its reason.
///
/// `code` is stable and machine-readable. Rule and configuration errors keep the codes of their own enumerations
/// (`SegmentRuleError.Code`, `RFMConfigurationError.Code`, …); the codes of refusals that belong to no rule are in
/// `Code`. `details` carries what a caller needs to point at the problem (`path`, `field`, `usedBy`, `chain`, …).
public struct DefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request can never succeed as given.
        case invalid
        /// What it names does not exist.
        case notFound
        /// It clashes with the current state (a name taken, a definition still in use).
        case conflict
        /// It is more than one request may carry (rows of an upload, say); split it.
        case tooLarge
    }

    public enum Code: String, Sendable, CaseIterable {
        case invalidRequest = "invalid_request"
        case invalidIdentity = "invalid_identity"
        case notFound = "not_found"
        case alreadyExists = "already_exists"
        case unknownTag = "unknown_tag"
        case unknownTagGroup = "unknown_tag_group"
        case tagInUse = "tag_in_use"
        case tagGroupInUse = "tag_group_in_use"
        case segmentInUse = "segment_in_use"
        case segmentIsStatic = "segment_is_static"
        case segmentIsDynamic = "segment_is_dynamic"
        case invalidCSV = "invalid_csv"
        case payloadTooLarge = "payload_too_large"
        case noValidRows = "no_valid_rows"
        case changedWhileImporting = "changed_while_importing"
        case rfmLayerInUse = "rfm_layer_in_use"
        case alreadyUndone = "already_undone"
        case journeyNotActive = "journey_not_active"
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var details: [String: JSONValue]

    public init(_ kind: Kind, _ code: Code, _ message: String, details: [String: JSONValue] = [:]) {
        self.init(kind, code: code.rawValue, message, details: details)
    }

    /// For the codes of rule and configuration errors.
    public init(_ kind: Kind, code: String, _ message: String, details: [String: JSONValue] = [:]) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    public static func invalid(_ message: String) -> DefinitionError { DefinitionError(.invalid, .invalidRequest, message) }

    public static func notFound(_ what: String) -> DefinitionError { DefinitionError(.notFound, .notFound, "\(what) not found") }

    public static func unknownTag(_ name: String) -> DefinitionError {
        DefinitionError(.invalid, .unknownTag, "no tag named \"\(name)\"; define it with POST /api/v1/tags first")
    }

    /// A rule that does not parse or validate, with the offending node's path (empty for the root), the character
    /// offset of the text form, and the request field it came in (`rule`, `ruleText`).
    public init(_ error: SegmentRuleError, field: String?) {
        var details: [String: JSONValue] = ["path": .string(error.path)]
        if let offset = error.offset { details["offset"] = .int(Int64(offset)) }
        if let field { details["field"] = .string(field) }
        self.init(.invalid, code: error.code.rawValue, error.message, details: details)
    }
}
