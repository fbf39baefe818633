/// How the timestamp column is written.
///
/// `auto` reads every year-first shape exports use — ISO 8601 with or without an offset, `2026-11-22 12:16:24`,
/// `2026/11/22 12:16`, Excel's re-saved `2026/1/5 9:03`, `2026年11月22日 12:16:24`, a bare date — and never guesses
/// between day-first and month-first, which cannot be told apart (`03/04/2026`). Such files need an explicit
/// pattern. Patterns use `yyyy` `MM` `dd` `HH` `mm` `ss` `SSS`; month, day, hour, minute and second accept one or
/// two digits, because Excel drops leading zeros when it re-saves a file.
public struct ImportTimeFormat: Sendable, Equatable, CustomStringConvertible {
    enum Token: Sendable, Equatable {
        case year, month, day, hour, minute, second, fraction
        case literal(Character)

        var isLiteral: Bool {
            if case .literal = self { return true }
            return false
        }
    }

    enum Mode: Sendable, Equatable {
        case auto, iso8601, unixSeconds, unixMilliseconds
        case pattern([Token])
    }

    public let description: String
    let mode: Mode

    public static let auto = ImportTimeFormat(description: "auto", mode: .auto)

    private init(description: String, mode: Mode) {
        self.description = description
        self.mode = mode
    }

    public init(_ text: String) throws(ImportMappingError) {
        switch text.lowercased() {
        case "auto", "": self = .auto
        case "iso8601", "iso": self.init(description: "iso8601", mode: .iso8601)
        case "unix_seconds", "unix": self.init(description: "unix_seconds", mode: .unixSeconds)
        case "unix_milliseconds", "unix_ms": self.init(description: "unix_milliseconds", mode: .unixMilliseconds)
        default:
            let tokens = Self.compile(text)
            guard tokens.contains(.year), tokens.contains(.month), tokens.contains(.day) else {
                throw ImportMappingError(
                    "timestampFormat '\(text)' must be auto, iso8601, unix_seconds, unix_milliseconds or a pattern with "
                        + "yyyy, MM and dd (and optionally HH, mm, ss, SSS)")
            }
            self.init(description: text, mode: .pattern(tokens))
        }
    }

    static let autoPatterns: [[Token]] = [
        "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
        "yyyy/MM/dd HH:mm:ss.SSS", "yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd HH:mm", "yyyy/MM/dd",
        "yyyy.MM.dd HH:mm:ss", "yyyy.MM.dd HH:mm", "yyyy.MM.dd",
        "yyyy年MM月dd日 HH:mm:ss", "yyyy年MM月dd日 HH:mm", "yyyy年MM月dd日HH:mm:ss", "yyyy年MM月dd日",
        "yyyyMMddHHmmss", "yyyyMMdd",
    ].map(compile)

    static func compile(_ pattern: String) -> [Token] {
        var tokens: [Token] = []
        var chars = Array(pattern)[...]
        let names: [(String, Token)] = [
            ("yyyy", .year), ("SSS", .fraction), ("MM", .month), ("dd", .day), ("HH", .hour), ("mm", .minute),
            ("ss", .second), ("M", .month), ("d", .day), ("H", .hour), ("m", .minute), ("s", .second),
        ]
        outer: while let first = chars.first {
            for (name, token) in names where chars.starts(with: name) {
                tokens.append(token)
                chars.removeFirst(name.count)
                continue outer
            }
            tokens.append(.literal(first))
            chars.removeFirst()
        }
        return tokens
    }

    /// The instant written in `text`; times without an offset are read at `defaultOffsetSeconds`.
    public func parse(_ text: String, defaultOffsetSeconds: Int) -> Instant? {
        let trimmed = text.trimmingASCIISpaces()
        guard !trimmed.isEmpty else { return nil }
        switch mode {
        case .auto:
            if let instant = ISO8601.parse(trimmed, defaultOffsetSeconds: defaultOffsetSeconds) { return instant }
            for pattern in Self.autoPatterns {
                if let instant = Self.match(pattern, trimmed, defaultOffsetSeconds) { return instant }
            }
            return nil
        case .iso8601:
            return ISO8601.parse(trimmed, defaultOffsetSeconds: defaultOffsetSeconds)
        case .unixSeconds:
            guard let seconds = Int64(trimmed), abs(seconds) < 100_000_000_000 else { return nil }
            return Instant(millisecondsSinceEpoch: seconds * 1000)
        case .unixMilliseconds:
            guard let milliseconds = Int64(trimmed), abs(milliseconds) < 100_000_000_000_000 else { return nil }
            return Instant(millisecondsSinceEpoch: milliseconds)
        case .pattern(let tokens):
            return Self.match(tokens, trimmed, defaultOffsetSeconds)
        }
    }

