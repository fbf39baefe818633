/// A data row that was not imported, with the row number a spreadsheet shows (the header is row 1).
public struct ImportRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var row: Int
    public var reason: String

    public init(row: Int, reason: String) {
        self.row = row
        self.reason = reason
    }

    public var description: String { "row \(row): \(reason)" }
}

/// What the converter made of one or more rows.
public enum ImportOutcome: Sendable, Equatable {
    /// A message ready for the ingestion pipeline, and the rows it was built from (several for an order spread over
    /// one row per item).
    case message(TrackingMessage, rows: [Int])
    case rejected(ImportRejection)
}

/// Turns rows of an export into tracking messages, exactly as if an SDK had sent them, so imported orders and
/// customers go through the same event log, dedupe, identity stitching and profiles as live data.
///
/// - Orders become `track` calls named `Order Completed` (or the event `statusEvents` gives their status) with the
///   Segment e-commerce properties `order_id`, `revenue`, `currency`, `products`, `quantity`, `status`.
/// - Customers become `identify` calls whose traits are the mapped columns.
/// - Identities go to `context.identities` after `IdentityRules.make`: placeholders, malformed values and *masked*
///   values (`138****8000`, `t**6` — exports hide personal data since PIPL) are not used, because linking on them
///   would merge every customer whose masked value looks alike. A row left without a usable identity is rejected.
/// - `userId` is the row's `user_id` identity when there is one; otherwise `anonymousId` is
///   `import:<type>:<value>` of the strongest identity, which satisfies the tracking contract without inventing a
///   person.
/// - The `messageId` is deterministic — `import:<preset>:order:<order id>` for orders, a digest of the mapped
///   content for customers — so importing the same file twice stores nothing new.
///
/// Consecutive rows with the same order id are one order with several items (JD exports one row per item, and
/// so do POS systems): their products are collected, their quantities summed, and their amounts summed when
/// `amountPerLine` is set (otherwise each row repeats the order total). If any row of an order is rejected, the
/// whole order is, so an order is never stored missing an item. An order id seen again further down the file is
/// rejected: its rows must be adjacent.
///
/// The converter is a value fed row by row (`consume`, then `finish`); it holds only the rows of the current order
/// and the ids of the orders already emitted.
public struct ImportRowConverter: Sendable {
    public let kind: ImportKind
    public let preset: ImportPreset
    /// The preset's mapping with the user's laid over it.
    public let mapping: ImportMapping
    public let header: [String]
    public let channel: String
    public let receivedAt: Instant

    static let orderCompleted = "Order Completed"
    static let maximumOrderIDBytes = 128
    /// Property keys the converter writes itself.
    static let reservedProperties: Set<String> = ["order_id", "revenue", "currency", "products", "quantity", "status"]

    private struct Column: Sendable {
        var index: Int
        var name: String
    }

    private struct Keyed: Sendable {
        var column: Column
        var key: String
    }

    /// Columns per role, indexed by `Role.index`.
    private let roles: [[Column]]
    private let identityColumns: [Keyed]
    private let traitColumns: [Keyed]
    private let propertyColumns: [Keyed]
    private let timeFormat: ImportTimeFormat
    private let offsetSeconds: Int
    private let currency: String
    private let amountPerLine: Bool
    private let statusEvents: [String: String]
    private let ranking = IdentityExtractor(uniqueTypes: WorkspaceSettings.defaultUniqueIdentityTypes)

    /// Rows of the order being assembled.
    private var pending: [PendingRow] = []
    private var pendingOrderID: String?
    /// Order ids already emitted, with their first row.
    private var emittedOrders: [String: Int] = [:]

