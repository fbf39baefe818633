import Foundation
import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// Hand-picked cases where SQL most easily goes wrong, each stated with its answer. Every one runs on every backend
/// and checks both the compiled SQL and the evaluator on `Store.profileFacts` against the stated roots.
@Suite("SegmentSQL examples")
struct SegmentSQLExampleTests {
    static let now = ISO8601.parse("2027-02-28T10:00:00Z")!
    static let day: Int64 = 86_400_000

    /// A world of single-profile clusters `1…n`, with trait `v` set to each JSON text in turn.
    static func values(_ texts: [String]) -> SegmentWorld {
        var world = SegmentWorld(workspaceID: "examples", now: now, utcOffsetSeconds: 28_800)
        for (index, text) in texts.enumerated() {
            let id = Int64(index + 1)
            world.profiles.append(.init(id: id, canonicalID: id))
            world.traits.append(.init(profileID: id, key: "v", json: text, ts: 0))
        }
        return world
    }

    static func expect(
        _ text: String, matches expected: [Int64], in world: SegmentWorld, store: Store, among: [Int64]? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let rule = try SegmentRule(text: text)
        let fromSQL = try await store.segmentMembers(
            rule, workspaceID: world.workspaceID, now: world.now, utcOffsetSeconds: world.utcOffsetSeconds,
            among: among)
        #expect(fromSQL == expected, "SQL: \(text)", sourceLocation: sourceLocation)
        let evaluator = SegmentEvaluator(utcOffsetSeconds: world.utcOffsetSeconds)
        var fromEvaluator: [Int64] = []
        for root in world.roots.sorted() where among?.contains(root) ?? true {
            let facts = try #require(try await store.profileFacts(workspaceID: world.workspaceID, profileID: root))
            if evaluator.matches(rule, facts: facts, now: world.now, membership: { world.isMember(root, of: $0) }) {
                fromEvaluator.append(root)
            }
        }
        #expect(fromEvaluator == expected, "evaluator: \(text)", sourceLocation: sourceLocation)
    }