    static func match(_ tokens: [Token], _ text: String, _ offsetSeconds: Int) -> Instant? {
        let chars = Array(text)
        var i = 0
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0
        func number(_ minDigits: Int, _ maxDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while count < maxDigits, i < chars.count, let digit = chars[i].asciiDigit {
                value = value * 10 + digit
                count += 1
                i += 1
            }
            return count >= minDigits ? value : nil
        }
        for (index, token) in tokens.enumerated() {
            // Two fields written back to back (`yyyyMMdd`) can only be told apart by width.
            let packed =
                (index + 1 < tokens.count && !tokens[index + 1].isLiteral) || (index > 0 && !tokens[index - 1].isLiteral)
            let least = packed ? 2 : 1
            switch token {
            case .year: guard let v = number(4, 4) else { return nil }; year = v
            case .month: guard let v = number(least, 2) else { return nil }; month = v
            case .day: guard let v = number(least, 2) else { return nil }; day = v
            case .hour: guard let v = number(least, 2) else { return nil }; hour = v
            case .minute: guard let v = number(least, 2) else { return nil }; minute = v
            case .second: guard let v = number(least, 2) else { return nil }; second = v
            case .fraction:
                let start = i
                guard let v = number(1, 9) else { return nil }
                let digits = i - start
                var scaled = v
                if digits < 3 {
                    for _ in digits..<3 { scaled *= 10 }
                } else {
                    for _ in 3..<digits { scaled /= 10 }
                }
                millis = scaled
            case .literal(" "):
                // One or more spaces, as exports pad columns.
                guard i < chars.count, chars[i] == " " else { return nil }
                while i < chars.count, chars[i] == " " { i += 1 }
            case .literal(let c):
                guard i < chars.count, chars[i] == c else { return nil }
                i += 1
            }
        }
        guard i == chars.count else { return nil }
        guard (1...12).contains(month), (1...ISO8601.daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second < 60
        else { return nil }
        let days = ISO8601.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Instant(millisecondsSinceEpoch: seconds * 1000 + Int64(millis))
    }

    /// Seconds east of UTC for `+08:00`, `+0800`, `+8`, `-05:00`, `Z` or `UTC`.
    public static func offsetSeconds(_ text: String) throws(ImportMappingError) -> Int {
        let t = text.trimmingASCIISpaces()
        if t == "Z" || t.uppercased() == "UTC" || t.uppercased() == "GMT" { return 0 }
        var chars = Array(t)[...]
        guard let sign = chars.popFirst(), sign == "+" || sign == "-" else {
            throw ImportMappingError("utcOffset must look like +08:00, got '\(text)'")
        }
        let digits = chars.filter { $0 != ":" }
        guard chars.allSatisfy({ $0 == ":" || $0.asciiDigit != nil }), [1, 2, 4].contains(digits.count) else {
            throw ImportMappingError("utcOffset must look like +08:00, got '\(text)'")
        }
        let values = digits.compactMap(\.asciiDigit)
        let hours = digits.count == 4 ? values[0] * 10 + values[1] : values.reduce(0) { $0 * 10 + $1 }
        let minutes = digits.count == 4 ? values[2] * 10 + values[3] : 0
        guard hours <= 14, minutes < 60 else { throw ImportMappingError("utcOffset '\(text)' is out of range") }
        return (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
    }
}

extension Character {
    fileprivate var asciiDigit: Int? {
        guard let ascii = asciiValue, ascii >= 0x30, ascii <= 0x39 else { return nil }
        return Int(ascii - 0x30)
    }
}
