/// A leaf of a `SegmentRule`: one fact about a profile that is true or false at a given time.
public enum SegmentCondition: Sendable, Hashable {
    /// A predicate on the profile trait `key` (top-level key; a `.` in a key is part of the name, not a path).
    case trait(key: String, SegmentPredicate)
    /// `has tag "T"`.
    case hasTag(String)
    /// `lacks tag "T"` — exactly `not has tag "T"`; kept as its own condition because operators think of it so.
    case lacksTag(String)
    /// `performed "E" >= N times in Dd where …`.
    case performed(EventFrequency)
    /// `first "E" within Nd`, `last "E" before Nd ago`, …
    case eventTime(EventTime)
    /// `rfm layer = "X"` / `rfm layer in [..]`: the profile's RFM layer (e.g. 重要价值客户, important-value customer).
    case rfmLayer(NameMatch)
    /// `rfm r >= 4`: one of the 1…5 RFM scores.
    case rfmScore(RFMDimension, Comparator, Int)
    /// `stage = "X"` / `stage in [..]`: the lifecycle stage (e.g. 新客 new, 活跃 active, 流失 churned).
    case stage(NameMatch)
    /// `channel present "wecom"`: the customer has been seen on the channel.
    case channelPresent(String)
    /// `in segment "S"`: membership of another segment, by id.
    case inSegment(String)
    /// `consent "marketing" granted|denied|unknown`.
    case consent(purpose: String, ConsentState)

    /// A predicate on one event property. A condition's filters are an AND list.
    public struct PropertyFilter: Sendable, Hashable {
        public var key: String
        public var predicate: SegmentPredicate

        public init(_ key: String, _ predicate: SegmentPredicate) {
            self.key = key
            self.predicate = predicate
        }
    }

    /// How often a profile performed an event: `performed "E" >= 2 times in 90d where amount > 200`.
    public struct EventFrequency: Sendable, Hashable {
        public var event: String
        public var bound: CountBound
        public var count: Int
        /// The window `now − D days … now`, both ends inclusive; `nil` counts every event ever recorded.
        public var withinDays: Int?
        public var filters: [PropertyFilter]

        public init(
            event: String, _ bound: CountBound = .atLeast, _ count: Int = 1, withinDays: Int? = nil,
            filters: [PropertyFilter] = []
        ) {
            self.event = event
            self.bound = bound
            self.count = count
            self.withinDays = withinDays
            self.filters = filters
        }
    }

    public enum CountBound: String, Sendable, Hashable, CaseIterable {
        case atLeast = "at_least"
        case atMost = "at_most"
        case exactly = "exactly"
    }

    /// When a profile first or last performed an event: `last "Order Completed" before 90d ago`.
    public struct EventTime: Sendable, Hashable {
        public var occurrence: Occurrence
        public var event: String
        public var relation: Relation
        public var days: Int
        /// Only events passing every filter are considered when finding the first or last one.
        public var filters: [PropertyFilter]

        public init(
            _ occurrence: Occurrence, event: String, _ relation: Relation, days: Int, filters: [PropertyFilter] = []
        ) {
            self.occurrence = occurrence
            self.event = event
            self.relation = relation
            self.days = days
            self.filters = filters
        }
    }

    public enum Occurrence: String, Sendable, Hashable, CaseIterable {
        /// The earliest matching event.
        case first
        /// The latest matching event.
        case last
    }

    /// Where the first/last event lies relative to `now − days`. A profile that never performed the event
    /// satisfies none of them.
    public enum Relation: String, Sendable, Hashable, CaseIterable {
        /// `now − days <= t <= now`: the same window as everywhere else.
        case within
        /// `t < now − days`.
        case before
        /// `t >= now − days` — the exact complement of `before` among profiles that performed the event, so
        /// unlike `within` it includes events stamped after `now`.
        case after
    }

    /// An exact name or one of a list, for RFM layers and lifecycle stages.
    public enum NameMatch: Sendable, Hashable {
        case equals(String)
        case oneOf([String])
    }

    public enum RFMDimension: String, Sendable, Hashable, CaseIterable {
        /// R: how recently the customer bought.
        case recency = "r"
        /// F: how often.
        case frequency = "f"
        /// M: how much.
        case monetary = "m"
    }

    /// An integer comparison, for RFM scores.
    public enum Comparator: String, Sendable, Hashable, CaseIterable {
        case equal = "eq"
        case notEqual = "ne"
        case less = "lt"
        case lessOrEqual = "lte"
        case greater = "gt"
        case greaterOrEqual = "gte"

        /// The spelling in the text form.
        public var symbol: String {
            switch self {
            case .equal: return "="
            case .notEqual: return "!="
            case .less: return "<"
            case .lessOrEqual: return "<="
            case .greater: return ">"
            case .greaterOrEqual: return ">="
            }
        }

        public func holds(_ lhs: Int, _ rhs: Int) -> Bool {
            switch self {
            case .equal: return lhs == rhs
            case .notEqual: return lhs != rhs
            case .less: return lhs < rhs
            case .lessOrEqual: return lhs <= rhs
            case .greater: return lhs > rhs
            case .greaterOrEqual: return lhs >= rhs
            }
        }
    }

    /// What the consent ledger says about a purpose (PIPL 明示-授权-可撤回: notice, consent, revocable).
    public enum ConsentState: String, Sendable, Hashable, CaseIterable {
        case granted
        case denied
        /// Never asked, or no answer recorded.
        case unknown
    }
}
