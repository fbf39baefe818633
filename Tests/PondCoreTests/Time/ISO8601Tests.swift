import PondCore
import Testing

/// Expected epoch values below were computed independently of Pond (by hand and with a reference calendar), never
/// by the code under test.
@Suite("ISO 8601")
struct ISO8601Tests {
    /// 2026-11-22T04:16:24.000Z.
    static let referenceSecond: Int64 = 1_795_320_984_000

    // MARK: Parsing shapes SDKs send

    @Test("parses the analytics-python shape, keeping milliseconds of microseconds")
    func pythonShape() {
        #expect(ISO8601.parse("2026-11-22T04:16:24.123456+00:00")?.millisecondsSinceEpoch == Self.referenceSecond + 123)
    }

    @Test("parses the browser shape with Z", arguments: ["2026-11-22T04:16:24.123Z", "2026-11-22t04:16:24.123z"])
    func zuluShape(text: String) {
        #expect(ISO8601.parse(text)?.millisecondsSinceEpoch == Self.referenceSecond + 123)
    }

    @Test("an offset east of UTC is subtracted", arguments: [
        "2026-11-22T12:16:24+08:00", "2026-11-22T12:16:24+0800", "2026-11-22T12:16:24+08",
    ])
    func eastOffset(text: String) {
        #expect(ISO8601.parse(text)?.millisecondsSinceEpoch == Self.referenceSecond)
    }

    @Test("an offset west of UTC is added")
    func westOffset() {
        #expect(ISO8601.parse("2026-11-21T23:46:24-04:30")?.millisecondsSinceEpoch == Self.referenceSecond)
    }

    @Test("a space may separate date and time")
    func spaceSeparator() {
        #expect(ISO8601.parse("2026-11-22 04:16:24")?.millisecondsSinceEpoch == Self.referenceSecond)
    }

    @Test("seconds are optional")
    func minutesOnly() {
        #expect(ISO8601.parse("2026-11-22T04:16Z")?.millisecondsSinceEpoch == Self.referenceSecond - 24_000)
    }

    @Test("fractions of any length are read as milliseconds", arguments: [
        ("2026-11-22T04:16:24.5Z", Int64(500)), ("2026-11-22T04:16:24.05Z", 50), ("2026-11-22T04:16:24,123Z", 123),
        ("2026-11-22T04:16:24.000001Z", 0),
    ])
    func fractions(text: String, millis: Int64) {
        #expect(ISO8601.parse(text)?.millisecondsSinceEpoch == Self.referenceSecond + millis)
    }

    @Test("a date alone is midnight UTC")
    func dateOnly() {
        #expect(ISO8601.parse("2026-11-22")?.millisecondsSinceEpoch == 1_795_305_600_000)
    }

    @Test("surrounding spaces are ignored")
    func trimsSpaces() {
        #expect(ISO8601.parse("  2026-11-22T04:16:24Z ")?.millisecondsSinceEpoch == Self.referenceSecond)
    }

    // MARK: Default offset

