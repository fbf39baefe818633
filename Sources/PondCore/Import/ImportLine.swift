/// One converted row, before the rows of an order are combined.
struct ImportLine: Sendable {
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

    static let orderCompleted = "Order Completed"
    static let maximumOrderIDBytes = 128

    private static let ranking = IdentityExtractor(uniqueTypes: WorkspaceSettings.defaultUniqueIdentityTypes)

    /// Strongest first, ranking each identity once.
    static func strongestFirst(_ identities: [Identity]) -> [Identity] {
        identities.map { (ranking.rank($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

// MARK: - Conversion

extension ResolvedImportMapping {
    /// Converts one row's cells on their own — the per-row rules without the grouping into orders.
    ///
    /// A row is rejected, with a reason that names the column and quotes the cell, when it has no usable identity
    /// (masked values are never linked), an unparsable or future time, or, for orders, no order id, time or amount
    /// (unless the status makes it another event than a completed order), or an amount or quantity that is not a
    /// number or is negative on a completed order.
    func line(_ fields: [String], row: Int, receivedAt: Instant) -> Result<ImportLine, ImportRejection> {
        func reject(_ reason: String) -> Result<ImportLine, ImportRejection> {
            .failure(ImportRejection(row: row, reason: reason))
        }
        guard fields.count == header.count else {
            return reject("expected \(header.count) columns as in the header, found \(fields.count)")
        }

        // Identities, strongest first.
        var identities: [Identity] = []
        var notes: [String] = []
        for entry in identityColumns {
            let value = ImportCell.cleanIdentifier(fields[entry.column.index])
            guard !value.isEmpty else { continue }
            if value.utf8.contains(UInt8(ascii: "*")) {
                notes.append("\(entry.column.name) '\(ImportCell.excerpt(value))' is masked")
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
        identities = ImportLine.strongestFirst(identities)

        var traits: [String: JSONValue] = [:]
        for entry in traitColumns {
            let value = ImportCell.clean(fields[entry.column.index])
            if !value.isEmpty { traits[entry.key] = .string(value) }
        }

        var mappedTime: Instant?
        if let (text, column) = firstValue(.timestamp, fields) {
            guard let instant = timeFormat.parse(text, defaultOffsetSeconds: offsetSeconds) else {
                return reject(
                    "unparsable time '\(ImportCell.excerpt(text))' in column \(column) (format \(timeFormat))")
            }
            guard instant <= receivedAt.adding(days: 1) else {
                return reject("time '\(ImportCell.excerpt(text))' in column \(column) is in the future")
            }
            mappedTime = instant
        }

        guard kind == .orders else {
            return .success(
                ImportLine(
                    row: row, orderID: nil, event: "identify", status: nil, timestamp: mappedTime ?? receivedAt,
                    mappedTime: mappedTime, identities: identities, traits: traits, properties: [:], amount: nil,
                    quantity: nil, product: nil))
        }

        guard let (orderID, orderColumn) = firstValue(.orderID, fields) else {
            return reject("missing order id (\(names(.orderID)))")
        }
        guard orderID.utf8.count <= ImportLine.maximumOrderIDBytes else {
            return reject("order id in column \(orderColumn) is longer than \(ImportLine.maximumOrderIDBytes) bytes")
        }
        guard let timestamp = mappedTime else { return reject("missing order time (\(names(.timestamp)))") }
        let status = firstValue(.status, fields)?.value
        let event = status.flatMap { statusEvents[$0] } ?? ImportLine.orderCompleted
        let allowsNegative = event != ImportLine.orderCompleted

        let amount: Int64?
        switch amountValue(.amount, "amount", fields, row: row, allowsNegative: allowsNegative) {
        case .success(let value): amount = value
        case .failure(let rejection): return .failure(rejection)
        }
        if amount == nil, event == ImportLine.orderCompleted {
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
                return reject("unparsable quantity '\(ImportCell.excerpt(text))' in column \(column)")
            }
            quantity = value
        }

        var product: [String: JSONValue] = [:]
        if let id = firstValue(.productID, fields)?.value { product["product_id"] = .string(id) }
        if let sku = firstValue(.sku, fields)?.value { product["sku"] = .string(sku) }
        if let name = firstValue(.product, fields)?.value { product["name"] = .string(name) }
        if !product.isEmpty {
            if let category = firstValue(.category, fields)?.value { product["category"] = .string(category) }
            if let price { product["price"] = ImportCell.json(amount: price) }
            if let quantity { product["quantity"] = .int(quantity) }
        }

        var properties: [String: JSONValue] = [:]
        for entry in propertyColumns {
            let value = ImportCell.clean(fields[entry.column.index])
            if !value.isEmpty { properties[entry.key] = .string(value) }
        }
        return .success(
            ImportLine(
                row: row, orderID: orderID, event: event, status: status, timestamp: timestamp, mappedTime: mappedTime,
                identities: identities, traits: traits, properties: properties, amount: amount, quantity: quantity,
                product: product.isEmpty ? nil : product))
    }

    private func amountValue(
        _ role: ImportMapping.Role, _ what: String, _ fields: [String], row: Int, allowsNegative: Bool
    ) -> Result<Int64?, ImportRejection> {
        guard let (text, column) = firstValue(role, fields) else { return .success(nil) }
        guard let value = ImportCell.parseAmount(text) else {
            return .failure(
                ImportRejection(
                    row: row, reason: "unparsable \(what) '\(ImportCell.excerpt(text))' in column \(column)"))
        }
        guard value >= 0 || allowsNegative else {
            return .failure(
                ImportRejection(
                    row: row,
                    reason: "negative \(what) '\(ImportCell.excerpt(text))' in column \(column) of an order "
                        + "marked completed"))
        }
        return .success(value)
    }
}
