/// Why a lifecycle configuration was refused. `code` is stable API surface; `message` is for people.
public struct LifecycleConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case invalidDormancy = "lifecycle_invalid_dormancy"
        case invalidChurnWindow = "lifecycle_invalid_churn_window"
        case invalidWonBackPeriod = "lifecycle_invalid_won_back_period"
        case invalidMilestones = "lifecycle_invalid_milestones"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
