/// What a CSV file holds: one order (or order line) per row, or one customer per row.
public enum ImportKind: String, Sendable, Codable, CaseIterable {
    /// Orders become `track` events (`Order Completed` unless the status says otherwise).
    case orders
    /// Customers become `identify` calls whose traits update the profile.
    case customers
}

/// Why a mapping cannot be used (`invalid_mapping` in the API).
public struct ImportMappingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Which column of an export means what.
///
/// Exports differ per platform and even per export template, so a mapping names *candidate* columns for each role,
/// best first: for the order time, Tmall's `订单付款时间` and then `订单创建时间` (an unpaid order has no payment time).
/// For each row the first candidate with a non-empty cell wins. Identity, trait and property columns are maps from
/// column to identity type / key; several columns may feed one identity type (the first usable value in the row
/// wins).
///
/// A preset (`ImportPreset`) provides a mapping; a user-supplied one is laid over it with `overridden(by:)`: a role
/// given by the user replaces the preset's candidates (an empty list switches the role off), and map entries are
/// added, replaced, or removed with `null`. Columns the user names must exist in the file; a preset's columns are
/// only candidates and may be absent.
///
/// JSON form (keys are optional; a role may be a string or a list of strings):
/// ```json
/// { "orderId": "订单编号", "amount": ["买家实际支付金额", "总金额"], "timestamp": "订单付款时间",
///   "timestampFormat": "yyyy/MM/dd HH:mm", "utcOffset": "+08:00",
///   "identities": { "手机号": "phone", "会员号": "member_id", "买家昵称": "tmall_nick", "联系手机": null },
///   "traits": { "会员等级": "member_level" }, "properties": { "门店": "store" },
///   "statusEvents": { "交易关闭": "Order Cancelled" }, "channel": "tmall", "delimiter": "," }
/// ```
public struct ImportMapping: Sendable, Equatable {
    /// `context.channel` of every imported event (`tmall`, `jd`, `offline_store`, `crm`…).
    public var channel: String?
    public var delimiter: CSVDelimiter?

    public var orderID: [String]?
    /// The amount paid. For orders spread over several rows (one per item), see `amountPerLine`.
    public var amount: [String]?
    /// `true` when each row of a multi-row order holds that line's amount (summed); `false` (the default) when each
    /// row repeats the order's total, as JD's export does.
    public var amountPerLine: Bool?
    /// ISO 4217 code of every amount; `CNY` unless given.
    public var currency: String?
    /// When the order was placed or paid. For customers, optional: without it the import time is used, so the
    /// imported traits count as current rather than as old as a registration date.
    public var timestamp: [String]?
    /// `auto` (default), `iso8601`, `unix_seconds`, `unix_milliseconds`, or a pattern such as
    /// `yyyy-MM-dd HH:mm:ss` (see `ImportTimeFormat`).
    public var timestampFormat: String?
    /// Offset applied to times written without one, e.g. `+08:00` (China Standard Time, the default).
    public var utcOffset: String?

    public var productID: [String]?
    public var sku: [String]?
    public var product: [String]?
    public var category: [String]?
    public var quantity: [String]?
    public var price: [String]?
    public var status: [String]?

    /// Column → identity type (`phone`, `member_id`, `tmall_nick`, `wechat_openid:wx123…`); `nil` removes a
    /// preset's entry.
    public var identities: [String: String?]
    /// Column → trait key. For customers they are the identify call's traits; for orders they go to
    /// `context.traits` (still describing the person).
    public var traits: [String: String?]
    /// Column → property key of the order event (orders only).
    public var properties: [String: String?]
    /// Order status value → event name; statuses not listed give `Order Completed`.
    public var statusEvents: [String: String?]

