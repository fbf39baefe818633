import PondCore

/// The dispatch facts (`DispatchFacts`) of every cluster in one batch of decisions, read with a handful of set
/// queries instead of several per message: the members, their addresses on the batch's channels, the consent
/// ledger's state, the deliveries since the rules' history start and the profiles' own UTC offsets.
///
/// Decisions in a batch are taken one after the other, and a message let go is added to its cluster's history
/// (`recordDelivery`) before the next decision, so two messages for one customer in one batch count each other.
struct DispatchFactsLoader {
    private var addresses: [Int64: [String: (value: String, firstSeen: Int64)]] = [:]
    private var consent: [Int64: [StoredConsent]] = [:]
    private var deliveries: [Int64: [DeliveryRecord]] = [:]
    private var offsets: [Int64: (seconds: Int, ts: Int64)] = [:]
    private let workspaceOffset: Int

    private init(workspaceOffset: Int) { self.workspaceOffset = workspaceOffset }

    static func load(
        _ db: any SQLExecutor, _ workspaceID: String, roots: Set<Int64>, channels: Set<ChannelID>, historyStart: Instant,
        workspaceOffset: Int
    ) async throws -> DispatchFactsLoader {
        var loaded = DispatchFactsLoader(workspaceOffset: workspaceOffset)
        guard !roots.isEmpty else { return loaded }
        let ws = SQLValue.text(workspaceID)
        var rootOf: [Int64: Int64] = [:]
        for chunk in Array(roots).chunked(500) {
            for row in try await db.query(
                "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND canonical_id IN (\(placeholders(chunk.count)))",
                [ws] + chunk.map(SQLValue.int))
            {
                rootOf[try row.int(0)] = try row.int(1)
            }
        }
        let members = Array(rootOf.keys)
        let types = Array(Set(channels.compactMap(ChannelAddressing.identityType(for:))))
        loaded.consent = try await Store.clusterConsent(db, workspaceID, roots: roots)
        for chunk in members.chunked(500) {
            let memberList = "(\(placeholders(chunk.count)))"
            let memberBinds = chunk.map(SQLValue.int)
            if !types.isEmpty {
                for row in try await db.query(
                    """
                    SELECT profile_id, type, value, first_seen FROM identities
                    WHERE workspace_id = ? AND profile_id IN \(memberList) AND type IN (\(placeholders(types.count)))
                    """, [ws] + memberBinds + types.map(SQLValue.text))
                {
                    guard let root = rootOf[try row.int(0)] else { continue }
                    let type = try row.text(1)
                    let candidate = (value: try row.text(2), firstSeen: try row.int(3))
                    // The newest number or address is the one the customer uses now.
                    if let current = loaded.addresses[root]?[type],
                        (current.firstSeen, current.value) >= (candidate.firstSeen, candidate.value)
                    {
                        continue
                    }
                    loaded.addresses[root, default: [:]][type] = candidate
                }
            }
            for row in try await db.query(
                """
                SELECT profile_id, sent_at, channel, category FROM messages
                WHERE workspace_id = ? AND profile_id IN \(memberList) AND sent_at >= ?
                """, [ws] + memberBinds + [historyStart.sql])
            {
                guard let root = rootOf[try row.int(0)], let category = MessageCategory(rawValue: try row.text(3)) else { continue }
                loaded.deliveries[root, default: []].append(
                    DeliveryRecord(at: try row.instant(1), channel: ChannelID(try row.text(2)), category: category))
            }
            for row in try await db.query(
                """
                SELECT profile_id, value, ts FROM profile_traits
                WHERE workspace_id = ? AND profile_id IN \(memberList) AND key = ?
                """, [ws] + memberBinds + [.text(ProfileUTCOffset.traitKey)])
            {
                guard let root = rootOf[try row.int(0)], let value = try? JSONParser.parseStored(try row.text(1)),
                    let seconds = ProfileUTCOffset.seconds(from: [ProfileUTCOffset.traitKey: value])
                else { continue }
                let ts = try row.int(2)
                if let current = loaded.offsets[root], current.ts >= ts { continue }
                loaded.offsets[root] = (seconds, ts)
            }
        }
        return loaded
    }

    func facts(root: Int64, channel: ChannelID) -> DispatchFacts {
        DispatchFacts(
            hasAddress: ChannelAddressing.identityType(for: channel) == nil || address(root: root, channel: channel) != nil,
            consent: Store.channelConsent(consent[root] ?? [], channel), deliveries: deliveries[root] ?? [],
            workspaceUTCOffsetSeconds: workspaceOffset, profileUTCOffsetSeconds: offsets[root]?.seconds)
    }

    /// Where the channel reaches the cluster: its newest identity of the channel's type; nil for channels that
    /// need none.
    func address(root: Int64, channel: ChannelID) -> String? {
        ChannelAddressing.identityType(for: channel).flatMap { addresses[root]?[$0]?.value }
    }

    mutating func recordDelivery(root: Int64, _ delivery: DeliveryRecord) {
        deliveries[root, default: []].append(delivery)
    }
}
