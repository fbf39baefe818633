/// How one workspace scores RFM (Recency, Frequency, Monetary — 用户分层 by purchase behaviour).
///
/// Every field has a default, and decoding fills in whatever a stored or submitted configuration leaves out, so a
/// brand can send `{"windowDays": 180}` and keep the rest.
public struct RFMConfiguration: Sendable, Equatable, Codable {
    /// Event names that count as orders. Matched exactly: `Order Completed` is the Segment e-commerce spec name
    /// that the SDKs, the mini-program plugin and the shop CSV presets all emit.
    public var orderEvents: [String]
    /// Properties that may hold an order's amount, tried in order; the first that holds a number wins. `revenue`
    /// is the Segment spec name; `amount` and `total` are what hand-written integrations and POS exports use.
    public var amountProperties: [String]
    /// Only orders in the last `windowDays` days count. A year covers seasonal shoppers (Double 11, Spring
    /// Festival) without letting a customer who left two years ago look loyal.
    public var windowDays: Int
    public var scoring: RFMScoring
    public var layers: RFMLayerMap

    public static let defaultOrderEvents = ["Order Completed"]
    public static let defaultAmountProperties = ["revenue", "amount", "total"]
    public static let defaultWindowDays = 365

    public init(
        orderEvents: [String] = RFMConfiguration.defaultOrderEvents,
        amountProperties: [String] = RFMConfiguration.defaultAmountProperties,
        windowDays: Int = RFMConfiguration.defaultWindowDays, scoring: RFMScoring = .quintiles,
        layers: RFMLayerMap = .standard
    ) {
        self.orderEvents = orderEvents
        self.amountProperties = amountProperties
        self.windowDays = windowDays
        self.scoring = scoring
        self.layers = layers
    }

    private enum CodingKeys: String, CodingKey {
        case orderEvents, amountProperties, windowDays, scoring, layers
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            orderEvents: try container.decodeIfPresent([String].self, forKey: .orderEvents) ?? Self.defaultOrderEvents,
            amountProperties: try container.decodeIfPresent([String].self, forKey: .amountProperties)
                ?? Self.defaultAmountProperties,
            windowDays: try container.decodeIfPresent(Int.self, forKey: .windowDays) ?? Self.defaultWindowDays,
            scoring: try container.decodeIfPresent(RFMScoring.self, forKey: .scoring) ?? .quintiles,
            layers: try container.decodeIfPresent(RFMLayerMap.self, forKey: .layers) ?? .standard)
    }

    /// Whether an event with this name is an order.
    public func isOrder(eventName: String) -> Bool { orderEvents.contains(eventName) }

    /// The amount of an order event: the first of `amountProperties` holding a finite number, or a string that
    /// reads as one (`"99.00"`: some shop exports quote every field). Nil when none does; the order still counts
    /// for R and F.
    public func amount(in properties: [String: JSONValue]) -> Double? {
        for key in amountProperties {
            if let amount = Self.amount(properties[key]) { return amount }
        }
        return nil
    }

    /// One property's value as an amount, or nil when it holds none.
    static func amount(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let value): return Double(value)
        case .double(let value) where value.isFinite: return value
        case .string(let text): return Double(text.trimmingSpaces).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    /// Reads amounts from stored `properties` text the way `amount(in:)` reads them from a parsed object.
    public var amountReader: AmountReader { AmountReader(properties: amountProperties) }

    /// The first problem that would make scores meaningless, or nothing. The API checks this before storing a
    /// configuration, and `RFMScorer` refuses an invalid one, so a bad edit never reaches a scheduled run.
    public func validate() throws(RFMConfigurationError) {
        guard !orderEvents.isEmpty else { throw RFMConfigurationError(.noOrderEvents, "name at least one order event") }
        guard !amountProperties.isEmpty else {
            throw RFMConfigurationError(.noAmountProperties, "name at least one amount property")
        }
        guard windowDays >= 1 else {
            throw RFMConfigurationError(.invalidWindow, "windowDays must be at least 1, got \(windowDays)")
        }
        try scoring.validate()
        try layers.validate(scale: scoring.scale)
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var view = self[...]
        while view.first == " " { view.removeFirst() }
        while view.last == " " { view.removeLast() }
        return view
    }
}

/// `RFMConfiguration.amount(in:)` for a stored `properties` object read straight from its JSON text: what a full
/// run does for each of millions of orders, so it compares the members' key bytes with the amount properties
/// (prepared once, here) instead of parsing the document. The last of repeated keys counts, as in a parsed
/// document.
public final class AmountReader: Sendable {
    private let names: [String]
    private let keys: [[UInt8]]
    /// Byte comparison decides equality only between ASCII strings; any other key is compared as a `String`
    /// (canonical equivalence, as the parser's dictionaries do).
    private let asciiNames: Bool

    init(properties: [String]) {
        names = properties
        keys = properties.map { Array($0.utf8) }
        asciiNames = properties.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
    }

    public func amount(inJSONObject text: UnsafeBufferPointer<UInt8>) -> Double? {
        withUnsafeTemporaryAllocation(of: Double?.self, capacity: keys.count) { found in
            found.initialize(repeating: nil)
            let walked = JSONMemberScanner.forEachMember(in: text) { member in
                let key = member.key
                if asciiNames, !member.keyHasEscapes, key.allSatisfy({ $0 < 0x80 }) {
                    for index in keys.indices
                    where keys[index].count == key.count && keys[index].withUnsafeBufferPointer({ $0.elementsEqual(key) }) {
                        found[index] = RFMConfiguration.amount(JSONMemberScanner.scalar(member.value))
                    }
                } else if let decoded = member.decodedKey {
                    for index in names.indices where names[index] == decoded {
                        found[index] = RFMConfiguration.amount(JSONMemberScanner.scalar(member.value))
                    }
                }
            }
            guard walked else {
                guard case .object(let properties)? = try? JSONParser.parseStored(text) else { return nil }
                return RFMConfiguration(amountProperties: names).amount(in: properties)
            }
            for value in found where value != nil { return value }
            return nil
        }
    }
}
