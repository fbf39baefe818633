/// A credential from a channel's configuration (an access key secret, an SMTP password, a webhook signing secret).
///
/// Wrapping it keeps it out of every place a plain string leaks to: `description`, `debugDescription`, string
/// interpolation, `dump` and `Mirror` all show `<redacted>`, so a logged configuration or failure cannot reveal it.
/// It is `Codable` as the plain string, because the stored configuration must keep it; output for people goes
/// through `ChannelConfiguration.redacted()`. Only `reveal()` hands out the value, and only the code that signs or
/// authenticates with it calls that.
public struct Secret: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral
{
    private let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public func reveal() -> String { value }

    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
