/// A profile's current RFM scores, as segment rules see them.
public struct RFMFacts: Sendable, Hashable {
    /// R score 1…5 (5 = bought most recently).
    public var recency: Int
    /// F score 1…5 (5 = buys most often).
    public var frequency: Int
    /// M score 1…5 (5 = spends most).
    public var monetary: Int
    /// The layer the scores put the customer in, e.g. 重要价值客户 (important-value customer).
    public var layer: String

    public init(recency: Int, frequency: Int, monetary: Int, layer: String) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
        self.layer = layer
    }

    public func score(_ dimension: SegmentCondition.RFMDimension) -> Int {
        switch dimension {
        case .recency: return recency
        case .frequency: return frequency
        case .monetary: return monetary
        }
    }
}
