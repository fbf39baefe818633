/// The channel a message goes out on: `sms`, `email`, `wecom`, `webhook`, `sandbox`, and whatever channels later
/// issues add. A plain string so that adding a channel adds a folder in `PondChannels`, not a case here.
public struct ChannelID: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let sms: ChannelID = "sms"
    public static let email: ChannelID = "email"
    public static let wecom: ChannelID = "wecom"
    public static let webhook: ChannelID = "webhook"
    public static let sandbox: ChannelID = "sandbox"

    /// 1 to 32 of `a`–`z`, `0`–`9`, `_` and `-`: ids are compared byte for byte in the store, so a configuration
    /// naming a channel with capitals, spaces or accents would silently never match.
    public var isWellFormed: Bool {
        let bytes = rawValue.utf8
        return (1...32).contains(bytes.count)
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