    /// Resolves the mapping against the file's header. Throws when a column the user named is not in the header,
    /// or when a role the import cannot do without (order id, amount, time, at least one identity) has no column.
    public init(
        kind: ImportKind, preset: ImportPreset, override: ImportMapping? = nil, header: [String], receivedAt: Instant
    ) throws(ImportMappingError) {
        let base = preset.mapping(for: kind)
        let mapping = override.map(base.overridden(by:)) ?? base
        let header = header.map { $0.trimmingASCIISpaces() }
        self.kind = kind
        self.preset = preset
        self.mapping = mapping
        self.header = header
        self.receivedAt = receivedAt

        func find(_ name: String) throws(ImportMappingError) -> Column? {
            let wanted = name.trimmingASCIISpaces()
            var matches = header.indices.filter { header[$0] == wanted }
            if matches.isEmpty {
                matches = header.indices.filter { header[$0].lowercased() == wanted.lowercased() }
            }
            guard let first = matches.first else { return nil }
            guard matches.count == 1 else {
                throw ImportMappingError("column '\(wanted)' appears \(matches.count) times in the header")
            }
            return Column(index: first, name: header[first])
        }

        if let override {
            var missing: [String] = []
            for name in override.namedColumns where !missing.contains(name) {
                guard try find(name) == nil else { continue }
                // Removing a preset entry (`"联系手机": null`) may name a column the file does not have.
                let removal =
                    override.identities[name] == .some(nil) || override.traits[name] == .some(nil)
                    || override.properties[name] == .some(nil)
                if !removal { missing.append(name) }
            }
            if !missing.isEmpty {
                throw ImportMappingError(
                    "the mapping names \(missing.count == 1 ? "a column" : "columns") not in the file: "
                        + missing.map { "'\($0)'" }.joined(separator: ", ") + " (\(Self.describe(header)))")
            }
            if kind == .customers {
                let orderRoles = ImportMapping.Role.allCases.filter { $0 != .timestamp && override[$0] != nil }
                if let role = orderRoles.first {
                    throw ImportMappingError("'\(role.rawValue)' applies to orders, not customers")
                }
                if !override.properties.isEmpty {
                    throw ImportMappingError("customers carry traits, not properties; map those columns under 'traits'")
                }
            }
        }

        var roles = [[Column]](repeating: [], count: ImportMapping.Role.allCases.count)
        for role in ImportMapping.Role.allCases {
            var columns: [Column] = []
            for name in mapping[role] ?? [] {
                if let column = try find(name), !columns.contains(where: { $0.index == column.index }) {
                    columns.append(column)
                }
            }
            roles[role.index] = columns
        }
        func keyed(_ entries: [String: String?], what: String) throws(ImportMappingError) -> [Keyed] {
            var result: [Keyed] = []
            for (name, key) in entries {
                guard let key, let column = try find(name) else { continue }
                let trimmed = key.trimmingASCIISpaces()
                guard !trimmed.isEmpty, trimmed.utf8.count <= 100 else {
                    throw ImportMappingError("\(what) key for column '\(name)' must be 1 to 100 bytes")
                }
                result.append(Keyed(column: column, key: trimmed))
            }
            return result.sorted { $0.column.index < $1.column.index }
        }
        let identityColumns = try keyed(mapping.identities, what: "identity type")
        for entry in identityColumns where !IdentityRules.isValidType(entry.key) {
            throw ImportMappingError(
                "'\(entry.key)' (column '\(entry.column.name)') is not a valid identity type: use lower snake case, "
                    + "optionally ':namespace' (phone, member_id, tmall_nick, wechat_openid:wx123…)")
        }
        let propertyColumns = try keyed(mapping.properties, what: "property")
        if let clash = propertyColumns.first(where: { Self.reservedProperties.contains($0.key) }) {
            throw ImportMappingError(
                "property '\(clash.key)' (column '\(clash.column.name)') is written by the import itself; "
                    + "map the column to its role instead")
        }
        self.identityColumns = identityColumns
        self.propertyColumns = propertyColumns
        self.traitColumns = try keyed(mapping.traits, what: "trait")
        self.roles = roles

        let channel = (mapping.channel ?? "import").trimmingASCIISpaces()
        guard !channel.isEmpty, channel.utf8.count <= 64 else {
            throw ImportMappingError("'channel' must be 1 to 64 bytes")
        }
        self.channel = channel
        let currency = (mapping.currency ?? "CNY").trimmingASCIISpaces().uppercased()
        guard currency.utf8.count == 3, currency.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
            throw ImportMappingError("'currency' must be an ISO 4217 code such as CNY, got '\(currency)'")
        }
        self.currency = currency
        self.amountPerLine = mapping.amountPerLine ?? false
        self.timeFormat = try ImportTimeFormat(mapping.timestampFormat ?? "auto")
        self.offsetSeconds = try ImportTimeFormat.offsetSeconds(mapping.utcOffset ?? ImportPreset.chinaOffset)
        var statusEvents: [String: String] = [:]
        for (status, event) in mapping.statusEvents {
            guard let event else { continue }
            let name = event.trimmingASCIISpaces()
            guard !name.isEmpty, name.utf8.count <= 200 else {
                throw ImportMappingError("the event for status '\(status)' must be 1 to 200 bytes")
            }
            statusEvents[status.trimmingASCIISpaces()] = name
        }
        self.statusEvents = statusEvents

