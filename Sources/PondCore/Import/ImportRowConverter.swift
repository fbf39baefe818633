/// Turns rows of an export into tracking messages, exactly as if an SDK had sent them, so imported orders and
/// customers go through the same event log, dedupe, identity stitching and profiles as live data.
///
/// The work is done in four steps, each in a file of its own:
/// - `ResolvedImportMapping` resolves the mapping against the file's header once, refusing a mapping that cannot
///   be used before any row is read;
/// - `ResolvedImportMapping.line(_:row:receivedAt:)` converts one row's cells (`ImportCell`) into an `ImportLine`,
///   or rejects it. Identities are made with `IdentityRules.make`: placeholders, malformed values and *masked*
///   values (`138****8000`, `t**6` — exports hide personal data since PIPL) are not used, because linking on them
///   would merge every customer whose masked value looks alike. A row left without a usable identity is rejected;
/// - this converter groups the lines of an order;
/// - `ImportMessageBuilder` builds the message of an order or a customer, with a deterministic `messageId`, so
///   importing the same file twice stores nothing new.
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
    public let receivedAt: Instant
    private let resolved: ResolvedImportMapping

    /// Rows of the order being assembled.
    private var pending: [PendingRow] = []
    private var pendingOrderID: String?
    /// Order ids already emitted, with their first row.
    private var emittedOrders: [String: Int] = [:]

    private struct PendingRow: Sendable {
        var row: Int
        var fields: [String]
        var result: Result<ImportLine, ImportRejection>
    }

    /// Resolves the mapping against the file's header. Throws when a column the user named is not in the header,
    /// or when a role the import cannot do without (order id, amount, time, at least one identity) has no column.
    public init(
        kind: ImportKind, preset: ImportPreset, override: ImportMapping? = nil, header: [String], receivedAt: Instant
    ) throws(ImportMappingError) {
        self.resolved = try ResolvedImportMapping(kind: kind, preset: preset, override: override, header: header)
        self.kind = kind
        self.preset = preset
        self.receivedAt = receivedAt
    }

    /// The preset's mapping with the user's laid over it.
    public var mapping: ImportMapping { resolved.mapping }
    /// The file's header, its names trimmed.
    public var header: [String] { resolved.header }
    /// `context.channel` of every message.
    public var channel: String { resolved.channel }

    /// Converts one row on its own (for orders, as a one-row order) — the per-row rules without the grouping.
    public func message(_ fields: [String], row: Int) -> Result<TrackingMessage, ImportRejection> {
        convert(fields, row: row).map { builder.message(for: [$0]) }
    }

    private var builder: ImportMessageBuilder {
        ImportMessageBuilder(preset: preset, mapping: resolved, receivedAt: receivedAt)
    }

    private func convert(_ fields: [String], row: Int) -> Result<ImportLine, ImportRejection> {
        resolved.line(fields, row: row, receivedAt: receivedAt)
    }

    // MARK: Grouping the rows of an order

    /// Feeds one data row (`row` as in the file, header = 1) and returns what is complete: usually the previous
    /// order once a row with a different order id arrives, or this row's customer message.
    public mutating func consume(_ fields: [String], row: Int) -> [ImportOutcome] {
        guard kind == .orders else {
            switch convert(fields, row: row) {
            case .success(let line): return [.message(builder.message(for: [line]), rows: [row])]
            case .failure(let rejection): return [.rejected(rejection)]
            }
        }
        var outcomes: [ImportOutcome] = []
        let orderID = fields.count == header.count ? resolved.firstValue(.orderID, fields)?.value : nil
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
        if !resolved.amountPerLine, let twin = pending.first(where: { $0.fields == fields }) {
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

    private mutating func flush() -> [ImportOutcome] {
        defer {
            pending = []
            pendingOrderID = nil
        }
        guard let orderID = pendingOrderID, let first = pending.first else { return [] }
        emittedOrders[orderID] = first.row
        var lines: [ImportLine] = []
        var rejections: [ImportRejection] = []
        for entry in pending {
            switch entry.result {
            case .success(let line): lines.append(line)
            case .failure(let rejection): rejections.append(rejection)
            }
        }
        guard let firstRejection = rejections.first else {
            return [.message(builder.message(for: lines), rows: pending.map(\.row))]
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
}
