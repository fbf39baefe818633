/// How much of what a customer receives may be marketing (营销占比): at most `percent` of the messages of the last
/// `windowDays` days, on every channel and in every category together.
///
/// A marketing message may go while the marketing messages of the window are at most `percent` of all its
/// messages; an empty window counts as no marketing. The share is taken before the message, not with it: counting
/// the new message would refuse the first offer to every customer who received fewer than a handful of other
/// messages in the window — every new member, every birthday coupon to a quiet customer — while the guard is there
/// to stop a run of marketing, which this does: every marketing message leaves within the share but for itself.
///
/// Beyond the share a marketing message is deferred, not suppressed: to the first instant at which enough older
/// messages have left the window (the window is rolling: a message sent at `t` counts until `t + windowDays`,
/// excluded), and as every other deferral, dropped only if that is past its expiry. Deferring keeps a journey's
/// step instead of silently losing it; a message that is only worth sending soon carries an expiry. The deferral
/// is computed from the history as it is; a service or content message received meanwhile may free the share
/// sooner, and the engine's next decision at the deferred time sees it.
public struct MarketingShare: Sendable, Hashable, Codable {
    /// 1 to 100. 100 lets marketing be everything a customer receives.
    public var percent: Int
    public var windowDays: Int

    public static let defaultPercent = 30
    public static let defaultWindowDays = 30

    public init(percent: Int = MarketingShare.defaultPercent, windowDays: Int = MarketingShare.defaultWindowDays) {
        self.percent = percent
        self.windowDays = windowDays
    }

    private enum CodingKeys: String, CodingKey { case percent, windowDays }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            percent: try container.decodeIfPresent(Int.self, forKey: .percent) ?? Self.defaultPercent,
            windowDays: try container.decodeIfPresent(Int.self, forKey: .windowDays) ?? Self.defaultWindowDays)
    }

    func validate(path: String) throws(DispatchPolicyError) {
        guard (1...100).contains(percent) else {
            throw DispatchPolicyError(
                .invalidMarketingShare, path: "\(path).percent",
                "percent runs from 1 to 100, got \(percent); to send no marketing, send none")
        }
        try DispatchPolicy.checkWindow(windowDays, .invalidMarketingShare, path: "\(path).windowDays")
    }
}