        func require(_ role: ImportMapping.Role, _ what: String) throws(ImportMappingError) {
            guard roles[role.index].isEmpty else { return }
            let candidates = mapping[role] ?? []
            let expected = candidates.isEmpty ? "none is mapped" : "expected one of " + candidates.joined(separator: ", ")
            throw ImportMappingError(
                "no column for \(what) (mapping key '\(role.rawValue)'): \(expected) (\(Self.describe(header)))")
        }
        if kind == .orders {
            try require(.orderID, "the order id")
            try require(.amount, "the amount")
            try require(.timestamp, "the order time")
        }
        if identityColumns.isEmpty {
            let candidates = mapping.identities.compactMap { $0.value == nil ? nil : $0.key }.sorted()
            throw ImportMappingError(
                "no identity column: map at least one column under 'identities' (e.g. {\"手机号\": \"phone\"}); "
                    + (candidates.isEmpty ? "" : "this preset looks for \(candidates.joined(separator: ", ")); ")
                    + Self.describe(header))
        }
    }

    private static func describe(_ header: [String]) -> String {
        let shown = header.prefix(40).map { "'\($0)'" }.joined(separator: ", ")
        return "the file's columns are \(shown)\(header.count > 40 ? ", …" : "")"
    }

    // MARK: Streaming

    /// Feeds one data row (`row` as in the file, header = 1) and returns what is complete: usually the previous
    /// order once a row with a different order id arrives, or this row's customer message.
    public mutating func consume(_ fields: [String], row: Int) -> [ImportOutcome] {
        guard kind == .orders else {
            switch convert(fields, row: row) {
            case .success(let line): return [.message(message(for: [line]), rows: [row])]
            case .failure(let rejection): return [.rejected(rejection)]
            }
        }
        var outcomes: [ImportOutcome] = []
        let orderID = fields.count == header.count ? firstValue(.orderID, fields)?.value : nil
        if pendingOrderID != orderID || orderID == nil { outcomes += flush() }
        guard let orderID else {
            if case .failure(let rejection) = convert(fields, row: row) { outcomes.append(.rejected(rejection)) }
            return outcomes
        }
        if let first = emittedOrders[orderID] {
            outcomes.append(
                .rejected(
                    ImportRejection(
                        row: row,
                        reason: "order \(orderID) already appeared at row \(first); the rows of one order must be "
                            + "next to each other")))
            return outcomes
        }
        pendingOrderID = orderID
        // Where each row is a whole order (or an item with its own quantity), an identical row is the same data
        // exported twice. Receipt lines are different: two identical lines are two items scanned one by one.
        if !amountPerLine, let twin = pending.first(where: { $0.fields == fields }) {
            outcomes.append(.rejected(ImportRejection(row: row, reason: "duplicate of row \(twin.row)")))
            return outcomes
        }
        pending.append(PendingRow(row: row, fields: fields, result: convert(fields, row: row)))
        return outcomes
    }

    /// Ends the file: returns the last order.
    public mutating func finish() -> [ImportOutcome] {
        flush()
    }

    private struct PendingRow: Sendable {
        var row: Int
        var fields: [String]
        var result: Result<Line, ImportRejection>
    }

    private mutating func flush() -> [ImportOutcome] {
        defer {
            pending = []
            pendingOrderID = nil
        }
        guard let orderID = pendingOrderID, let first = pending.first else { return [] }
        emittedOrders[orderID] = first.row
        var lines: [Line] = []
        var rejections: [ImportRejection] = []
        for entry in pending {
            switch entry.result {
            case .success(let line): lines.append(line)
            case .failure(let rejection): rejections.append(rejection)
            }
        }
        guard let firstRejection = rejections.first else {
            return [.message(message(for: lines), rows: pending.map(\.row))]
        }
        // All or nothing per order: the good rows are reported with the reason their order was refused.
        return pending.map { entry in
            if case .failure(let rejection) = entry.result { return .rejected(rejection) }
            return .rejected(
                ImportRejection(
                    row: entry.row,
                    reason: "order \(orderID) is not imported because row \(firstRejection.row) was rejected: "
                        + firstRejection.reason))
        }
    }

    // MARK: Rows

    /// One converted row, before the rows of an order are combined.
    struct Line: Sendable {
        var row: Int
        var orderID: String?
        var event: String
        var status: String?
        var timestamp: Instant
        /// The mapped timestamp cell, if any (part of a customer's digest; the import time is not).
        var mappedTime: Instant?
        var identities: [Identity]
        var traits: [String: JSONValue]
        var properties: [String: JSONValue]
        /// In ten-thousandths of the currency unit, so sums of line amounts are exact.
        var amount: Int64?
        var quantity: Int64?
        var product: [String: JSONValue]?
    }

    /// Converts one row on its own (for orders, as a one-row order) — the per-row rules without the grouping.
    public func message(_ fields: [String], row: Int) -> Result<TrackingMessage, ImportRejection> {
        convert(fields, row: row).map { message(for: [$0]) }
    }

    func convert(_ fields: [String], row: Int) -> Result<Line, ImportRejection> {
        func reject(_ reason: String) -> Result<Line, ImportRejection> {
            .failure(ImportRejection(row: row, reason: reason))
        }
        guard fields.count == header.count else {
            return reject("expected \(header.count) columns as in the header, found \(fields.count)")
        }

        // Identities, strongest first.
        var identities: [Identity] = []
        var notes: [String] = []
        for entry in identityColumns {
            let value = Self.cleanIdentifier(fields[entry.column.index])
            guard !value.isEmpty else { continue }
            if value.utf8.contains(UInt8(ascii: "*")) {
                notes.append("\(entry.column.name) '\(Self.excerpt(value))' is masked")
                continue
            }
            do {
                let identity = try IdentityRules.make(type: entry.key, value: value)
                if !identities.contains(where: { $0.type == identity.type }) { identities.append(identity) }
            } catch {
                notes.append("\(entry.column.name): \(error)")
            }
        }
        guard !identities.isEmpty else {
            let columns = identityColumns.map(\.column.name).joined(separator: ", ")
            return reject(
                notes.isEmpty
                    ? "no identity: \(columns) \(identityColumns.count == 1 ? "is" : "are all") empty"
                    : "no usable identity: " + notes.joined(separator: "; "))
        }
        identities = Self.sortedByStrength(identities, ranking)

        var traits: [String: JSONValue] = [:]
        for entry in traitColumns {
            let value = Self.clean(fields[entry.column.index])
            if !value.isEmpty { traits[entry.key] = .string(value) }
        }

        var mappedTime: Instant?
        if let (text, column) = firstValue(.timestamp, fields) {
            guard let instant = timeFormat.parse(text, defaultOffsetSeconds: offsetSeconds) else {
                return reject("unparsable time '\(Self.excerpt(text))' in column \(column) (format \(timeFormat))")
            }
            guard instant <= receivedAt.adding(days: 1) else {
                return reject("time '\(Self.excerpt(text))' in column \(column) is in the future")
            }
            mappedTime = instant
        }

        guard kind == .orders else {
            return .success(
                Line(
                    row: row, orderID: nil, event: "identify", status: nil, timestamp: mappedTime ?? receivedAt,
                    mappedTime: mappedTime, identities: identities, traits: traits, properties: [:], amount: nil,
                    quantity: nil, product: nil))
        }

        guard let (orderID, orderColumn) = firstValue(.orderID, fields) else {
            return reject("missing order id (\(names(.orderID)))")
        }
        guard orderID.utf8.count <= Self.maximumOrderIDBytes else {
            return reject("order id in column \(orderColumn) is longer than \(Self.maximumOrderIDBytes) bytes")
        }
        guard let timestamp = mappedTime else { return reject("missing order time (\(names(.timestamp)))") }
        let status = firstValue(.status, fields)?.value
        let event = status.flatMap { statusEvents[$0] } ?? Self.orderCompleted
        let allowsNegative = event != Self.orderCompleted

        let amount: Int64?
        switch amountValue(.amount, "amount", fields, row: row, allowsNegative: allowsNegative) {
        case .success(let value): amount = value
        case .failure(let rejection): return .failure(rejection)
        }
        if amount == nil, event == Self.orderCompleted {
            return reject("missing amount (\(names(.amount)))")
        }
        let price: Int64?
        switch amountValue(.price, "price", fields, row: row, allowsNegative: allowsNegative) {
        case .success(let value): price = value
        case .failure(let rejection): return .failure(rejection)
        }
        var quantity: Int64?
        if let (text, column) = firstValue(.quantity, fields) {
            guard let value = Int64(text.filter { $0 != "," }), value >= 0 || allowsNegative else {
                return reject("unparsable quantity '\(Self.excerpt(text))' in column \(column)")
            }
            quantity = value
        }

        var product: [String: JSONValue] = [:]
        if let id = firstValue(.productID, fields)?.value { product["product_id"] = .string(id) }
        if let sku = firstValue(.sku, fields)?.value { product["sku"] = .string(sku) }
        if let name = firstValue(.product, fields)?.value { product["name"] = .string(name) }
        if !product.isEmpty {
            if let category = firstValue(.category, fields)?.value { product["category"] = .string(category) }
            if let price { product["price"] = Self.json(amount: price) }
            if let quantity { product["quantity"] = .int(quantity) }
        }

        var properties: [String: JSONValue] = [:]
        for entry in propertyColumns {
            let value = Self.clean(fields[entry.column.index])
            if !value.isEmpty { properties[entry.key] = .string(value) }
        }
        return .success(
            Line(
                row: row, orderID: orderID, event: event, status: status, timestamp: timestamp, mappedTime: mappedTime,
                identities: identities, traits: traits, properties: properties, amount: amount, quantity: quantity,
                product: product.isEmpty ? nil : product))
    }

    private func amountValue(
        _ role: ImportMapping.Role, _ what: String, _ fields: [String], row: Int, allowsNegative: Bool
    ) -> Result<Int64?, ImportRejection> {
        guard let (text, column) = firstValue(role, fields) else { return .success(nil) }
        guard let value = Self.parseAmount(text) else {
            return .failure(
                ImportRejection(row: row, reason: "unparsable \(what) '\(Self.excerpt(text))' in column \(column)"))
        }
        guard value >= 0 || allowsNegative else {
            return .failure(
                ImportRejection(
                    row: row,
                    reason: "negative \(what) '\(Self.excerpt(text))' in column \(column) of an order marked completed"))
        }
        return .success(value)
    }

    /// Strongest first, ranking each identity once.
    private static func sortedByStrength(_ identities: [Identity], _ ranking: IdentityExtractor) -> [Identity] {
        identities.map { (ranking.rank($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The first non-empty cell among a role's columns, cleaned, with its column's name.
    private func firstValue(_ role: ImportMapping.Role, _ fields: [String]) -> (value: String, column: String)? {
        for column in roles[role.index] where column.index < fields.count {
            let value =
                role == .orderID ? Self.cleanIdentifier(fields[column.index]) : Self.clean(fields[column.index])
            if !value.isEmpty, !Self.isBlankPlaceholder(value) { return (value, column.name) }
        }
        return nil
    }

    private func names(_ role: ImportMapping.Role) -> String {
        let columns = roles[role.index]
        return (columns.count == 1 ? "column " : "columns ") + columns.map(\.name).joined(separator: ", ")
    }

    // MARK: Messages

    func message(for lines: [Line]) -> TrackingMessage {
        let first = lines[0]
        var identities = first.identities
        for line in lines.dropFirst() {
            for identity in line.identities where !identities.contains(where: { $0.type == identity.type }) {
                identities.append(identity)
            }
        }
        identities = Self.sortedByStrength(identities, ranking)
        var traits = first.traits
        for line in lines.dropFirst() { traits.merge(line.traits) { own, _ in own } }

        let userID = identities.first { $0.type == IdentityType.userID }?.value
        let anonymousID = userID == nil ? Self.anonymousID(for: identities[0]) : nil
        var context: [String: JSONValue] = [
            "channel": .string(channel),
            "identities": .object(Dictionary(identities.map { ($0.type, JSONValue.string($0.value)) }) { a, _ in a }),
            "import": ["preset": .string(preset.rawValue), "kind": .string(kind.rawValue), "row": .int(Int64(first.row))],
        ]
        var payload: [String: JSONValue] = [
            "userId": userID.map(JSONValue.string) ?? .null,
            "anonymousId": anonymousID.map(JSONValue.string) ?? .null,
            "timestamp": .string(ISO8601.format(first.timestamp)),
            "receivedAt": .string(ISO8601.format(receivedAt)),
        ]
        let type: MessageType
        let messageID: String
        var event: String?
        switch kind {
        case .customers:
            type = .identify
            messageID = customerMessageID(first, identities: identities, traits: traits)
            payload["traits"] = .object(traits)
        case .orders:
            type = .track
            event = first.event
            let orderID = first.orderID ?? ""
            messageID =
                "import:\(preset.rawValue):order:\(orderID)"
                + (first.event == Self.orderCompleted ? "" : ":" + Self.slug(first.event))
            var properties: [String: JSONValue] = [:]
            for line in lines { properties.merge(line.properties) { own, _ in own } }
            properties["order_id"] = .string(orderID)
            properties["currency"] = .string(currency)
            let amounts = lines.compactMap(\.amount)
            if let total = amountPerLine ? (amounts.isEmpty ? nil : amounts.reduce(0, +)) : amounts.first {
                properties["revenue"] = Self.json(amount: total)
            }
            let quantities = lines.compactMap(\.quantity)
            if !quantities.isEmpty { properties["quantity"] = .int(quantities.reduce(0, +)) }
            let products = lines.compactMap(\.product)
            if !products.isEmpty { properties["products"] = .array(products.map(JSONValue.object)) }
            if let status = first.status { properties["status"] = .string(status) }
            payload["event"] = .string(first.event)
            payload["properties"] = .object(properties)
            if !traits.isEmpty { context["traits"] = .object(traits) }
        }
        payload["type"] = .string(type.rawValue)
        payload["messageId"] = .string(messageID)
        payload["context"] = .object(context)
        return TrackingMessage(
            type: type, messageID: messageID, userID: userID, anonymousID: anonymousID, event: event,
            timestamp: first.timestamp, receivedAt: receivedAt, payload: payload)
    }

    /// A digest of what the row says (not where it is in the file, nor when it was imported): the same customer
    /// row imported again is a duplicate; a changed one is a new identify that updates the profile.
    private func customerMessageID(_ line: Line, identities: [Identity], traits: [String: JSONValue]) -> String {
        let canonical: JSONValue = [
            "kind": .string(kind.rawValue), "preset": .string(preset.rawValue),
            "identities": .array(identities.map { .array([.string($0.type), .string($0.value)]) }),
            "traits": .object(traits),
            "timestamp": line.mappedTime.map { .int($0.millisecondsSinceEpoch) } ?? .null,
        ]
        return "import:\(preset.rawValue):customer:" + ImportDigest.hex(ImportDigest.sha256(JSONWriter.bytes(canonical)), bytes: 16)
    }

    static func anonymousID(for identity: Identity) -> String {
        let id = "import:\(identity.type):\(identity.value)"
        guard id.utf8.count > 200 else { return id }
        return "import:\(identity.type):" + ImportDigest.hex(ImportDigest.sha256(Array(identity.value.utf8)), bytes: 16)
    }

    static func slug(_ event: String) -> String {
        String(event.lowercased().map { $0 == " " ? "_" : $0 })
    }

    // MARK: Cell values

    /// Trims spaces and tabs (exports pad ids with a tab so Excel keeps them as text) and unwraps Excel's `="…"`.
    public static func clean(_ cell: String) -> String {
        var value = trimmed(cell)
        if value.hasPrefix("=\""), value.hasSuffix("\""), value.count >= 3 {
            value = String(value.dropFirst(2).dropLast()).trimmingASCIISpaces()
        }
        return value
    }

    /// `clean`, and a leading apostrophe dropped (another way exports keep `3051234567890123` from becoming
    /// `3.05E+15`).
    public static func cleanIdentifier(_ cell: String) -> String {
        let value = clean(cell)
        return value.hasPrefix("'") ? String(value.dropFirst()).trimmingASCIISpaces() : value
    }

    /// Cells exports fill in when there is no value (`-`, `null`, `0000-00-00 00:00:00` for "never paid").
    static func isBlankPlaceholder(_ value: String) -> Bool {
        value.utf8.count <= 4 ? blankPlaceholders.contains(value) : value.hasPrefix("0000-00-00")
    }

    private static let blankPlaceholders: Set<String> = ["-", "--", "null", "NULL", "n/a", "N/A", "无"]

    /// `trimmingASCIISpaces`, without its Unicode look-ups in the common case of a cell with nothing to trim.
    static func trimmed(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return cell }
        func mayTrim(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? scalar.value <= 0x20 || scalar.value == 0x7F : scalar.properties.isWhitespace
        }
        return mayTrim(first) || mayTrim(last) ? cell.trimmingASCIISpaces() : cell
    }

    /// Reads `1299`, `1,299.50`, `¥1299.5`, `￥ 99`, `99元`, `RMB 99` into ten-thousandths; nil for anything else
    /// (more than four decimals, several numbers, letters).
    public static func parseAmount(_ text: String) -> Int64? {
        var t = Substring(text.trimmingASCIISpaces())
        for prefix in ["¥", "￥", "RMB", "CNY"] where t.hasPrefix(prefix) {
            t = t.dropFirst(prefix.count)
        }
        if t.hasSuffix("元") { t = t.dropLast() }
        let compact = t.filter { $0 != "," && $0 != " " }
        var chars = compact[...]
        var negative = false
        if chars.first == "-" || chars.first == "+" {
            negative = chars.first == "-"
            chars = chars.dropFirst()
        }
        let parts = chars.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty || parts.count == 2 else { return nil }
        let integer = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard integer.count <= 13, fraction.count <= 4, !(integer.isEmpty && fraction.isEmpty),
            (integer + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let units = Int64(integer.isEmpty ? "0" : String(integer))! * 10_000
        let padded = String(fraction) + String(repeating: "0", count: 4 - fraction.count)
        let value = units + Int64(padded)!
        return negative ? -value : value
    }

    /// Whole amounts as integers, as `JSONWriter` writes them anyway, so a payload reads back equal to itself.
    static func json(amount: Int64) -> JSONValue {
        amount % 10_000 == 0 ? .int(amount / 10_000) : .double(Double(amount) / 10_000)
    }

    static func excerpt(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }
}

/// SHA-256 (FIPS 180-4), for stable message ids. The core has no crypto dependency, and a digest of a few hundred
/// bytes per imported customer does not need one.
enum ImportDigest {
    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    static func sha256(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        var data = message
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        let bitLength = UInt64(message.count) * 8
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 64)
        for block in stride(from: 0, to: data.count, by: 64) {
            for t in 0..<16 {
                let i = block + t * 4
                w[t] = UInt32(data[i]) << 24 | UInt32(data[i + 1]) << 16 | UInt32(data[i + 2]) << 8 | UInt32(data[i + 3])
            }
            for t in 16..<64 {
                let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for t in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let temp1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let temp2 = s0 &+ maj
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ temp1, c, b, a, temp1 &+ temp2)
            }
            h[0] = h[0] &+ a
            h[1] = h[1] &+ b
            h[2] = h[2] &+ c
            h[3] = h[3] &+ d
            h[4] = h[4] &+ e
            h[5] = h[5] &+ f
            h[6] = h[6] &+ g
            h[7] = h[7] &+ hh
        }
        return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - $0 * 8)) } }
    }

    static func hex(_ digest: [UInt8], bytes: Int) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for byte in digest.prefix(bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
}

extension ImportMapping.Role {
    fileprivate var index: Int {
        switch self {
        case .orderID: 0
        case .amount: 1
        case .timestamp: 2
        case .productID: 3
        case .sku: 4
        case .product: 5
        case .category: 6
        case .quantity: 7
        case .price: 8
        case .status: 9
        }
    }
}
