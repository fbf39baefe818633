import PondCore

/// What segment rules, tag rules, RFM and lifecycle see of one unified profile (a cluster root).
///
/// These are the exact semantics the SQL compiler (`SegmentSQL`) mirrors, and the agreement test holds both to them:
/// - traits: per key, the value written with the latest event time among the cluster's members; a tie goes to the
///   higher member id;
/// - events: the cluster's `track` events (name, time, channel, `properties`); identify/page/screen calls are not
///   "performed" events;
/// - channels: every channel an event of the cluster arrived on, except `pond` (Pond's own timeline entries);
/// - tags, RFM scores, lifecycle stage and consent: the rows kept for the root.
extension Store {
    /// The channel of timeline entries Pond writes itself (tag, stage and layer changes). Never counts as the
    /// customer being present somewhere, nor as their activity.
    public static let systemChannel = "pond"

    public func profileFacts(workspaceID: String, profileID: Int64) async throws -> ProfileFacts? {
        try await database.read { db in try await Self.facts(db, workspaceID, root: profileID) }
    }

    /// Facts of the cluster whose root is `root`; nil when `root` is not a cluster root of the workspace.
    static func facts(_ db: any SQLExecutor, _ workspaceID: String, root: Int64) async throws -> ProfileFacts? {
        let ws = SQLValue.text(workspaceID)
        let members = try await members(db, workspaceID, root: root)
        guard members.contains(root) else { return nil }
        let inList = "(\(placeholders(members.count)))"
        let memberBinds = [ws] + members.map(SQLValue.int)
        var facts = ProfileFacts()

        var latest: [String: (ts: Int64, member: Int64)] = [:]
        for row in try await db.query(
            "SELECT key, value, ts, profile_id FROM profile_traits WHERE workspace_id = ? AND profile_id IN \(inList)",
            memberBinds)
        {
            let key = try row.text(0)
            let stamp = (ts: try row.int(2), member: try row.int(3))
            if let current = latest[key], (current.ts, current.member) > (stamp.ts, stamp.member) { continue }
            latest[key] = stamp
            facts.traits[key] = (try? JSONParser.parseStored(try row.text(1))) ?? .null
        }

        for row in try await db.query(
            """
            SELECT event, ts, channel, payload FROM events
            WHERE workspace_id = ? AND profile_id IN \(inList) AND type = 'track' AND event IS NOT NULL
            """, memberBinds)
        {
            let payload = (try? JSONParser.parseStored(try row.text(3)))?.objectValue
            facts.events.append(
                EventFact(
                    try row.text(0), timestamp: try row.instant(1), channel: try row.text(2),
                    properties: payload?["properties"]?.objectValue ?? [:]))
        }
        for row in try await db.query(
            "SELECT DISTINCT channel FROM events WHERE workspace_id = ? AND profile_id IN \(inList) AND channel <> ?",
            memberBinds + [.text(systemChannel)])
        {
            facts.channels.insert(try row.text(0))
        }

        let rootBinds: [SQLValue] = [ws, .int(root)]
        for row in try await db.query(
            "SELECT tag FROM profile_tags WHERE workspace_id = ? AND profile_id = ?", rootBinds)
        {
            facts.tags.insert(try row.text(0))
        }
        if let row = try await db.query(
            "SELECT r, f, m, layer FROM rfm_scores WHERE workspace_id = ? AND profile_id = ?", rootBinds
        ).first {
            facts.rfm = RFMFacts(
                recency: Int(try row.int(0)), frequency: Int(try row.int(1)), monetary: Int(try row.int(2)),
                layer: try row.text(3))
        }
        facts.stage = try await db.query(
            "SELECT stage FROM profile_stages WHERE workspace_id = ? AND profile_id = ?", rootBinds
        ).first?.text(0)
        for row in try await db.query(
            "SELECT purpose, granted FROM profile_consents WHERE workspace_id = ? AND profile_id = ?", rootBinds)
        {
            facts.consent[try row.text(0)] = try row.int(1) != 0
        }
        return facts
    }
}

