import PondChannels
import PondCore

/// Secrets are write-only: a configuration is shown with each secret as `"set"` (`ChannelConfiguration.redacted()`),
/// and a change may send that form back. `"set"` in a secret's place then means "keep the stored secret", so an
/// operator changes a signature name or a port without holding the access key secret again.
///
/// The rule, in full:
/// - `"set"` keeps the stored secret of the same member, when the stored configuration is of the same `type` and
///   has one;
/// - `"set"` anywhere else — no configuration stored, another `type`, a secret the stored one lacks — is refused
///   (`channel_invalid_config` at that member), so a secret is never replaced by the literal string `"set"`;
/// - any other value replaces the secret; `null` or leaving it out removes an optional one (the SMTP password).
public enum ChannelSecrets {
    /// The members that hold secrets, per `type`. `ChannelSecretsTests` holds this list to what
    /// `ChannelConfiguration.redacted()` hides, so a secret added to a channel kind cannot be missed here.
    public static let members: [String: Set<String>] = [
        "sandbox": [],
        "webhook": ["secret"],
        "smtp": ["password"],
        "sms_aliyun": ["accessKeySecret"],
    ]

    /// What `redacted()` shows in a secret's place, and what a change sends back to keep it.
    public static let placeholder: JSONValue = "set"

    /// Validates `incoming`, first putting back each stored secret it asks to keep.
    public static func merge(_ incoming: JSONValue, keeping stored: ChannelConfiguration?)
        throws(ChannelConfigurationError) -> ChannelConfiguration
    {
        guard case .object(var members) = incoming, let type = members["type"]?.stringValue else {
            // Not an object, or no type: the parser says what is wrong.
            return try ChannelConfiguration.parse(incoming)
        }
        let secrets = Self.members[type] ?? []
        let full = stored?.type == type ? stored?.json.objectValue ?? [:] : [:]
        for name in secrets.sorted() where members[name] == placeholder {
            guard let kept = full[name], !kept.isNull else {
                throw ChannelConfigurationError(
                    .invalidConfig, path: name,
                    "\"set\" keeps the stored secret, and no \(type) configuration with one is stored; "
                        + "send the secret itself")
            }
            members[name] = kept
        }
        return try ChannelConfiguration.parse(.object(members))
    }
}
