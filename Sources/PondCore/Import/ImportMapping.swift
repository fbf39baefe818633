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
        get { self[keyPath: Self.columns(of: role)] }
        set { self[keyPath: Self.columns(of: role)] = newValue }
    }

    private static func columns(of role: Role) -> WritableKeyPath<ImportMapping, [String]?> {
        switch role {
        case .orderID: \.orderID
        case .amount: \.amount
        case .timestamp: \.timestamp
        case .productID: \.productID
        case .sku: \.sku
        case .product: \.product
        case .category: \.category
        case .quantity: \.quantity
        case .price: \.price
        case .status: \.status
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
