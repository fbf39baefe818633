/// Why an RFM configuration was refused. `code` is stable API surface; `message` is for people.
public struct RFMConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case noOrderEvents = "rfm_no_order_events"
        case noAmountProperties = "rfm_no_amount_properties"
        case invalidWindow = "rfm_invalid_window"
        case invalidBuckets = "rfm_invalid_buckets"
        case invalidThresholds = "rfm_invalid_thresholds"
        case incompleteLayers = "rfm_incomplete_layers"
        case unreachableLayerRule = "rfm_unreachable_layer_rule"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
