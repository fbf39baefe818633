/// Why a message was held or dropped. The raw values are stored in the decision log and counted in journey and
/// broadcast reports, so they never change.
public enum DispatchReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The category needs a grant on record for its purpose on this channel, and there is none.
    case noConsent = "no_consent"
    /// The customer revoked the purpose on this channel (退订 / TD, the unsubscribe link).
    case unsubscribed
    /// A frequency cap is reached.
    case cap
    /// It is night where the profile lives.
    case quietHours = "quiet_hours"
    /// Marketing is already more than its share of what the profile received.
    case marketingShare = "marketing_share"
    /// The profile has no address on the channel.
    case noAddress = "no_address"
    /// The message expired, or would have before the rules let it go.
    case expired
}
