/// Why a channel configuration was refused. `code` is stable API surface; `path` names the member at fault
/// (`port`, `accessKeySecret`; empty for the document itself); `message` is for people and never repeats a secret.
public struct ChannelConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// A member is missing, of the wrong type, out of range or not allowed.
        case invalidConfig = "channel_invalid_config"
        /// `type` names no channel kind Pond has.
        case unknownType = "channel_unknown_type"
    }

    public let code: Code
    public let path: String
    public let message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(code.rawValue) at \(path): \(message)" }
}
