/// A preset's mapping, with the user's laid over it, resolved against one file's header: which columns play each
/// role, and the settings (channel, currency, time format…) checked once, so that converting a row only looks up
/// cells.
///
/// Resolution refuses a mapping rather than letting every row fail on it: a column the user named that is not in
/// the header, a column the header holds twice, a role the import cannot do without (order id, amount, time, at
/// least one identity) with no column, an invalid identity type, a property the import writes itself.
struct ResolvedImportMapping: Sendable {
    struct Column: Sendable {
        var index: Int
        var name: String
    }

    /// A column and the identity type, trait or property key it feeds.
    struct Keyed: Sendable {
        var column: Column
        var key: String
    }

    let kind: ImportKind
    /// The preset's mapping with the user's laid over it.
    let mapping: ImportMapping
    /// The file's header, its names trimmed.
    let header: [String]

    /// Columns per role, indexed by `Role.index`, best first.
    private let roles: [[Column]]
    let identityColumns: [Keyed]
    let traitColumns: [Keyed]
    let propertyColumns: [Keyed]
    let channel: String
    let currency: String
    let amountPerLine: Bool
    let timeFormat: ImportTimeFormat
    let offsetSeconds: Int
    /// Order status → event name.
    let statusEvents: [String: String]

    init(
        kind: ImportKind, preset: ImportPreset, override: ImportMapping?, header: [String]
    ) throws(ImportMappingError) {
        let base = preset.mapping(for: kind)
        let mapping = override.map(base.overridden(by:)) ?? base
        let header = header.map { $0.trimmingASCIISpaces() }
        self.kind = kind
        self.mapping = mapping
        self.header = header

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
        if let clash = propertyColumns.first(where: { ImportMessageBuilder.reservedProperties.contains($0.key) }) {
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

    // MARK: Looking up cells

    /// The first non-empty cell among a role's columns, cleaned, with its column's name.
    func firstValue(_ role: ImportMapping.Role, _ fields: [String]) -> (value: String, column: String)? {
        for column in roles[role.index] where column.index < fields.count {
            let value =
                role == .orderID
                ? ImportCell.cleanIdentifier(fields[column.index]) : ImportCell.clean(fields[column.index])
            if !value.isEmpty, !ImportCell.isBlankPlaceholder(value) { return (value, column.name) }
        }
        return nil
    }

    /// A role's columns as a rejection names them: `column 订单编号`, `columns 订单付款时间, 订单创建时间`.
    func names(_ role: ImportMapping.Role) -> String {
        let columns = roles[role.index]
        return (columns.count == 1 ? "column " : "columns ") + columns.map(\.name).joined(separator: ", ")
    }
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
