import Hummingbird
import PondChannels
import PondCore
import PondEngine

/// The codes the HTTP edge itself returns. Refusals decided by the application services keep the codes of their
/// domain enumerations; `APIErrorCode.everyCode` is the whole list a client may see, which the OpenAPI document
/// must name.
public enum APIErrorCode: String, Sendable, CaseIterable {
    case unauthorized
    case rootKeyNotConfigured = "root_key_not_configured"
    case notFound = "not_found"
    case invalidRequest = "invalid_request"
    case invalidJSON = "invalid_json"
    case invalidText = "invalid_text"
    case invalidCSV = "invalid_csv"
    case invalidMapping = "invalid_mapping"
    case invalidIdentity = "invalid_identity"
    case payloadTooLarge = "payload_too_large"
    case headersTooLarge = "headers_too_large"
    case malformedRequest = "malformed_request"
    case requestTimeout = "request_timeout"
    case tooManyConnections = "too_many_connections"
    case unsupportedMediaType = "unsupported_media_type"
    case unsupportedEncoding = "unsupported_encoding"
    case methodNotAllowed = "method_not_allowed"
    case lastAdminKey = "last_admin_key"
    case internalError = "internal_error"

    /// Every code a response of the API can carry: the edge's, the application services', the rule and
    /// configuration validators', and the tracking API's.
    public static var everyCode: Set<String> {
        Set(allCases.map(\.rawValue))
            .union(DefinitionError.Code.allCases.map(\.rawValue))
            .union(SegmentRuleError.Code.allCases.map(\.rawValue))
            .union(RFMConfigurationError.Code.allCases.map(\.rawValue))
            .union(LifecycleConfigurationError.Code.allCases.map(\.rawValue))
            .union(IngestError.Code.allCases.map(\.rawValue))
            .union(ConsentError.Code.allCases.map(\.rawValue))
            .union(DispatchPolicyError.Code.allCases.map(\.rawValue))
            .union(JourneyError.Code.allCases.map(\.rawValue))
            .union(ChannelConfigurationError.Code.allCases.map(\.rawValue))
            .union(TemplateError.Code.allCases.map(\.rawValue))
            .union(TemplateService.Code.allCases.map(\.rawValue) + BroadcastService.Code.allCases.map(\.rawValue))
    }
}

/// Every error the API returns: an HTTP status, a stable machine-readable `code`, and a message for people.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var extra: [String: JSONValue] = [:]
    /// Headers the status calls for, such as `Allow` with a 405.
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: APIErrorCode, _ message: String) {
        self.init(status, code: code.rawValue, message)
    }

    /// For codes decided outside the edge (the services, the validators, ingestion).
    init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: JSONValue] = extra
        body["code"] = .string(code)
        body["message"] = .string(message)
        var response = JSONResponse.make(.object(body), status: status)
        if status == .tooManyRequests { response.headers[.retryAfter] = "1" }
        response.headers.append(contentsOf: headers)
        return response
    }

    static func notFound(_ what: String) -> APIError { APIError(.notFound, .notFound, "\(what) not found") }
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, .invalidRequest, message) }
    static let unauthorized = APIError(.unauthorized, .unauthorized, "a valid admin key is required as 'Authorization: Bearer KEY'")
}

extension APIError {
    /// Maps ingestion failures to the statuses the Segment SDKs act on: they retry 429 and 5xx, and drop other 4xx
    /// (which is right for a batch that will never be valid).
    init(_ error: IngestError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .invalidJSON, .invalidMessage, .missingIdentity: .badRequest
            case .messageTooLarge, .payloadTooLarge: .contentTooLarge
            case .missingWriteKey, .invalidWriteKey: .unauthorized
            case .unsupportedEncoding: .unsupportedMediaType
            case .overloaded: .tooManyRequests
            }
        self.init(status, code: error.code.rawValue, error.message)
        if let index = error.index { extra["index"] = .int(Int64(index)) }
    }

    /// A refusal of the application services: invalid 400, not found 404, conflict 409, too large 413, with the
    /// error's details beside `code` and `message`.
    init(_ error: DefinitionError) {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .invalid: .badRequest
            case .notFound: .notFound
            case .conflict: .conflict
            case .tooLarge: .contentTooLarge
            }
        self.init(status, code: error.code, error.message)
        extra = error.details
    }
}