    @Test("kinds never mix: true is not 1, \"1\" is not 1", arguments: TestBackend.available)
    func kinds(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let world = Self.values(["true", "1", "\"true\"", "\"1\"", "1.0", "[1]", "null"])
            try await world.insert(into: store)
            try await Self.expect("v = true", matches: [1], in: world, store: store)
            try await Self.expect("v = 1", matches: [2, 5], in: world, store: store)
            try await Self.expect("v = \"true\"", matches: [3], in: world, store: store)
            try await Self.expect("v = \"1\"", matches: [4], in: world, store: store)
            try await Self.expect("v != true", matches: [2, 3, 4, 5, 6], in: world, store: store)
            try await Self.expect("v contains 1", matches: [6], in: world, store: store)
            try await Self.expect("v contains \"1\"", matches: [4], in: world, store: store)
            try await Self.expect("v exists", matches: [1, 2, 3, 4, 5, 6], in: world, store: store)
            try await Self.expect("v not exists", matches: [7], in: world, store: store)
            try await Self.expect("not v = true", matches: [2, 3, 4, 5, 6, 7], in: world, store: store)
        }
    }

    @Test("numbers compare exactly beyond 2^53 and at the ends of Int64", arguments: TestBackend.available)
    func largeNumbers(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            // 2^53 + 1 as an integer; as doubles it rounds to 2^53.
            let world = Self.values([
                "9007199254740993", "9.007199254740993e+15", "9007199254740993.0", "9223372036854775807",
                "9223372036854775808", "-9223372036854775808",
            ])
            try await world.insert(into: store)
            try await Self.expect("v = 9007199254740993", matches: [1], in: world, store: store)
            try await Self.expect("v = 9007199254740992", matches: [2, 3], in: world, store: store)
            try await Self.expect("v < 9007199254740993", matches: [2, 3, 6], in: world, store: store)
            try await Self.expect("v > 9223372036854775806", matches: [4, 5], in: world, store: store)
            try await Self.expect("v >= 9.223372036854775808e18", matches: [5], in: world, store: store)
            try await Self.expect("v = 9223372036854775807", matches: [4], in: world, store: store)
            try await Self.expect("v <= -9223372036854775808", matches: [6], in: world, store: store)
        }
    }

    @Test("strings compare by bytes: case, Unicode form and look-alike kinds matter", arguments: TestBackend.available)
    func strings(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let world = Self.values([
                "\"Shanghai\"", "\"shanghai\"", "\"\\u00e9\"", "\"e\\u0301\"", "\"会员-护肤-彩妆\"", "\"\"", "12",
            ])
            try await world.insert(into: store)
            try await Self.expect("v = \"Shanghai\"", matches: [1], in: world, store: store)
            try await Self.expect("v = \"\u{E9}\"", matches: [3], in: world, store: store)
            try await Self.expect("v = \"e\u{301}\"", matches: [4], in: world, store: store)
            try await Self.expect("v contains \"护肤\"", matches: [5], in: world, store: store)
            try await Self.expect("v contains \"\"", matches: [1, 2, 3, 4, 5, 6], in: world, store: store)
            try await Self.expect("v starts with \"会员\"", matches: [5], in: world, store: store)
            try await Self.expect("v starts with \"shang\"", matches: [2], in: world, store: store)
            try await Self.expect("v = \"12\"", matches: [], in: world, store: store)
            try await Self.expect("v contains \"1\"", matches: [], in: world, store: store)
        }
    }

    @Test(
        "dates read like ISO8601.parse, offset-less ones at the workspace's offset", arguments: TestBackend.available)
    func dates(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let world = Self.values([
                "\"2026-01-01T00:00:00Z\"", "\"2026-01-01T08:00:00+08:00\"", "\"2026-01-01 08:00:00\"",
                "\"2026-01-01T08:00\"", "\"2026-01-01T00:00:00.999999Z\"", "\"2026-02-30\"", "\"2026-01-01T24:00:00Z\"",
                "\"garbage\"", "\"  2026-01-01T00:00:00z  \"", "\"2025-12-31T23:59:60Z\"",
            ])
            try await world.insert(into: store)
            // The workspace is at +08:00, so `2026-01-01 08:00:00` is 2026-01-01T00:00:00Z.
            try await Self.expect("v = 2026-01-01T00:00:00Z", matches: [1, 2, 3, 4, 9, 10], in: world, store: store)
            try await Self.expect(
                "v between 2026-01-01T00:00:00Z and 2026-01-01T00:00:00.999Z", matches: [1, 2, 3, 4, 5, 9, 10],
                in: world, store: store)
            try await Self.expect("v after 2026-01-01T00:00:00Z", matches: [5], in: world, store: store)
        }
    }

    @Test("a 29 February birthday is celebrated on 28 February in common years", arguments: TestBackend.available)
    func leapDayBirthday(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            // Now is 2027-02-27 18:00 at +08:00: today is 27 February of a common year.
            var world = Self.values([
                "\"1992-02-29\"", "\"1990-02-28\"", "\"1990-03-01\"", "\"1990-02-30\"", "\"1990-02-27\"",
            ])
            world.now = ISO8601.parse("2027-02-27T10:00:00Z")!
            try await world.insert(into: store)
            try await Self.expect("v birthday in next 1d", matches: [1, 2, 5], in: world, store: store)
            try await Self.expect("v birthday in next 2d", matches: [1, 2, 3, 5], in: world, store: store)
        }
    }

    @Test("a cluster's latest trait wins, ties go to the higher member id, and null hides older values",
          arguments: TestBackend.available)
    func clusterTraits(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var world = SegmentWorld(workspaceID: "examples", now: Self.now, utcOffsetSeconds: 0)
            world.profiles = [
                .init(id: 10, canonicalID: 10), .init(id: 11, canonicalID: 10), .init(id: 9, canonicalID: 10),
                .init(id: 20, canonicalID: 20), .init(id: 21, canonicalID: 20),
            ]
            world.traits = [
                // Cluster 10: member 11 wrote last; members 9 and 10 tie on time, and 10 > 9.
                .init(profileID: 10, key: "city", json: "\"北京\"", ts: 5),
                .init(profileID: 11, key: "city", json: "\"上海\"", ts: 7),
                .init(profileID: 9, key: "tier", json: "\"gold\"", ts: 3),
                .init(profileID: 10, key: "tier", json: "\"silver\"", ts: 3),
                // Cluster 20: the latest write is a null.
                .init(profileID: 20, key: "city", json: "\"上海\"", ts: 1),
                .init(profileID: 21, key: "city", json: "null", ts: 2),
            ]
            try await world.insert(into: store)
            try await Self.expect("city = \"上海\"", matches: [10], in: world, store: store)
            try await Self.expect("city = \"北京\"", matches: [], in: world, store: store)
            try await Self.expect("tier = \"silver\"", matches: [10], in: world, store: store)
            try await Self.expect("city not exists", matches: [20], in: world, store: store)
        }
    }

    @Test("events of every member count; pending events, other workspaces and other types do not",
          arguments: TestBackend.available)
    func clusterEvents(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var world = SegmentWorld(workspaceID: "examples", now: Self.now, utcOffsetSeconds: 0)
            world.profiles = [.init(id: 1, canonicalID: 1), .init(id: 2, canonicalID: 1), .init(id: 3, canonicalID: 3)]
            func event(_ member: Int64?, _ daysAgo: Int64, type: String = "track", channel: String = "wecom",
                       workspace: String = "examples", properties: String = "{}") -> SegmentWorld.Event {
                .init(
                    workspaceID: workspace, type: type, name: "Order Completed",
                    ts: Self.now.millisecondsSinceEpoch - daysAgo * Self.day, channel: channel, profileID: member,
                    payload: "{\"properties\":" + properties + "}")
            }
            world.events = [
                event(1, 1, properties: "{\"category\":\"护肤\"}"), event(2, 2, properties: "{\"category\":\"护肤\"}"),
                event(2, 90, properties: "{\"category\":\"彩妆\"}"),
                event(nil, 1), event(3, 1, workspace: "elsewhere"), event(3, 1, type: "page", channel: "tmall"),
                event(3, 2, channel: "pond"),
            ]
            try await world.insert(into: store)
            try await Self.expect(
                "performed \"Order Completed\" >= 2 times in 90d where category = \"护肤\"", matches: [1], in: world,
                store: store)
            try await Self.expect(
                "performed \"Order Completed\" = 3 times in 90d", matches: [1], in: world, store: store)
            try await Self.expect(
                "performed \"Order Completed\" = 3 times in 89d", matches: [], in: world, store: store)
            try await Self.expect("performed \"Order Completed\" at most 0 times", matches: [], in: world, store: store)
            try await Self.expect("performed \"Order Completed\" exactly 1 time", matches: [3], in: world, store: store)
            try await Self.expect("performed \"Refund\" exactly 0 times", matches: [1, 3], in: world, store: store)
            try await Self.expect("first \"Order Completed\" within 90d", matches: [1, 3], in: world, store: store)
            try await Self.expect("last \"Order Completed\" before 1d ago", matches: [3], in: world, store: store)
            try await Self.expect("channel present \"tmall\"", matches: [3], in: world, store: store)
            try await Self.expect("channel present \"pond\"", matches: [], in: world, store: store)
        }
    }

    @Test("property keys a SQLite JSON path cannot spell are looked up exactly", arguments: TestBackend.available)
    func awkwardKeys(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var world = SegmentWorld(workspaceID: "examples", now: Self.now, utcOffsetSeconds: 0)
            world.profiles = [.init(id: 1, canonicalID: 1), .init(id: 2, canonicalID: 2)]
            world.events = [
                .init(
                    workspaceID: "examples", type: "track", name: "E", ts: Self.now.millisecondsSinceEpoch,
                    channel: "web", profileID: 1,
                    payload: #"{"properties":{"quote\"d":"a","back\\slash":"b","a.b":"c","line\nbreak":"d","[0]":"e"}}"#
                ),
                .init(
                    workspaceID: "examples", type: "track", name: "E", ts: Self.now.millisecondsSinceEpoch,
                    channel: "web", profileID: 2, payload: #"{"properties":{"quote":"a","a":{"b":"c"},"0":"e"}}"#),
            ]
            try await world.insert(into: store)
            try await Self.expect(#"performed "E" where "quote\"d" = "a""#, matches: [1], in: world, store: store)
            try await Self.expect(#"performed "E" where "back\\slash" = "b""#, matches: [1], in: world, store: store)
            try await Self.expect(#"performed "E" where a.b = "c""#, matches: [1], in: world, store: store)
            try await Self.expect(#"performed "E" where "line\nbreak" = "d""#, matches: [1], in: world, store: store)
            try await Self.expect(#"performed "E" where "[0]" = "e""#, matches: [1], in: world, store: store)
        }
    }

    @Test("a stored \\u0000 escape does not break a query", arguments: TestBackend.available)
    func nulEscape(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let world = Self.values([#"{"a\u0000":1}"#, #""x\u0000y""#, #""\\u0000""#])
            try await world.insert(into: store)
            try await Self.expect("v exists", matches: [1, 2, 3], in: world, store: store)
            try await Self.expect(#"v = "\u{5C}u0000""#, matches: [3], in: world, store: store)
            try await Self.expect(#"v starts with "x""#, matches: [2], in: world, store: store)
        }
    }

    @Test("`among` restricts the answer to the given roots", arguments: TestBackend.available)
    func among(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var world = Self.values(["1", "2", "3", "4"])
            world.profiles.append(.init(id: 5, canonicalID: 1))
            world.traits.append(.init(profileID: 5, key: "v", json: "1", ts: -1))
            try await world.insert(into: store)
            try await Self.expect("v > 1", matches: [3, 4], in: world, store: store, among: [3, 4, 5, 42])
            try await Self.expect("not v = 3", matches: [1, 4], in: world, store: store, among: [1, 3, 4, 5])
            let many = Array(Int64(1)...200)
            try await Self.expect("v exists", matches: [1, 2, 3, 4], in: world, store: store, among: many)
            let none = try await store.segmentMembers(
                .condition(.trait(key: "v", .exists)), workspaceID: "examples", now: Self.now, utcOffsetSeconds: 0,
                among: [])
            #expect(none.isEmpty)
        }
    }
}
