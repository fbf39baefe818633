import PondCore

@testable import PondStore

/// A small workspace written row by row into the store's tables, and the `ProfileFacts` each of its roots should
/// load as, worked out here from the rows without the store.
///
/// Stored JSON is mostly what `JSONWriter` writes, plus spellings it never writes but a parser must read the same
/// (`1.0`, `1e2`, escapes, whitespace), so the SQL is held to `JSONParser`'s reading, not to the writer's habits.
struct SegmentWorld {
    struct Profile {
        var id: Int64
        var canonicalID: Int64
    }

    struct Trait {
        var profileID: Int64
        var key: String
        /// Stored JSON text.
        var json: String
        var ts: Int64
    }

    struct Event {
        var workspaceID: String
        var type: String
        var name: String?
        var ts: Int64
        var channel: String
        /// nil while pending (not stitched yet).
        var profileID: Int64?
        var payload: String
    }

    struct RFM {
        var profileID: Int64
        var scores: (r: Int, f: Int, m: Int)
        var layer: String
    }

    var workspaceID: String
    var now: Instant
    var utcOffsetSeconds: Int
    var profiles: [Profile] = []
    var traits: [Trait] = []
    var events: [Event] = []
    var tags: [(profileID: Int64, tag: String)] = []
    var rfm: [RFM] = []
    var stages: [(profileID: Int64, stage: String)] = []
    var consents: [(profileID: Int64, purpose: String, granted: Int64)] = []
    var memberships: [(segmentID: String, profileID: Int64)] = []

    var roots: [Int64] { profiles.filter { $0.id == $0.canonicalID }.map(\.id) }

    // MARK: Writing

    /// Writes the rows; with `analyze`, also refreshes the planner's statistics of the tables it wrote.
    func insert(into store: Store, analyze: Bool = true) async throws {
        try await store.makeWorkspace(workspaceID)
        let ws = SQLValue.text(workspaceID)
        try await store.database.write { db in
            try await db.executeMany(
                """
                INSERT INTO profiles (id, workspace_id, canonical_id, merged_into, created_at, first_seen, last_seen)
                VALUES (?, ?, ?, ?, 0, 0, 0)
                """,
                profiles.map { profile in
                    let merged: SQLValue = profile.id == profile.canonicalID ? .null : .int(profile.canonicalID)
                    return [.int(profile.id), ws, .int(profile.canonicalID), merged]
                })
            try await db.executeMany(
                "INSERT INTO profile_traits (workspace_id, profile_id, key, value, ts) VALUES (?, ?, ?, ?, ?)",
                traits.map { [ws, .int($0.profileID), .text($0.key), .text($0.json), .int($0.ts)] })
            try await Store.insertAttachedEvents(
                db,
                """
                INSERT INTO events (workspace_id, message_id, type, event, ts, received_at, source, channel, profile_id,
                    payload)
                VALUES (?, ?, ?, ?, ?, ?, 'test', ?, ?, ?)
                """,
                events.enumerated().map { index, event in
                    [
                        .text(event.workspaceID), .text("\(workspaceID)-m\(index)"), .text(event.type),
                        SQLValue(event.name), .int(event.ts), .int(event.ts), .text(event.channel),
                        SQLValue(event.profileID), .text(event.payload),
                    ]
                })
            try await db.executeMany(
                """
                INSERT INTO profile_tags (workspace_id, profile_id, tag, source, tagged_at)
                VALUES (?, ?, ?, 'manual', 0)
                """,
                tags.map { [ws, .int($0.profileID), .text($0.tag)] })
            try await db.executeMany(
                """
                INSERT INTO rfm_scores (workspace_id, profile_id, r, f, m, layer, order_count, total_amount,
                    last_order_at, scored_at)
                VALUES (?, ?, ?, ?, ?, ?, 1, 1.0, 0, 0)
                """,
                rfm.map {
                    [
                        ws, .int($0.profileID), .int(Int64($0.scores.r)), .int(Int64($0.scores.f)),
                        .int(Int64($0.scores.m)), .text($0.layer),
                    ]
                })
            try await db.executeMany(
                """
                INSERT INTO profile_stages (workspace_id, profile_id, stage, since, rule, reason, evaluated_at,
                    first_seen, order_count)
                VALUES (?, ?, ?, 0, 'test', 'test', 0, 0, 0)
                """,
                stages.map { [ws, .int($0.profileID), .text($0.stage)] })
            try await db.executeMany(
                """
                INSERT INTO profile_consents (workspace_id, profile_id, purpose, granted, updated_at)
                VALUES (?, ?, ?, ?, 0)
                """,
                consents.map { [ws, .int($0.profileID), .text($0.purpose), .int($0.granted)] })
            try await db.executeMany(
                "INSERT INTO segment_members (workspace_id, segment_id, profile_id, since) VALUES (?, ?, ?, 0)",
                memberships.map { [ws, .text($0.segmentID), .int($0.profileID)] })
        }
        // Planner statistics, as a live database has them; without any, Postgres takes every table to hold a row
        // or two and plans nested loops that rerun each set per profile.
        guard analyze else { return }
        // This schema's tables only: on Postgres a bare ANALYZE visits every schema of the database, locking the
        // tables of other tests while they drop their schemas, which deadlocks.
        let tables = [
            "profiles", "profile_traits", "events", "event_facts", "profile_tags", "rfm_scores", "profile_stages",
            "profile_consents", "segment_members",
        ]
        let statement = store.database.dialect == .postgres ? "ANALYZE " + tables.joined(separator: ", ") : "ANALYZE"
        _ = try await store.database.write { db in try await db.execute(statement) }
    }

