import Crypto

/// Builds the tracking message of an order (one or more lines) or a customer (one line), exactly as if an SDK had
/// sent it.
///
/// - Orders become `track` calls named `Order Completed` (or the event `statusEvents` gives their status) with the
///   Segment e-commerce properties `order_id`, `revenue`, `currency`, `products`, `quantity`, `status`.
/// - Customers become `identify` calls whose traits are the mapped columns.
/// - Identities go to `context.identities`, strongest first.
/// - `userId` is the row's `user_id` identity when there is one; otherwise `anonymousId` is
///   `import:<type>:<value>` of the strongest identity, which satisfies the tracking contract without inventing a
///   person.
/// - The `messageId` is deterministic — `import:<preset>:order:<order id>` for orders, a digest of the mapped
///   content for customers — so importing the same file twice stores nothing new.
struct ImportMessageBuilder: Sendable {
    let preset: ImportPreset
    /// Gives the kind of message, its channel and currency, and how the amounts of an order's lines add up.
    let mapping: ResolvedImportMapping
    let receivedAt: Instant

    /// Property keys the builder writes itself.
    static let reservedProperties: Set<String> = ["order_id", "revenue", "currency", "products", "quantity", "status"]

    /// The message of `lines`, the rows of one order or a single customer row: identities and traits are
    /// collected (the first line's win), the order's quantities summed, its amounts summed when `amountPerLine` is
    /// set (otherwise each line repeats the order total).
    func message(for lines: [ImportLine]) -> TrackingMessage {
        let first = lines[0]
        var identities = first.identities
        for line in lines.dropFirst() {
            for identity in line.identities where !identities.contains(where: { $0.type == identity.type }) {
                identities.append(identity)
            }
        }
        identities = ImportLine.strongestFirst(identities)
        var traits = first.traits
        for line in lines.dropFirst() { traits.merge(line.traits) { own, _ in own } }

        let userID = identities.first { $0.type == IdentityType.userID }?.value
        let anonymousID = userID == nil ? Self.anonymousID(for: identities[0]) : nil
        var context: [String: JSONValue] = [
            "channel": .string(mapping.channel),
            "identities": .object(Dictionary(identities.map { ($0.type, JSONValue.string($0.value)) }) { a, _ in a }),
            "import": [
                "preset": .string(preset.rawValue), "kind": .string(mapping.kind.rawValue),
                "row": .int(Int64(first.row)),
            ],
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
        switch mapping.kind {
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
                + (first.event == ImportLine.orderCompleted ? "" : ":" + Self.slug(first.event))
            var properties: [String: JSONValue] = [:]
            for line in lines { properties.merge(line.properties) { own, _ in own } }
            properties["order_id"] = .string(orderID)
            properties["currency"] = .string(mapping.currency)
            let amounts = lines.compactMap(\.amount)
            if let total = mapping.amountPerLine ? (amounts.isEmpty ? nil : amounts.reduce(0, +)) : amounts.first {
                properties["revenue"] = ImportCell.json(amount: total)
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
    /// row imported again is a duplicate; a changed one is a new identify that updates the profile. What is digested
    /// and how must never change, or every customer imported before would be stored again on a re-import.
    private func customerMessageID(_ line: ImportLine, identities: [Identity], traits: [String: JSONValue]) -> String {
        let canonical: JSONValue = [
            "kind": .string(mapping.kind.rawValue), "preset": .string(preset.rawValue),
            "identities": .array(identities.map { .array([.string($0.type), .string($0.value)]) }),
            "traits": .object(traits),
            "timestamp": line.mappedTime.map { .int($0.millisecondsSinceEpoch) } ?? .null,
        ]
        return "import:\(preset.rawValue):customer:" + Self.digest(JSONWriter.bytes(canonical), bytes: 16)
    }

    static func anonymousID(for identity: Identity) -> String {
        let id = "import:\(identity.type):\(identity.value)"
        guard id.utf8.count > 200 else { return id }
        return "import:\(identity.type):" + digest(Array(identity.value.utf8), bytes: 16)
    }

    /// The first `bytes` bytes of the SHA-256 of `message`, in lower-case hex.
    static func digest(_ message: [UInt8], bytes: Int) -> String {
        SHA256.hash(data: message).prefix(bytes).map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func slug(_ event: String) -> String {
        String(event.lowercased().map { $0 == " " ? "_" : $0 })
    }
}
