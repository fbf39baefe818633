/// Parsing and formatting of ISO 8601 / RFC 3339 timestamps.
///
/// SDKs disagree on the exact shape: analytics-python sends `2026-11-22T04:16:24.123456+00:00`, browsers send
/// `2026-11-22T04:16:24.123Z`, POS exports send `2026-11-22 12:16:24` in local time. The parser accepts all of
/// these (a missing offset is read as UTC unless a default offset is given) and is allocation-free, because it
/// runs for every message.
public enum ISO8601 {
    public static func parse(_ text: String, defaultOffsetSeconds: Int = 0) -> Instant? {
        var utf8 = Array(text.utf8)
        // Trim surrounding spaces.
        while let last = utf8.last, last == 0x20 { utf8.removeLast() }
        var i = 0
        while i < utf8.count, utf8[i] == 0x20 { i += 1 }

        func digits(_ count: Int) -> Int? {
            guard i + count <= utf8.count else { return nil }
            var value = 0
            for k in 0..<count {
                let b = utf8[i + k]
                guard b >= 0x30, b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
            }
            i += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < utf8.count, utf8[i] == byte else { return false }
            i += 1
            return true
        }

        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0
        var offsetSeconds = defaultOffsetSeconds
        if i < utf8.count {
            guard utf8[i] == UInt8(ascii: "T") || utf8[i] == UInt8(ascii: "t") || utf8[i] == 0x20 else { return nil }
            i += 1
            guard let h = digits(2), expect(UInt8(ascii: ":")), let m = digits(2) else { return nil }
            hour = h
            minute = m
            if expect(UInt8(ascii: ":")) {
                guard let s = digits(2) else { return nil }
                second = s
                if i < utf8.count, utf8[i] == UInt8(ascii: ".") || utf8[i] == UInt8(ascii: ",") {
                    i += 1
                    var scale = 100
                    var sawDigit = false
                    while i < utf8.count, utf8[i] >= 0x30, utf8[i] <= 0x39 {
                        millis += Int(utf8[i] - 0x30) * scale
                        scale /= 10
                        sawDigit = true
                        i += 1
                    }
                    guard sawDigit else { return nil }
                }
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            if i < utf8.count {
                let sign = utf8[i]
                if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                    i += 1
                    offsetSeconds = 0
                } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                    i += 1
                    guard let oh = digits(2) else { return nil }
                    _ = expect(UInt8(ascii: ":"))
                    let om = digits(2) ?? 0
                    guard oh < 24, om < 60 else { return nil }
                    offsetSeconds = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
                } else {
                    return nil
                }
            }
            guard i == utf8.count else { return nil }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Instant(millisecondsSinceEpoch: seconds * 1000 + Int64(millis))
    }

    /// `2026-11-22T04:16:24.123Z`, always UTC with milliseconds: the one shape every API response uses.
    public static func format(_ instant: Instant) -> String {
        let ms = instant.millisecondsSinceEpoch
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - totalSeconds * 1000)
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondOfDay = Int(totalSeconds - days * 86_400)
        let (y, m, d) = civilFromDays(Int(days))
        if (0...9999).contains(y) {
            // Every message stores two to four instants; writing digits into one buffer avoids a string per field.
            return String(unsafeUninitializedCapacity: 24) { buffer in
                var index = 0
                func put(_ value: Int, _ width: Int, then separator: UInt8?) {
                    var divisor = 1
                    for _ in 1..<width { divisor *= 10 }
                    var rest = value
                    while divisor > 0 {
                        buffer[index] = UInt8(ascii: "0") + UInt8(rest / divisor)
                        rest %= divisor
                        divisor /= 10
                        index += 1
                    }
                    if let separator {
                        buffer[index] = separator
                        index += 1
                    }
                }
                put(y, 4, then: UInt8(ascii: "-"))
                put(m, 2, then: UInt8(ascii: "-"))
                put(d, 2, then: UInt8(ascii: "T"))
                put(secondOfDay / 3600, 2, then: UInt8(ascii: ":"))
                put(secondOfDay % 3600 / 60, 2, then: UInt8(ascii: ":"))
                put(secondOfDay % 60, 2, then: UInt8(ascii: "."))
                put(millis, 3, then: UInt8(ascii: "Z"))
                return index
            }
        }
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