    // MARK: Expected facts

    /// What a rule should see for `root`, derived from the rows directly.
    func facts(root: Int64) -> ProfileFacts {
        let members = Set(profiles.filter { $0.canonicalID == root }.map(\.id))
        var facts = ProfileFacts()
        var latest: [[UInt8]: Trait] = [:]
        for trait in traits where members.contains(trait.profileID) {
            let key = Array(trait.key.utf8)
            if let current = latest[key], (current.ts, current.profileID) > (trait.ts, trait.profileID) { continue }
            latest[key] = trait
        }
        for trait in latest.values { facts.traits[trait.key] = (try? JSONParser.parseStored(trait.json)) ?? .null }
        for event in events where event.workspaceID == workspaceID {
            guard let member = event.profileID, members.contains(member) else { continue }
            if event.channel != Store.systemChannel { facts.channels.insert(event.channel) }
            guard event.type == "track", let name = event.name else { continue }
            let properties = (try? JSONParser.parseStored(event.payload))?["properties"]?.objectValue ?? [:]
            facts.events.append(
                EventFact(
                    name, timestamp: Instant(millisecondsSinceEpoch: event.ts), channel: event.channel,
                    properties: properties))
        }
        facts.tags = Set(tags.filter { $0.profileID == root }.map(\.tag))
        if let scores = rfm.first(where: { $0.profileID == root }) {
            facts.rfm = RFMFacts(
                recency: scores.scores.r, frequency: scores.scores.f, monetary: scores.scores.m, layer: scores.layer)
        }
        facts.stage = stages.first { $0.profileID == root }?.stage
        for consent in consents where consent.profileID == root {
            facts.consent[consent.purpose] = consent.granted != 0
        }
        return facts
    }

    /// Stored membership of `root`, by exact segment id bytes.
    func isMember(_ root: Int64, of segmentID: String) -> Bool {
        memberships.contains { $0.profileID == root && $0.segmentID.utf8.elementsEqual(segmentID.utf8) }
    }
}

// MARK: - Generation

