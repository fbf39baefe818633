import PondCore

/// What a provider answered when it accepted a message.
public struct ChannelReceipt: Sendable, Hashable, Codable {
    /// The provider's id for the message (Aliyun's `BizId`, the SMTP `Message-ID`, the sandbox's record id): what
    /// a later delivery report or a support ticket names.
    public var providerMessageID: String
    /// When the provider accepted it, by Pond's clock.
    public var acceptedAt: Instant

    public init(providerMessageID: String, acceptedAt: Instant) {
        self.providerMessageID = providerMessageID
        self.acceptedAt = acceptedAt
    }
}
