/// A named group of RFM cells that operations act on as one ("send the 需唤醒 layer a coupon").
///
/// `id` is what segments, journeys and exports refer to; the names are what the console shows. A brand may rename
/// or add layers in its map; the ids of the standard layers below are stable.
public struct RFMLayer: Sendable, Hashable, Codable {
    public var id: String
    public var chineseName: String
    public var englishName: String

    public init(id: String, chineseName: String, englishName: String) {
        self.id = id
        self.chineseName = chineseName
        self.englishName = englishName
    }

    /// Layer 超级用户: bought recently, often and the most. Protect and reward them (membership perks, previews).
    public static let champions = RFMLayer(id: "champions", chineseName: "超级用户", englishName: "Champions")
    /// Layer 核心用户: frequent buyers who are still around; the base of repeat revenue. Upsell and loyalty.
    public static let loyal = RFMLayer(id: "loyal", chineseName: "核心用户", englishName: "Loyal")
    /// Layer 新用户: a single recent order. The second order is the one to win (onboarding, welcome coupon).
    public static let new = RFMLayer(id: "new", chineseName: "新用户", englishName: "New")
    /// Layer 潜力用户: recent buyers with a few orders who could become loyal with a nudge (bundles, membership).
    public static let potential = RFMLayer(id: "potential", chineseName: "潜力用户", englishName: "Potential")
    /// Layer 需唤醒: mid-recency buyers who are drifting before they were ever frequent (reminders, limited offers).
    public static let needAttention = RFMLayer(id: "need_attention", chineseName: "需唤醒", englishName: "Need attention")
    /// Layer 流失风险: used to buy often but not lately; the most valuable customers to win back, personally.
    public static let atRisk = RFMLayer(id: "at_risk", chineseName: "流失风险", englishName: "At risk")
    /// Layer 沉睡用户: long ago, rarely. Worth a cheap reactivation attempt, not a 1:1 chat.
    public static let hibernating = RFMLayer(id: "hibernating", chineseName: "沉睡用户", englishName: "Hibernating")
    /// Layer 已流失: the oldest, rarest buyers in the window. Low-cost touches only, and respect the frequency caps.
    public static let lost = RFMLayer(id: "lost", chineseName: "已流失", englishName: "Lost")
}

/// "Cells with R, F and M in these ranges belong to this layer."
public struct RFMLayerRule: Sendable, Equatable, Codable {
    public var layer: RFMLayer
    public var recency: ClosedRange<Int>
    public var frequency: ClosedRange<Int>
    public var monetary: ClosedRange<Int>

    public init(
        _ layer: RFMLayer, r recency: ClosedRange<Int>, f frequency: ClosedRange<Int>,
        m monetary: ClosedRange<Int> = 1...9
    ) {
        self.layer = layer
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
    }

    public func matches(r: Int, f: Int, m: Int) -> Bool {
        recency.contains(r) && frequency.contains(f) && monetary.contains(m)
    }

    private enum CodingKeys: String, CodingKey {
        case layer
        case recency = "r"
        case frequency = "f"
        case monetary = "m"
    }

    /// A rule without `m` matches every monetary score, like the initialiser's default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode(RFMLayer.self, forKey: .layer),
            r: try container.decode(ClosedRange<Int>.self, forKey: .recency),
            f: try container.decode(ClosedRange<Int>.self, forKey: .frequency),
            m: try container.decodeIfPresent(ClosedRange<Int>.self, forKey: .monetary) ?? 1...9)
    }
}

/// Ordered rules from score ranges to layers; the first matching rule wins, so a brand can carve a special case
/// out of a broad rule by putting it first.
///
/// A valid map covers every cell of the scale (no customer with orders is left without a layer) and has no rule
/// that earlier rules shadow completely (an edit that can never take effect is a mistake worth reporting).
public struct RFMLayerMap: Sendable, Equatable, Codable {
    public var rules: [RFMLayerRule]