/// The words worlds and rules are built from. Rules draw from a wider list than data (other cases, the other
/// Unicode normalisation form, names nobody has), so conditions both match and miss.
///
/// Within one profile, data never holds two different spellings of a name that Swift considers equal (`é` and
/// `e\u{301}`): `ProfileFacts` keeps traits, tags, channels and consent in Swift dictionaries and sets, which
/// cannot hold both, whereas the tables can. Values (strings inside JSON) may use either form freely.
enum SegmentVocabulary {
    static let traitKeys = [
        "city", "City", "会员等级", "age", "score", "big", "vip", "tags", "birthday", "signup", "note", "a.b",
        "quote\"d", "back\\slash", "é", "[0]",
    ]
    static let ruleOnlyKeys = ["e\u{301}", "CITY", "missing", "$.city", "line\nbreak"]
    static let propertyKeys = ["category", "amount", "sku", "tags", "paid_at", "flag", "a.b", "quote\"d", "ünï", "x"]
    static let eventNames = ["Order Completed", "Product Viewed", "order completed", "护肤 Viewed", "Sign Up"]
    static let ruleOnlyEventNames = ["Order Completed ", "Never Happened"]
    static let channels = ["wecom", "mini_program", "tmall", "WeCom", "offline_store", "pond"]
    static let tags = ["会员", "VIP", "vip", "护肤达人", "高价值", "tag with space", "é"]
    static let ruleOnlyTags = ["e\u{301}", "会员 ", "none"]
    static let layers = ["重要价值客户", "一般维持客户", "重要挽留客户", "Important"]
    static let stages = ["new", "active", "churned", "流失", "Active"]
    static let purposes = ["marketing", "sms", "wecom", "Marketing"]
    static let segments = ["vip-seg", "s2", "高价值"]

    static let strings = [
        "上海", "Shanghai", "shanghai", "", " 上海", "上海 ", "护肤", "会员-护肤-彩妆", "é", "e\u{301}", "12", "-1", "true",
        "false", "null", "[1]", "{\"a\":1}", "😀 emoji", "x\"y", "back\\slash", "tab\there", "Skincare", "skin",
    ]
    static let isoStrings = [
        "2026-02-27T10:00:00Z", "2026-02-27T10:00:00+08:00", "2026-02-27 18:00:00", "2026-02-27", "2026-02-27T10:00",
        "2026-02-27T10:00:00.123456Z", "2026-02-27T10:00:00.9Z", "2026-02-27T10:00:00,5Z", "2026-02-30",
        "2026-13-01", "2026-00-10", "garbage", "  2026-01-01T00:00:00Z  ", "2026-01-01T24:00:00Z",
        "2026-01-01T23:59:60Z", "2026-01-01T10:00:00+0530", "2026-01-01T10:00:00-05", "2026-01-01T10:00:00+08:",
        "2026-01-01T10:00:00+08:3", "2026-01-01T10:00:00+24:00", "2026-01-01t10:00:00z", "2026-01-01T10:00:00.Z",
        "2026-01-01T10:00:00Z ", "2026-01-01T10:00:00 Z", "2026-01-01  10:00", "2026-01-01T", "0000-02-29",
        "9999-12-31T23:59:59.999Z", "2024-02-29", "2023-02-29", "2026-1-01", "20260101",
        "2026-02-27T10:00:00.000+00:00",
        "2026-02-27T1:00", "2026-02-27T10:0", "2026-02-27T10:00:5", "2026-01-01T23:59:61Z", "2026-01-01T23:60Z",
        "2026-01-01T10:00+23:59", "2026-01-01T10:00-00:00", "2026-01-01T10:00:00.9999Z", "2026-01-01T10:00+0800",
        "2026-01-01T10:00:00.1234567890123456789Z", "2026-02-27T10:00:00+08:00:00", "2026-04-31",
        "2026-02-27T10:00:00Zz",
        "2026-01-01T10:00+0860", "2026-01-01T10:00+08:60", "2026-01-01T10:00:00.5-0530", "2026-01-01T10:00+2400",
    ]
}

/// Generates one world and its rules from a seed.
struct SegmentWorldGenerator {
    var random: SplitMix64
    let now: Instant
    let utcOffsetSeconds: Int
    let day: Int64 = 86_400_000

