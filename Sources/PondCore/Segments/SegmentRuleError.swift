/// Why a segment rule was refused. `code` is stable API surface; `path` names the offending node.
///
/// A path is a chain of steps from the root: `all[1]` is the second rule of an `all` group, `any[0]` the first of
/// an `any` group, `not` the operand of a `not`, `where[2]` the third property filter of an event condition. So
/// `all[1].any[0]` is the first rule of the `any` group that is the second rule of the root `all`. The root
/// itself has the empty path. Errors from the text form also carry the character offset (in Unicode scalars from
/// the start of the text) of the offending token or node.
public struct SegmentRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The text form could not be read (see `offset`).
        case syntaxError = "syntax_error"
        /// A JSON object has a member the node does not define.
        case unknownField = "unknown_field"
        /// A JSON node lacks a required member.
        case missingField = "missing_field"
        /// A member has the wrong JSON type, or an operator was given a value it cannot compare.
        case wrongType = "wrong_type"
        /// A JSON node's `type` is not a known condition or group.
        case unknownCondition = "unknown_condition"
        /// An `op`, `relation`, `state`, … is not one of the allowed words.
        case unknownOperator = "unknown_operator"
        /// A day window outside 1…3650.
        case absurdWindow = "absurd_window"
        /// An event count outside 0…1 000 000.
        case absurdCount = "absurd_count"
        /// An RFM score outside 1…5.
        case absurdScore = "absurd_score"
        /// An `all` or `any` group with no rules.
        case emptyGroup = "empty_group"
        /// An `in` list with no values.
        case emptyList = "empty_list"
        /// An `in` list with more than 1000 values.
        case tooManyValues = "too_many_values"
        /// More than 16 levels of nesting.
        case depthExceeded = "depth_exceeded"
        /// More than 200 conditions and property filters in one rule.
        case tooManyConditions = "too_many_conditions"
        /// A name (trait key, tag, event, segment id, …) that is empty or longer than 200 UTF-8 bytes.
        case invalidName = "invalid_name"
        /// A date that is not ISO 8601, or outside the years 0000…9999.
        case invalidDate = "invalid_date"
        /// `between a and b` with `a > b`, which no value can satisfy.
        case invertedRange = "inverted_range"
        /// A lifecycle stage that does not exist.
        case unknownStage = "unknown_stage"
        /// An RFM layer that is not in the workspace's layer map.
        case unknownLayer = "unknown_layer"
        /// `in segment` names a segment the workspace does not have (or the segment being saved itself).
        case unknownSegment = "unknown_segment"
        /// Segments would reference each other in a cycle.
        case segmentCycle = "segment_cycle"
    }

    public let code: Code
    public let path: String
    public let message: String
    /// For rules read from the text form: where the problem is, in Unicode scalars from the start.
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

/// One step of a path into a rule tree; see `SegmentRuleError`.
enum SegmentPathStep: Sendable, Hashable, CustomStringConvertible {
    case all(Int)
    case any(Int)
    case not
    case filter(Int)

    var description: String {
        switch self {
        case .all(let i): return "all[\(i)]"
        case .any(let i): return "any[\(i)]"
        case .not: return "not"
        case .filter(let i): return "where[\(i)]"
        }
    }

    static func render(_ steps: [SegmentPathStep]) -> String { steps.map(\.description).joined(separator: ".") }
}
