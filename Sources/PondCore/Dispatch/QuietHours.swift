/// The hours of the night, in the profile's own time zone, when messages wait (免打扰时段).
///
/// Quiet from `start` (included) to `end` (excluded), to the millisecond: 21:00–09:00 holds a message asked for at
/// 20:59:59.999 not at all, and one asked for at 21:00 until 09:00 the next morning. When `start` is later than
/// `end` the hours wrap midnight (the usual case); when earlier, they lie within one day (12:00–14:00 for a
/// lunch-time rule). A held message is deferred to the end of the quiet hours, never dropped — unless it expires
/// first.
///
/// Categories in `exempt` go at any hour. By default that is `service`: a delivery notice or a verification code
/// the customer is waiting for is not an intrusion at 22:00. Marketing is never exempt.
public struct QuietHours: Sendable, Hashable, Codable {
    public var start: TimeOfDay
    public var end: TimeOfDay
    public var exempt: [MessageCategory]

    public static let defaultStart = TimeOfDay(hour: 21)
    public static let defaultEnd = TimeOfDay(hour: 9)
    public static let defaultExempt: [MessageCategory] = [.service]

    public init(
        start: TimeOfDay = QuietHours.defaultStart, end: TimeOfDay = QuietHours.defaultEnd,
        exempt: [MessageCategory] = QuietHours.defaultExempt
    ) {
        self.start = start
        self.end = end
        self.exempt = exempt
    }

    private enum CodingKeys: String, CodingKey { case start, end, exempt }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            start: try container.decodeIfPresent(TimeOfDay.self, forKey: .start) ?? Self.defaultStart,
            end: try container.decodeIfPresent(TimeOfDay.self, forKey: .end) ?? Self.defaultEnd,
            exempt: try container.decodeIfPresent([MessageCategory].self, forKey: .exempt) ?? Self.defaultExempt)
    }

    func validate(path: String) throws(DispatchPolicyError) {
        for (name, time) in [("start", start), ("end", end)] where !time.isValid {
            throw DispatchPolicyError(
                .invalidQuietHours, path: "\(path).\(name)",
                "a time of day runs from 00:00 to 23:59, got \(time.minutesSinceMidnight) minutes")
        }
        guard start != end else {
            throw DispatchPolicyError(
                .invalidQuietHours, path: "\(path).end",
                "quiet hours from \(start) to \(end) are empty or the whole day; set quietHours to null to turn them off")
        }
        guard !exempt.contains(.marketing) else {
            throw DispatchPolicyError(
                .invalidQuietHours, path: "\(path).exempt", "marketing is never exempt from quiet hours")
        }
        guard Set(exempt).count == exempt.count else {
            throw DispatchPolicyError(.invalidQuietHours, path: "\(path).exempt", "a category is exempt twice")
        }
    }
}