    /// Instants "now" can be: near month ends in leap and common years, near local midnight, at a year's end.
    static let nows: [String] = [
        "2026-02-27T17:30:00Z", "2028-02-28T23:59:59.999Z", "2027-12-30T16:00:00Z", "2028-02-29T00:00:00Z",
        "2026-03-01T03:00:00+08:00", "2025-12-31T23:00:00Z",
    ]
    static let offsets = [28_800, 0, -18_000, 20_700, 50_400, -43_200]

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        let nowText = Self.nows[Int(seed % UInt64(Self.nows.count))]
        now = ISO8601.parse(nowText)!
        utcOffsetSeconds = Self.offsets[Int((seed / 7) % UInt64(Self.offsets.count))]
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func pick<T>(_ list: [T]) -> T { list.randomElement(using: &random)! }

    // MARK: Values

    /// ISO 8601 text for an instant, spelled one of several accepted ways (UTC, an offset, none, a space).
    mutating func isoText(_ instant: Instant) -> String {
        let utc = ISO8601.format(instant)  // 2026-02-27T17:30:00.000Z
        switch int(0...4) {
        case 0: return utc
        case 1:
            // The same instant written at +08:00.
            let local = ISO8601.format(instant.adding(milliseconds: 8 * 3_600_000))
            return String(local.dropLast()) + "+08:00"
        case 2:
            // Local to the workspace, without an offset.
            let local = ISO8601.format(instant.adding(milliseconds: Int64(utcOffsetSeconds) * 1000))
            return String(local.dropLast().prefix(19))
        case 3:
            let local = ISO8601.format(instant.adding(milliseconds: Int64(utcOffsetSeconds) * 1000))
            return String(local.prefix(10)) + " " + String(local.dropFirst(11).prefix(8))
        default:
            return String(utc.prefix(10))
        }
    }

    /// A `YYYY-MM-DD` birthday near today (local), sometimes malformed or on 29 February.
    mutating func birthday() -> String {
        if chance(25) {
            return pick([
                "1992-02-29", "2000-02-29", "1990-02-28", "1990-03-01", "1990-02-30", "1990-13-01", "19900101",
                "1990-1-1", "1990-01-01T08:00:00+08:00", "abcd-01-01", "1990-12-31", "1991-01-01", "1990-06-15",
            ])
        }
        let local = now.adding(milliseconds: Int64(utcOffsetSeconds) * 1000).adding(days: int(-3...40))
        let date = ISO8601.format(local).prefix(10)
        return String(int(1950...2010)) + date.dropFirst(4)
    }

    /// A stored JSON text of any kind.
    mutating func json(forKey key: String) -> String {
        switch key {
        case "birthday": if chance(80) { return JSONWriter.string(.string(birthday())) }
        case "signup", "paid_at":
            if chance(60) {
                return JSONWriter.string(.string(isoText(now.adding(milliseconds: Int64(int(-400...2)) * day / 2))))
            }
            if chance(50) { return JSONWriter.string(.string(pick(SegmentVocabulary.isoStrings))) }
        case "age", "score", "amount", "big":
            if chance(80) { return number() }
        default: break
        }
        switch int(0...11) {
        case 0...2: return JSONWriter.string(.string(pick(SegmentVocabulary.strings)))
        case 3, 4: return number()
        case 5: return pick(["true", "false"])
        case 6: return "null"
        case 7: return array()
        case 8: return pick(["{\"a\":1}", "{}", "{\"city\":\"上海\"}"])
        case 9: return JSONWriter.string(.string(pick(SegmentVocabulary.isoStrings)))
        case 10: return JSONWriter.string(.string(birthday()))
        default: return pick(["\"\\u00e9\"", "\"\\u4e0a\\u6d77\"", "\"\\/x\"", " \"上海\" ", "\"e\\u0301\""])
        }
    }

    mutating func number() -> String {
        if chance(30) {
            return pick([
                "1.0", "1e2", "1E+2", "-0", "2.50", "12345678901234567890", "-9223372036854775809",
                "9.007199254740993e15", "9007199254740993.0", "1e-7", " 42 ", "0.1", "100", "1.7976931348623157e308",
            ])
        }
        let value: JSONValue = pick([
            .int(0), .int(1), .int(-1), .int(2), .int(3), .int(100), .int(9_007_199_254_740_993), .int(Int64.max),
            .int(Int64.min), .int(20_261_122_000_123), .double(2.5), .double(-0.5), .double(0.1), .double(1e20),
            .double(9_007_199_254_740_992.0), .double(1.5e300), .double(9_223_372_036_854_775_808.0), .double(99.99),
            .int(Int64(int(-5...120))), .double(Double(int(-400...400)) / 4),
        ])
        return JSONWriter.string(value)
    }