    public init(
        channel: String? = nil, delimiter: CSVDelimiter? = nil, orderID: [String]? = nil, amount: [String]? = nil,
        amountPerLine: Bool? = nil, currency: String? = nil, timestamp: [String]? = nil, timestampFormat: String? = nil,
        utcOffset: String? = nil, productID: [String]? = nil, sku: [String]? = nil, product: [String]? = nil,
        category: [String]? = nil, quantity: [String]? = nil, price: [String]? = nil, status: [String]? = nil,
        identities: [String: String?] = [:], traits: [String: String?] = [:], properties: [String: String?] = [:],
        statusEvents: [String: String?] = [:]
    ) {
        self.channel = channel
        self.delimiter = delimiter
        self.orderID = orderID
        self.amount = amount
        self.amountPerLine = amountPerLine
        self.currency = currency
        self.timestamp = timestamp
        self.timestampFormat = timestampFormat
        self.utcOffset = utcOffset
        self.productID = productID
        self.sku = sku
        self.product = product
        self.category = category
        self.quantity = quantity
        self.price = price
        self.status = status
        self.identities = identities
        self.traits = traits
        self.properties = properties
        self.statusEvents = statusEvents
    }

    /// The column roles by their JSON name, for validation and messages.
    public enum Role: String, Sendable, CaseIterable {
        case orderID = "orderId"
        case amount, timestamp
        case productID = "productId"
        case sku, product, category, quantity, price, status
    }

    public subscript(role: Role) -> [String]? {
        get {
            switch role {
            case .orderID: orderID
            case .amount: amount
            case .timestamp: timestamp
            case .productID: productID
            case .sku: sku
            case .product: product
            case .category: category
            case .quantity: quantity
            case .price: price
            case .status: status
            }
        }
        set {
            switch role {
            case .orderID: orderID = newValue
            case .amount: amount = newValue
            case .timestamp: timestamp = newValue
            case .productID: productID = newValue
            case .sku: sku = newValue
            case .product: product = newValue
            case .category: category = newValue
            case .quantity: quantity = newValue
            case .price: price = newValue
            case .status: status = newValue
            }
        }
    }

    /// This mapping with `other` laid over it: `other`'s settings and roles win, its map entries are added or
    /// replace ours, and its `nil` entries remove ours.
    public func overridden(by other: ImportMapping) -> ImportMapping {
        var result = self
        result.channel = other.channel ?? channel
        result.delimiter = other.delimiter ?? delimiter
        result.amountPerLine = other.amountPerLine ?? amountPerLine
        result.currency = other.currency ?? currency
        result.timestampFormat = other.timestampFormat ?? timestampFormat
        result.utcOffset = other.utcOffset ?? utcOffset
        for role in Role.allCases where other[role] != nil {
            result[role] = other[role]
        }
        func overlay(_ base: [String: String?], _ top: [String: String?]) -> [String: String?] {
            var merged = base
            for (key, value) in top {
                if let value {
                    merged[key] = .some(value)
                } else {
                    merged.removeValue(forKey: key)
                }
            }
            return merged
        }
        result.identities = overlay(identities, other.identities)
        result.traits = overlay(traits, other.traits)
        result.properties = overlay(properties, other.properties)
        result.statusEvents = overlay(statusEvents, other.statusEvents)
        return result
    }

    /// Every column this mapping names, for checking a user's mapping against the file's header.
    public var namedColumns: [String] {
        var columns: [String] = []
        for role in Role.allCases { columns += self[role] ?? [] }
        columns += identities.keys.sorted() + traits.keys.sorted() + properties.keys.sorted()
        return columns
    }
}

// MARK: - JSON

extension ImportMapping {
    static let jsonKeys: [String] =
        ["channel", "delimiter", "amountPerLine", "currency", "timestampFormat", "utcOffset"]
        + Role.allCases.map(\.rawValue) + ["identities", "traits", "properties", "statusEvents"]

