/// A message a profile received: what caps and the marketing share count. Every delivery counts, whichever
/// journey, broadcast or API call sent it, so that two campaigns cannot each stay under a cap and together flood
/// a customer.
public struct DeliveryRecord: Sendable, Hashable, Codable {
    public var at: Instant
    public var channel: ChannelID
    public var category: MessageCategory

    public init(at: Instant, channel: ChannelID, category: MessageCategory) {
        self.at = at
        self.channel = channel
        self.category = category
    }
}