    public init(rules: [RFMLayerRule]) { self.rules = rules }

    public func layer(r: Int, f: Int, m: Int) -> RFMLayer? { firstRule(r: r, f: f, m: m).map { rules[$0].layer } }

    /// Cells ("215") that no rule matches, in ascending order.
    public func uncoveredCells(scale: Int) -> [String] {
        Self.cells(scale: scale).filter { firstRule(r: $0.r, f: $0.f, m: $0.m) == nil }.map(Self.cell)
    }

    /// Positions of rules that win no cell because earlier rules match all of their cells first.
    public func unreachableRules(scale: Int) -> [Int] {
        let winners = Set(Self.cells(scale: scale).compactMap { firstRule(r: $0.r, f: $0.f, m: $0.m) })
        return rules.indices.filter { !winners.contains($0) }
    }

    func validate(scale: Int) throws(RFMConfigurationError) {
        let uncovered = uncoveredCells(scale: scale)
        guard uncovered.isEmpty else {
            let shown = uncovered.prefix(10).joined(separator: ", ") + (uncovered.count > 10 ? ", …" : "")
            throw RFMConfigurationError(
                .incompleteLayers, "\(uncovered.count) RFM cells match no layer rule: \(shown)")
        }
        if let index = unreachableRules(scale: scale).first {
            throw RFMConfigurationError(
                .unreachableLayerRule,
                "layer rule \(index) (\(rules[index].layer.id)) never matches: earlier rules take all of its cells")
        }
    }

    private func firstRule(r: Int, f: Int, m: Int) -> Int? { rules.firstIndex { $0.matches(r: r, f: f, m: m) } }

    static func cells(scale: Int) -> [(r: Int, f: Int, m: Int)] {
        guard scale >= 1 else { return [] }
        return (1...scale).flatMap { r in (1...scale).flatMap { f in (1...scale).map { m in (r, f, m) } } }
    }

    static func cell(_ scores: (r: Int, f: Int, m: Int)) -> String { "\(scores.r)\(scores.f)\(scores.m)" }

    /// The default map for 5-point scores, adapted from the widely used R × F segment grid (champions, loyal,
    /// potential loyalists, new, promising, need attention, about to sleep, at risk, can't lose, hibernating,
    /// lost) and merged into the eight layers Chinese private-domain teams usually run. Read it as a grid of
    /// recency (rows) by frequency (columns); monetary value only separates 超级用户 from 核心用户, because F and M
    /// move together for most brands and a big single order is better answered by a tag than by a layer.
    ///
    /// ```
    ///        F=1        F=2        F=3        F=4           F=5
    /// R=5    新用户      潜力用户     潜力用户     超级用户 (M≥4) / 核心用户
    /// R=4    潜力用户     潜力用户     潜力用户     超级用户 (M≥4) / 核心用户
    /// R=3    需唤醒      需唤醒      需唤醒      核心用户       核心用户
    /// R=2    沉睡用户     沉睡用户     流失风险     流失风险       流失风险
    /// R=1    已流失      已流失      流失风险     流失风险       流失风险
    /// ```
    /// Used with a different scale, the map no longer means what it says: edit it along with the scale
    /// (validation reports the rules a smaller scale makes unreachable).
    public static let standard = RFMLayerMap(rules: [
        RFMLayerRule(.champions, r: 4...5, f: 4...5, m: 4...5),
        RFMLayerRule(.loyal, r: 3...5, f: 4...5),
        RFMLayerRule(.new, r: 5...5, f: 1...1),
        RFMLayerRule(.potential, r: 4...5, f: 1...3),
        RFMLayerRule(.needAttention, r: 3...3, f: 1...3),
        RFMLayerRule(.atRisk, r: 1...2, f: 3...5),
        RFMLayerRule(.hibernating, r: 2...2, f: 1...2),
        RFMLayerRule(.lost, r: 1...1, f: 1...2),
    ])
}
