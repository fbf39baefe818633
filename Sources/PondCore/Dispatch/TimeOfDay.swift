/// A wall-clock time of day to the minute, written `"HH:mm"` in JSON (`"21:00"`).
public struct TimeOfDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let minutesPerDay = 1440

    /// 0 (00:00) to 1439 (23:59).
    public var minutesSinceMidnight: Int

    public init(minutesSinceMidnight: Int) { self.minutesSinceMidnight = minutesSinceMidnight }

    public init(hour: Int, minute: Int = 0) { minutesSinceMidnight = hour * 60 + minute }

    public var isValid: Bool { (0..<Self.minutesPerDay).contains(minutesSinceMidnight) }

    var millisecondsSinceMidnight: Int64 { Int64(minutesSinceMidnight) * 60_000 }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutesSinceMidnight < rhs.minutesSinceMidnight }

    public var description: String {
        let hour = minutesSinceMidnight / 60, minute = minutesSinceMidnight % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// Reads exactly `HH:mm`, 00:00 to 23:59.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":") else { return nil }
        var digits: [Int] = []
        for index in [0, 1, 3, 4] {
            guard (0x30...0x39).contains(bytes[index]) else { return nil }
            digits.append(Int(bytes[index] - 0x30))
        }
        let hour = digits[0] * 10 + digits[1], minute = digits[2] * 10 + digits[3]
        guard hour < 24, minute < 60 else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let time = TimeOfDay(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a time of day as HH:mm (00:00 to 23:59), got \"\(text)\"")
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
