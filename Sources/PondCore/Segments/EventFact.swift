/// One recorded event of a profile, as segment rules see it.
public struct EventFact: Sendable, Hashable {
    /// The event name, compared byte for byte ("Order Completed").
    public var name: String
    public var timestamp: Instant
    /// Where it happened ("wecom", "mini_program", …), if known.
    public var channel: String?
    public var properties: [String: JSONValue]

    public init(_ name: String, timestamp: Instant, channel: String? = nil, properties: [String: JSONValue] = [:]) {
        self.name = name
        self.timestamp = timestamp
        self.channel = channel
        self.properties = properties
    }
}
