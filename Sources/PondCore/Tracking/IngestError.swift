/// Why a tracking request was refused. `code` is stable API surface: clients and dashboards match on it.
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case invalidJSON = "invalid_json"
        case invalidMessage = "invalid_message"
        case missingIdentity = "missing_identity"
        case messageTooLarge = "message_too_large"
        case payloadTooLarge = "payload_too_large"
        case missingWriteKey = "missing_write_key"
        case invalidWriteKey = "invalid_write_key"
        case unsupportedEncoding = "unsupported_encoding"
        case overloaded = "overloaded"
    }

    public let code: Code
    public let message: String
    /// Position of the offending message inside a batch, when there is one.
    public let index: Int?

    public init(_ code: Code, _ message: String, index: Int? = nil) {
        self.code = code
        self.message = message
        self.index = index
    }

    public var description: String { "\(code.rawValue): \(message)" }

    func at(index: Int) -> IngestError {
        IngestError(code, "batch[\(index)]: \(message)", index: index)
    }
}
