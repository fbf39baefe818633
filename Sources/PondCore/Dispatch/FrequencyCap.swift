/// At most `limit` messages of `categories` in `days` local calendar days (频次上限), counted over every journey,
/// broadcast and API call together.
///
/// **A day is the profile's local calendar day**, not a rolling 24 hours, and a cap of `days` days counts the
/// messages of today and the `days − 1` days before it, in the profile's time zone. Why calendar days: with quiet
/// hours around midnight (the default 21:00–09:00) a local day is exactly one waking day, so "2 a day" means what
/// an operator means by it — two in each day the customer is awake — and a held message goes out the next
/// morning, when quiet hours end. A rolling 24 hours would hold a birthday coupon asked for at 10:00 until 20:00
/// because of yesterday's 20:00 message, and push every later message further into the evening, day after day.
/// Counting the last `days` calendar days for a week (not Monday to Sunday) keeps the week cap from allowing five
/// on Sunday and five more on Monday. A delivery stamped later than the day being decided (another node's clock)
/// counts too.
///
/// `scope` says which channels count:
/// - `eachChannel` (the default, as the issue states caps: per channel and category): a message on `sms` counts
///   the `sms` deliveries; WeCom has a budget of its own;
/// - `allChannels`: every channel together ("at most 3 marketing messages a day, however they reach them");
/// - `channel(c)`: only messages on `c`, and only `c`'s deliveries count (an SMS budget: SMS costs money).
///
/// A cap holds a message of one of its categories on a channel of its scope while the deliveries of those
/// categories and channels in its window number `limit` or more, and frees it at the start of the first local day
/// on which they number fewer.
public struct FrequencyCap: Sendable, Hashable, Codable {
    public enum Scope: Sendable, Hashable {
        case eachChannel
        case allChannels
        case channel(ChannelID)
    }

    public var categories: [MessageCategory]
    public var scope: Scope
    public var limit: Int
    public var days: Int

    public init(categories: [MessageCategory] = [.marketing], scope: Scope = .eachChannel, limit: Int, days: Int) {
        self.categories = categories
        self.scope = scope
        self.limit = limit
        self.days = days
    }

    /// ≤ 2 marketing messages a day on each channel.
    public static let dailyMarketing = FrequencyCap(limit: 2, days: 1)
    /// ≤ 5 marketing messages in any 7 days on each channel.
    public static let weeklyMarketing = FrequencyCap(limit: 5, days: 7)

    /// At most this many caps: every decision looks at each one.
    public static let maximumCount = 16

    private enum CodingKeys: String, CodingKey { case categories, scope, channel, limit, days }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let scope: Scope
        switch try container.decodeIfPresent(String.self, forKey: .scope) ?? "each_channel" {
        case "each_channel": scope = .eachChannel
        case "all_channels": scope = .allChannels
        case "channel": scope = .channel(try container.decode(ChannelID.self, forKey: .channel))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .scope, in: container,
                debugDescription: "scope is each_channel, all_channels or channel (with a channel), got \"\(other)\"")
        }
        self.init(
            categories: try container.decodeIfPresent([MessageCategory].self, forKey: .categories) ?? [.marketing],
            scope: scope, limit: try container.decode(Int.self, forKey: .limit),
            days: try container.decode(Int.self, forKey: .days))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(categories, forKey: .categories)
        switch scope {
        case .eachChannel: try container.encode("each_channel", forKey: .scope)
        case .allChannels: try container.encode("all_channels", forKey: .scope)
        case .channel(let channel):
            try container.encode("channel", forKey: .scope)
            try container.encode(channel, forKey: .channel)
        }
        try container.encode(limit, forKey: .limit)
        try container.encode(days, forKey: .days)
    }

    func validate(path: String) throws(DispatchPolicyError) {
        guard limit >= 1 else {
            throw DispatchPolicyError(
                .invalidCapLimit, path: "\(path).limit",
                "limit must be at least 1, got \(limit): a cap of 0 would hold messages forever")
        }
        try DispatchPolicy.checkWindow(days, .invalidCapWindow, path: "\(path).days")
        guard !categories.isEmpty, Set(categories).count == categories.count else {
            throw DispatchPolicyError(
                .invalidCapScope, path: "\(path).categories", "name each category the cap counts once, and at least one")
        }
        if case .channel(let channel) = scope, !channel.isWellFormed {
            throw DispatchPolicyError(
                .invalidCapScope, path: "\(path).channel",
                "a channel id is 1 to 32 of a-z, 0-9, _ and -, got \"\(channel.rawValue)\"")
        }
    }

    /// Whether this cap always holds a message whenever `other` does, and for at least as long: the same
    /// categories and channels, at least as many days and at most as many messages. `other` can then never hold
    /// a message alone.
    func outlasts(_ other: FrequencyCap) -> Bool {
        scope == other.scope && Set(categories) == Set(other.categories) && days >= other.days && limit <= other.limit
    }
}
