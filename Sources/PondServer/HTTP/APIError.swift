import Hummingbird
import PondCore

/// Every error the API returns: an HTTP status, a stable machine-readable `code`, and a message for people.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var extra: [String: JSONValue] = [:]
    /// Headers the status calls for, such as `Allow` with a 405.
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
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

    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", "\(what) not found") }
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "invalid_request", message) }
    static let unauthorized = APIError(.unauthorized, "unauthorized", "a valid admin key is required as 'Authorization: Bearer KEY'")
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
        self.init(status, error.code.rawValue, error.message)
        if let index = error.index { extra["index"] = .int(Int64(index)) }
    }
}
