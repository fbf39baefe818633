/// Which identity a channel reaches a profile by: a phone number for `sms`, an address for `email`, the external
/// user id for `wecom`. A channel not named here (`webhook`, `sandbox`, and channels that address the profile
/// itself) reaches every profile.
///
/// The dispatcher's `no_address` rule reads this, so a broadcast to customers of whom only a WeChat open id is
/// known suppresses their SMS with a reason instead of failing at the provider.
public enum ChannelAddressing {
    public static let identityTypes: [ChannelID: String] = [
        .sms: IdentityType.phone,
        .email: IdentityType.email,
        .wecom: IdentityType.wecomExternalUserID,
    ]

    /// The identity type the channel needs, or nil when it needs none.
    public static func identityType(for channel: ChannelID) -> String? { identityTypes[channel] }
}
