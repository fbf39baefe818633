/// A message someone — a journey step, a broadcast, an API call — wants sent to one profile on one channel.
public struct DispatchRequest: Sendable, Hashable {
    public var profileID: Int64
    public var channel: ChannelID
    public var category: MessageCategory
    /// When the message was asked for. No rule reads it; the decision log does, to tell how long rules held a
    /// message (its send time minus this).
    public var createdAt: Instant
    /// The first instant at which the message is no longer worth sending (a flash sale's end, a code's validity).
    /// A message held past it is suppressed as `expired` instead of arriving late; without one, a message is held
    /// for as long as the rules require and never dropped for lateness.
    public var expiresAt: Instant?

    public init(
        profileID: Int64, channel: ChannelID, category: MessageCategory, createdAt: Instant, expiresAt: Instant? = nil
    ) {
        self.profileID = profileID
        self.channel = channel
        self.category = category
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