    @Test("a time without an offset uses the default offset (POS exports in local time)")
    func defaultOffsetApplies() {
        let shanghai = 8 * 3600
        #expect(
            ISO8601.parse("2026-11-22 12:16:24", defaultOffsetSeconds: shanghai)?.millisecondsSinceEpoch
                == Self.referenceSecond)
    }

    @Test("a date alone uses the default offset too")
    func defaultOffsetAppliesToDate() {
        // Midnight in Shanghai is 16:00 UTC the day before.
        #expect(ISO8601.parse("2026-11-22", defaultOffsetSeconds: 8 * 3600)?.millisecondsSinceEpoch == 1_795_276_800_000)
    }

    @Test("an explicit offset wins over the default", arguments: ["2026-11-22T04:16:24Z", "2026-11-22T04:16:24+00:00"])
    func explicitOffsetWins(text: String) {
        #expect(ISO8601.parse(text, defaultOffsetSeconds: 8 * 3600)?.millisecondsSinceEpoch == Self.referenceSecond)
    }

    // MARK: Calendar

    @Test("known instants across leap years and before the epoch", arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1970-01-01T00:00:00.001Z", 1),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2000-02-29T00:00:00Z", 951_782_400_000),
        ("2000-03-01T00:00:00Z", 951_868_800_000),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("1960-02-29T06:30:00.500Z", -310_498_199_500),
        ("1900-02-28T00:00:00Z", -2_203_977_600_000),
        ("1900-03-01T00:00:00Z", -2_203_891_200_000),
        ("1600-02-29T00:00:00Z", -11_670_998_400_000),
        ("2100-03-01T00:00:00Z", 4_107_542_400_000),
        ("0001-01-01T00:00:00Z", -62_135_596_800_000),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
    ])
    func knownInstants(text: String, milliseconds: Int64) {
        #expect(ISO8601.parse(text)?.millisecondsSinceEpoch == milliseconds)
    }

    @Test("impossible or malformed dates are refused", arguments: [
        "2026-02-30", "2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-11-00",
        "2026-11-22T24:00:00Z", "2026-11-22T04:60:00Z", "2026-11-22T04:16:61Z", "2026-11-22T04:16:24+24:00",
        "2026-11-22T04:16:24+08:60", "2026-11-22T04:16:24.Z", "2026-11-22T04", "2026-11-22T", "2026-11-22X04:16:24",
        "2026-11-22T04:16:24 Z", "2026-11-22T04:16:24Zjunk", "2026-11-22T04:16:24+8", "26-11-22", "2026/11/22",
        "2026-1-22", "", "   ", "garbage", "1795320984", "２０２６-11-22",
    ])
    func rejectsInvalid(text: String) {
        #expect(ISO8601.parse(text) == nil)
    }

    @Test("days in each month follow the Gregorian leap rule", arguments: [
        (2024, 2, 29), (2023, 2, 28), (2000, 2, 29), (1900, 2, 28), (2026, 4, 30), (2026, 12, 31),
    ])
    func lastDayOfMonth(year: Int, month: Int, lastDay: Int) {
        func date(_ day: Int) -> String {
            let y = String(year), m = month < 10 ? "0\(month)" : String(month)
            return "\(y)-\(m)-\(day)"
        }
        #expect(ISO8601.parse(date(lastDay)) != nil)
        #expect(ISO8601.parse(date(lastDay + 1)) == nil)
    }

    // MARK: Formatting

    @Test("formats UTC with milliseconds", arguments: [
        (Int64(1_795_320_984_123), "2026-11-22T04:16:24.123Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-1000, "1969-12-31T23:59:59.000Z"),
        (-1001, "1969-12-31T23:59:58.999Z"),
        (-86_400_000, "1969-12-31T00:00:00.000Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-310_498_199_500, "1960-02-29T06:30:00.500Z"),
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func formats(milliseconds: Int64, expected: String) {
        #expect(ISO8601.format(Instant(millisecondsSinceEpoch: milliseconds)) == expected)
    }

    @Test("format then parse gives back the instant, across negative epochs and leap days", arguments: 0..<500)
    func roundTrip(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        // Years 0001 to 9999.
        let milliseconds = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &random)
        let instant = Instant(millisecondsSinceEpoch: milliseconds)
        #expect(ISO8601.parse(ISO8601.format(instant)) == instant)
    }

    @Test("every day from 1896 to 2106 converts to a civil date and back", arguments: [-27_000, 0, 30_000])
    func civilDaysRoundTrip(start: Int) {
        for days in start..<(start + 20_000) {
            let civil = ISO8601.civilFromDays(days)
            #expect(ISO8601.daysFromCivil(year: civil.year, month: civil.month, day: civil.day) == days)
        }
    }

    @Test("civil dates of known day numbers", arguments: [
        (0, 1970, 1, 1), (-1, 1969, 12, 31), (11_016, 2000, 2, 29), (11_017, 2000, 3, 1), (-25_508, 1900, 3, 1),
    ])
    func civilFromKnownDays(days: Int, year: Int, month: Int, day: Int) {
        let civil = ISO8601.civilFromDays(days)
        #expect(civil.year == year && civil.month == month && civil.day == day)
    }
}