    mutating func array() -> String {
        pick([
            "[1,2]", "[\"上海\",\"北京\"]", "[1.5,\"x\",true]", "[]", "[[1]]", "[2.0,null]", "[\"2026-02-27\"]",
            "[9007199254740993]", "[\"e\\u0301\",\"VIP\"]", "[false]", "[\"\"]", "[{\"a\":1}]", "[100,\"12\"]",
        ])
    }

    /// An event payload as the tracking API stores it, with properties of every kind.
    mutating func payload(name: String?) -> String {
        var properties: [String: JSONValue] = [:]
        for key in SegmentVocabulary.propertyKeys where chance(40) {
            let text = json(forKey: key)
            properties[key] = (try? JSONParser.parse(text)) ?? .null
        }
        if chance(60) { properties["category"] = .string(pick(["护肤", "彩妆", "护肤 ", "Skincare", "skin"])) }
        if chance(50) { properties["amount"] = try! JSONParser.parse(number()) }
        var payload: [String: JSONValue] = [
            "type": "track", "messageId": "x", "context": ["library": ["name": "test"]],
            "properties": .object(properties),
        ]
        if let name { payload["event"] = .string(name) }
        switch int(0...19) {
        case 0: return "{\"properties\":\"not an object\"}"
        case 1: return "{\"properties\":[1,2]}"
        case 2: return "[1]"
        case 3: return "{\"context\":{\"note\":\"a\\u0000b\"},\"properties\":{\"category\":\"护肤\",\"amount\":300}}"
        case 4: return "{\"properties\":{\"category\":\"\\u62a4\\u80a4\",\"amount\":3e2,\"sku\":\"a\\\"b\"}}"
        default: return JSONWriter.string(.object(payload))
        }
    }

    // MARK: World

    mutating func world(workspaceID: String, firstID: Int64) -> SegmentWorld {
        var world = SegmentWorld(workspaceID: workspaceID, now: now, utcOffsetSeconds: utcOffsetSeconds)
        var nextID = firstID
        let rootCount = int(40...80)
        var members: [Int64] = []
        for _ in 0..<rootCount {
            let root = nextID
            nextID += 1
            world.profiles.append(.init(id: root, canonicalID: root))
            members.append(root)
            // Members with ids below and above the root's: ties on trait time go to the higher member id.
            if chance(25) {
                for _ in 0..<int(1...2) {
                    let member = chance(50) ? nextID + 5_000 : nextID
                    nextID += 1
                    world.profiles.append(.init(id: member, canonicalID: root))
                    members.append(member)
                }
            }
        }
        let roots = world.roots

        // Traits: conflicting timestamps across a cluster's members (often equal ones).
        for member in members {
            for key in SegmentVocabulary.traitKeys where chance(key == "birthday" || key == "city" ? 55 : 30) {
                world.traits.append(
                    .init(profileID: member, key: key, json: json(forKey: key), ts: Int64(int(0...3)) * 1000))
            }
        }

        // Events: windows' edges (exactly now − N days, now), the future, and other types and workspaces.
        let edges: [Int64] = [0, -1, -7, -30, -90, -365].map { Int64($0) * day }
        for member in members {
            for _ in 0..<int(0...7) {
                let name: String? = chance(95) ? pick(SegmentVocabulary.eventNames) : nil
                let offset: Int64 =
                    chance(25)
                    ? pick(edges) + pick([0, 0, -1, 1])
                    : chance(5) ? Int64(int(1...48)) * 3_600_000 : -Int64(int(0...800)) * day / 2
                let type = chance(85) ? "track" : pick(["identify", "page"])
                world.events.append(
                    .init(
                        workspaceID: workspaceID, type: type, name: name, ts: now.millisecondsSinceEpoch + offset,
                        channel: pick(SegmentVocabulary.channels), profileID: member, payload: payload(name: name)))
            }
        }
        for _ in 0..<6 {
            // Pending events, and events of another workspace pointing at this one's profiles.
            let name = pick(SegmentVocabulary.eventNames)
            world.events.append(
                .init(
                    workspaceID: workspaceID, type: "track", name: name, ts: now.millisecondsSinceEpoch - day,
                    channel: "tmall", profileID: nil, payload: payload(name: name)))
            world.events.append(
                .init(
                    workspaceID: workspaceID + "-other", type: "track", name: name,
                    ts: now.millisecondsSinceEpoch - day, channel: "wecom", profileID: pick(members),
                    payload: payload(name: name)))
        }

        // Rows keyed by profile: for roots, plus a few stale ones keyed by members (which rules must not see).
        let nonRoots = members.filter { !roots.contains($0) }
        for root in roots + nonRoots.filter({ _ in chance(30) }) {
            var tags: [String] = []
            for tag in SegmentVocabulary.tags where chance(25) { tags.append(tag) }
            for tag in tags { world.tags.append((root, tag)) }
            if chance(65) {
                world.rfm.append(
                    .init(
                        profileID: root, scores: (int(1...5), int(1...5), int(1...5)),
                        layer: pick(SegmentVocabulary.layers)))
            }
            if chance(70) { world.stages.append((root, pick(SegmentVocabulary.stages))) }
            for purpose in SegmentVocabulary.purposes where chance(40) {
                world.consents.append((root, purpose, pick([0, 1, 1, 2])))
            }
            for segment in SegmentVocabulary.segments where chance(35) { world.memberships.append((segment, root)) }
        }
        return world
    }

