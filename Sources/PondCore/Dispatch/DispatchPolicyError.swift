/// Why a dispatch policy was refused. `code` is stable API surface; `path` names the member at fault
/// (`caps[1].limit`, `quietHours.end`); `message` is for people.
public struct DispatchPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case tooManyCaps = "dispatch_too_many_caps"
        case invalidCapLimit = "dispatch_invalid_cap_limit"
        case invalidCapWindow = "dispatch_invalid_cap_window"
        case invalidCapScope = "dispatch_invalid_cap_scope"
        case redundantCap = "dispatch_redundant_cap"
        case invalidQuietHours = "dispatch_invalid_quiet_hours"
        case invalidMarketingShare = "dispatch_invalid_marketing_share"
        case invalidConsentRule = "dispatch_invalid_consent_rule"
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