    /// Reads the JSON form, with messages that name the offending key (API clients write these by hand).
    public init(json: JSONValue) throws(ImportMappingError) {
        guard case .object(let object) = json else {
            throw ImportMappingError("the mapping must be a JSON object, got \(json.kindName)")
        }
        if let unknown = object.keys.sorted().first(where: { !Self.jsonKeys.contains($0) }) {
            throw ImportMappingError(
                "unknown mapping key '\(unknown)'; known keys: \(Self.jsonKeys.joined(separator: ", "))")
        }
        func string(_ key: String) throws(ImportMappingError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            case let other?: throw ImportMappingError("'\(key)' must be a string, got \(other.kindName)")
            }
        }
        func columns(_ key: String) throws(ImportMappingError) -> [String]? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let s)?: return [s]
            case .array(let items)?:
                var list: [String] = []
                for item in items {
                    guard case .string(let s) = item else {
                        throw ImportMappingError("'\(key)' must list column names (strings), got \(item.kindName)")
                    }
                    list.append(s)
                }
                return list
            case let other?:
                throw ImportMappingError("'\(key)' must be a column name or a list of them, got \(other.kindName)")
            }
        }
        func map(_ key: String) throws(ImportMappingError) -> [String: String?] {
            switch object[key] {
            case nil, .null?: return [:]
            case .object(let members)?:
                var result: [String: String?] = [:]
                for (name, value) in members {
                    switch value {
                    case .null: result[name] = .some(nil)
                    case .string(let s): result[name] = .some(s)
                    default: throw ImportMappingError("'\(key).\(name)' must be a string or null, got \(value.kindName)")
                    }
                }
                return result
            case let other?: throw ImportMappingError("'\(key)' must be an object, got \(other.kindName)")
            }
        }
        self.init()
        channel = try string("channel")
        if let text = try string("delimiter") {
            guard let delimiter = CSVDelimiter(name: text) else {
                throw ImportMappingError("'delimiter' must be ',', '\\t' or ';' (or comma, tab, semicolon), got '\(text)'")
            }
            self.delimiter = delimiter
        }
        switch object["amountPerLine"] {
        case nil, .null?: break
        case .bool(let b)?: amountPerLine = b
        case let other?: throw ImportMappingError("'amountPerLine' must be true or false, got \(other.kindName)")
        }
        currency = try string("currency")
        timestampFormat = try string("timestampFormat")
        utcOffset = try string("utcOffset")
        for role in Role.allCases {
            self[role] = try columns(role.rawValue)
        }
        identities = try map("identities")
        traits = try map("traits")
        properties = try map("properties")
        statusEvents = try map("statusEvents")
    }

    /// Reads the JSON text of a mapping (a `?mapping=` query, an `X-Pond-Mapping` header, a `--mapping` file).
    public init(jsonText: some Sequence<UInt8>) throws(ImportMappingError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(jsonText)
        } catch {
            throw ImportMappingError("the mapping is not valid JSON: \(error)")
        }
        try self.init(json: document)
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        if let channel { object["channel"] = .string(channel) }
        if let delimiter { object["delimiter"] = .string(delimiter.rawValue) }
        if let amountPerLine { object["amountPerLine"] = .bool(amountPerLine) }
        if let currency { object["currency"] = .string(currency) }
        if let timestampFormat { object["timestampFormat"] = .string(timestampFormat) }
        if let utcOffset { object["utcOffset"] = .string(utcOffset) }
        for role in Role.allCases {
            if let columns = self[role] { object[role.rawValue] = .array(columns.map(JSONValue.string)) }
        }
        func map(_ entries: [String: String?]) -> JSONValue {
            .object(entries.mapValues { $0.map(JSONValue.string) ?? .null })
        }
        if !identities.isEmpty { object["identities"] = map(identities) }
        if !traits.isEmpty { object["traits"] = map(traits) }
        if !properties.isEmpty { object["properties"] = map(properties) }
        if !statusEvents.isEmpty { object["statusEvents"] = map(statusEvents) }
        return .object(object)
    }
}

extension ImportMapping: Codable {
    /// Decodes through the same path as `init(json:)`, so `JSONDecoder` and the API accept exactly the same
    /// documents and report the same errors.
    public init(from decoder: any Decoder) throws {
        try self.init(json: try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

// MARK: - Time

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
