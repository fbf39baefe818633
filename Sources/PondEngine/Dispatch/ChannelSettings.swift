import PondChannels
import PondCore
import PondStore

/// A workspace's settings of one channel, validated: its configuration (secrets inside, wrapped in `Secret`), the
/// send rate the dispatcher holds it to, and whether it is on.
///
/// What a front door shows is `configuration.redacted()`, where every secret is `"set"`; nothing outside the
/// channel directory ever asks for `configuration.json`.
public struct ChannelSettings: Sendable, Hashable {
    public var id: ChannelID
    public var configuration: ChannelConfiguration
    /// Messages a second, per node; nil for no limit of Pond's own.
    public var ratePerSecond: Double?
    /// A channel switched off refuses its messages, as an unconfigured one does, with a reason that says so.
    public var enabled: Bool
    public var updatedAt: Instant

    public init(
        id: ChannelID, configuration: ChannelConfiguration, ratePerSecond: Double? = nil, enabled: Bool = true,
        updatedAt: Instant
    ) {
        self.id = id
        self.configuration = configuration
        self.ratePerSecond = ratePerSecond
        self.enabled = enabled
        self.updatedAt = updatedAt
    }

    /// Reads a stored row. A configuration that no longer validates (a rule tightened since it was saved) is
    /// refused with the member at fault, so its messages fail with a reason instead of going out half-configured.
    init(_ stored: StoredChannel) throws(ChannelConfigurationError) {
        self.init(
            id: stored.id, configuration: try ChannelConfiguration.parse(stored.configuration),
            ratePerSecond: stored.ratePerSecond, enabled: stored.enabled, updatedAt: stored.updatedAt)
    }

    /// The limit `SendRate` applies; none for a channel switched off (its messages fail before they would wait).
    public var sendLimit: SendRate.Limit? {
        guard enabled, let ratePerSecond else { return nil }
        return SendRate.Limit(perSecond: ratePerSecond)
    }

    /// The highest rate a channel may be given: far above any provider's, low enough to be a rate and not a typo.
    public static let maximumRatePerSecond = 10_000.0
}