    // MARK: Rules

    mutating func rule(depth: Int = 1) -> SegmentRule {
        guard depth < 5, chance(depth == 1 ? 60 : 30) else { return .condition(condition()) }
        switch int(0...5) {
        case 0: return .not(rule(depth: depth + 1))
        case 1, 2: return .all((0..<int(1...3)).map { _ in rule(depth: depth + 1) })
        default: return .any((0..<int(1...3)).map { _ in rule(depth: depth + 1) })
        }
    }

    mutating func condition() -> SegmentCondition {
        switch int(0...19) {
        case 0...6:
            let key = chance(90) ? pick(SegmentVocabulary.traitKeys) : pick(SegmentVocabulary.ruleOnlyKeys)
            return .trait(key: key, predicate(forKey: key))
        case 7: return .hasTag(chance(85) ? pick(SegmentVocabulary.tags) : pick(SegmentVocabulary.ruleOnlyTags))
        case 8: return .lacksTag(chance(85) ? pick(SegmentVocabulary.tags) : pick(SegmentVocabulary.ruleOnlyTags))
        case 9, 10, 11:
            return .performed(
                .init(
                    event: eventName(), pick(SegmentCondition.CountBound.allCases), pick([0, 1, 1, 2, 2, 3, 4, 6]),
                    withinDays: pick([nil, nil, 1, 7, 30, 90, 365, 3650]), filters: filters()))
        case 12, 13:
            return .eventTime(
                .init(
                    pick(SegmentCondition.Occurrence.allCases), event: eventName(),
                    pick(SegmentCondition.Relation.allCases), days: pick([1, 7, 30, 90, 365]), filters: filters()))
        case 14: return .rfmLayer(nameMatch(SegmentVocabulary.layers + ["重要价值客户 "]))
        case 15:
            return .rfmScore(
                pick(SegmentCondition.RFMDimension.allCases), pick(SegmentCondition.Comparator.allCases), int(1...5))
        case 16: return .stage(nameMatch(SegmentVocabulary.stages + ["ACTIVE"]))
        case 17: return .channelPresent(pick(SegmentVocabulary.channels + ["sms"]))
        case 18: return .inSegment(pick(SegmentVocabulary.segments + ["nope"]))
        default:
            return .consent(
                purpose: pick(SegmentVocabulary.purposes + ["email"]), pick(SegmentCondition.ConsentState.allCases))
        }
    }

