/// A point in time as milliseconds since the Unix epoch (UTC).
///
/// Stored as a plain integer in every backend: it sorts, compares and indexes the same way in SQLite, Postgres
/// and later ClickHouse, and it never carries a time zone that could be misread. Client timestamps have at most
/// millisecond meaning after clock-skew correction anyway.
public struct Instant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch }

    public func adding(milliseconds: Int64) -> Instant { Instant(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds) }

    public func adding(days: Int) -> Instant { adding(milliseconds: Int64(days) * 86_400_000) }

    /// `duration` later, to the millisecond (rounded down).
    public func adding(_ duration: Duration) -> Instant {
        let (seconds, attoseconds) = duration.components
        return adding(milliseconds: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    public var description: String { ISO8601.format(self) }

    public init(from decoder: any Decoder) throws {
        millisecondsSinceEpoch = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(millisecondsSinceEpoch)
    }
}

/// Where "now" comes from. Injected everywhere so that skew correction, journeys, caps and RFM windows are tested
/// with a clock the test controls instead of sleeping.
public protocol Clock: Sendable {
    func now() -> Instant
}