extension Store {
    /// Facts of many cluster roots at once, with `profileFacts`' rules, in one query per kind of fact (per 500
    /// profiles) instead of seven per profile: what a batch of journey steps reads. An id that is not a cluster root
    /// of the workspace has no entry.
    public func profileFacts(workspaceID: String, roots: [Int64]) async throws -> [Int64: ProfileFacts] {
        guard !roots.isEmpty else { return [:] }
        return try await database.read { db in
            var all: [Int64: ProfileFacts] = [:]
            for chunk in Array(Set(roots)).sorted().chunked(500) {
                try await Self.facts(db, workspaceID, roots: Array(chunk), into: &all)
            }
            return all
        }
    }

    private static func facts(_ db: any SQLExecutor, _ workspaceID: String, roots: [Int64], into all: inout [Int64: ProfileFacts])
        async throws
    {
        let ws = SQLValue.text(workspaceID)
        var rootOf: [Int64: Int64] = [:]
        for row in try await db.query(
            "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND canonical_id IN (\(placeholders(roots.count)))",
            [ws] + roots.map(SQLValue.int))
        {
            rootOf[try row.int(0)] = try row.int(1)
        }
        // A root is one whose own row says so; members of an id that is not a root are not read.
        let found = roots.filter { rootOf[$0] == $0 }
        guard !found.isEmpty else { return }
        var facts = Dictionary(uniqueKeysWithValues: found.map { ($0, ProfileFacts()) })
        let members = rootOf.filter { facts[$0.value] != nil }.keys.sorted()

        var latest: [Int64: [String: (ts: Int64, member: Int64)]] = [:]
        for chunk in members.chunked(500) {
            let binds = [ws] + chunk.map(SQLValue.int), inList = "(\(placeholders(chunk.count)))"
            for row in try await db.query(
                "SELECT key, value, ts, profile_id FROM profile_traits WHERE workspace_id = ? AND profile_id IN \(inList)", binds)
            {
                let key = try row.text(0), member = try row.int(3)
                guard let root = rootOf[member] else { continue }
                let stamp = (ts: try row.int(2), member: member)
                if let current = latest[root]?[key], (current.ts, current.member) > (stamp.ts, stamp.member) { continue }
                latest[root, default: [:]][key] = stamp
                facts[root]!.traits[key] = (try? JSONParser.parseStored(try row.text(1))) ?? .null
            }
            for row in try await db.query(
                """
                SELECT event, ts, channel, payload, profile_id FROM events
                WHERE workspace_id = ? AND profile_id IN \(inList) AND type = 'track' AND event IS NOT NULL
                """, binds)
            {
                guard let root = rootOf[try row.int(4)] else { continue }
                let payload = (try? JSONParser.parseStored(try row.text(3)))?.objectValue
                facts[root]!.events.append(
                    EventFact(
                        try row.text(0), timestamp: try row.instant(1), channel: try row.text(2),
                        properties: payload?["properties"]?.objectValue ?? [:]))
            }
            for row in try await db.query(
                "SELECT DISTINCT profile_id, channel FROM events WHERE workspace_id = ? AND profile_id IN \(inList) AND channel <> ?",
                binds + [.text(systemChannel)])
            {
                guard let root = rootOf[try row.int(0)] else { continue }
                facts[root]!.channels.insert(try row.text(1))
            }
        }

        let rootBinds = [ws] + found.map(SQLValue.int), rootList = "(\(placeholders(found.count)))"
        for row in try await db.query("SELECT profile_id, tag FROM profile_tags WHERE workspace_id = ? AND profile_id IN \(rootList)", rootBinds) {
            facts[try row.int(0)]?.tags.insert(try row.text(1))
        }
        for row in try await db.query(
            "SELECT profile_id, r, f, m, layer FROM rfm_scores WHERE workspace_id = ? AND profile_id IN \(rootList)", rootBinds)
        {
            facts[try row.int(0)]?.rfm = RFMFacts(
                recency: Int(try row.int(1)), frequency: Int(try row.int(2)), monetary: Int(try row.int(3)), layer: try row.text(4))
        }
        for row in try await db.query(
            "SELECT profile_id, stage FROM profile_stages WHERE workspace_id = ? AND profile_id IN \(rootList)", rootBinds)
        {
            facts[try row.int(0)]?.stage = row[1].text
        }
        for row in try await db.query(
            "SELECT profile_id, purpose, granted FROM profile_consents WHERE workspace_id = ? AND profile_id IN \(rootList)", rootBinds)
        {
            facts[try row.int(0)]?.consent[try row.text(1)] = try row.int(2) != 0
        }
        all.merge(facts) { _, new in new }
    }
}