    mutating func eventName() -> String {
        chance(90) ? pick(SegmentVocabulary.eventNames) : pick(SegmentVocabulary.ruleOnlyEventNames)
    }

    mutating func nameMatch(_ names: [String]) -> SegmentCondition.NameMatch {
        chance(60) ? .equals(pick(names)) : .oneOf((0..<int(1...3)).map { _ in pick(names) })
    }

    mutating func filters() -> [SegmentCondition.PropertyFilter] {
        guard chance(45) else { return [] }
        return (0..<int(1...2)).map { _ in
            let key = chance(90) ? pick(SegmentVocabulary.propertyKeys) : pick(["Category", "missing", "back\\slash"])
            return .init(key, predicate(forKey: key))
        }
    }

    /// A predicate whose operand fits the key often enough to match sometimes.
    mutating func predicate(forKey key: String) -> SegmentPredicate {
        let operand = value(forKey: key)
        switch int(0...15) {
        case 0, 1: return .equals(operand)
        case 2: return .notEquals(operand)
        case 3: return .lessThan(ordered(forKey: key))
        case 4: return .lessThanOrEqual(ordered(forKey: key))
        case 5: return .greaterThan(ordered(forKey: key))
        case 6: return .greaterThanOrEqual(ordered(forKey: key))
        case 7:
            if chance(40) {
                let a = date(), b = date()
                return .between(.date(min(a, b)), .date(max(a, b)))
            }
            let a = numberOperand(), b = numberOperand()
            return .between(a, b)  // sometimes inverted (never matches), as a stored unvalidated rule could be
        case 8: return .oneOf((0..<int(1...4)).map { _ in value(forKey: key) })
        case 9:
            var operand = value(forKey: key)
            while operand.isDate { operand = value(forKey: key) }
            return .contains(operand)
        case 10: return .startsWith(pick(["", "上", "Sh", "护", "2026-02", "e", "\"", "1"]))
        case 11: return .exists
        case 12: return .notExists
        case 13: return .withinLast(days: pick([1, 2, 7, 30, 90, 365, 3650]))
        default: return .birthdayWithin(days: pick([0, 1, 2, 7, 14, 30, 365]))
        }
    }

    mutating func value(forKey key: String) -> SegmentValue {
        switch int(0...9) {
        case 0...3:
            if ["category"].contains(key) { return .string(pick(["护肤", "彩妆", "Skincare", "护肤 "])) }
            return .string(pick(SegmentVocabulary.strings + ["北京", "x", "VIP", "2026-02-27"]))
        case 4, 5: return numberOperand()
        case 6: return .bool(chance(50))
        default: return .date(date())
        }
    }

    mutating func ordered(forKey key: String) -> SegmentValue {
        chance(55) ? numberOperand() : .date(date())
    }

    mutating func numberOperand() -> SegmentValue {
        pick([
            .int(0), .int(1), .int(2), .int(3), .int(100), .int(-1), .int(9_007_199_254_740_992),
            .int(9_007_199_254_740_993), .int(Int64.max), .int(Int64.min), .int(20_261_122_000_123),
            .double(2.5), .double(2.0), .double(-0.0), .double(0.1), .double(1e20), .double(99.99),
            .double(9_007_199_254_740_992.0), .double(9_223_372_036_854_775_808.0),
            .double(-9_223_372_036_854_775_808.0),
            .double(1.5e300), .double(1e-7), .int(Int64(int(-5...120))), .double(Double(int(-400...400)) / 4),
            .int(12_345_678_901_234_567),
        ])
    }

    /// Dates near now and the instants the world's ISO strings denote.
    mutating func date() -> Instant {
        if chance(40),
            let parsed = ISO8601.parse(pick(SegmentVocabulary.isoStrings), defaultOffsetSeconds: utcOffsetSeconds)
        {
            return parsed.adding(milliseconds: pick([0, 0, 1, -1]))
        }
        return now.adding(milliseconds: Int64(int(-800...4)) * day / 2)
    }
}
