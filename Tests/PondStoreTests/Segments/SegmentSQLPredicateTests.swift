import Foundation
import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// Every predicate against every kind of stored value, exhaustively: one profile per value (as a trait and as an
/// event property), one query per predicate, compared with the evaluator. Random rules (`SegmentSQLAgreementTests`)
/// cover how conditions combine; this covers the value semantics at their edges — numbers around 2^53 and 2^63,
/// ISO 8601 spellings accepted and refused, strings that look like other kinds, birthdays around 29 February.
@Suite("SegmentSQL predicates")
struct SegmentSQLPredicateTests {
    static let now = ISO8601.parse("2028-02-28T17:00:00Z")!
    static let offset = 28_800

    /// Stored JSON, spelled as `JSONWriter` would and as it would not.
    static let values: [String] = {
        let numbers = [
            "0", "-0", "1", "-1", "2", "2.0", "2.5", "2.50", "-2.5", "3", "100", "1e2", "1E+2", "99.99", "0.1",
            "0.30000000000000004", "1e20", "1e+20", "9007199254740992", "9007199254740993", "9.007199254740992e+15",
            "9007199254740993.0", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "-9223372036854775809", "9.223372036854775807e18", "1.5e+300", "1e-07", "5e-324",
            "1.7976931348623157e+308", "20261122000123", "12345678901234567", "12345678901234567.0", " 42 ",
        ]
        let strings = (SegmentVocabulary.strings + SegmentVocabulary.isoStrings + birthdays).map {
            JSONWriter.string(.string($0))
        }
        let spelled = [
            "\"\\u00e9\"", "\"e\\u0301\"", "\"\\/x\"", "\"\\u4e0a\\u6d77\"", "\"2026-02-27T10:00:00\\u005a\"",
        ]
        let others = [
            "true", "false", "null", "[1,2]", "[\"上海\",\"北京\"]", "[1.5,\"x\",true]", "[]", "[[1]]", "[2.0,null]",
            "[\"2026-02-27\"]", "[9007199254740993]", "[\"e\\u0301\",\"VIP\"]", "[false]", "[\"\"]", "[{\"a\":1}]",
            "[100,\"12\"]", "{\"a\":1}", "{}", "[1e2]",
        ]
        return numbers + strings + spelled + others
    }()

    static let birthdays = [
        "1990-02-28", "1992-02-29", "2000-02-29", "1990-03-01", "1990-03-02", "1990-02-27", "1990-02-30",
        "1990-13-01", "19900229", "1990-1-1", "1990-02-29T08:00:00+08:00", "1990-12-31", "1991-01-01", "1991-01-02",
        "1990-01-01", "abcd-02-29", "1990-04-31", "1990-06-15",
    ]

    static let numberOperands: [SegmentValue] = [
        .int(0), .int(1), .int(-1), .int(2), .int(3), .int(42), .int(100), .int(9_007_199_254_740_992),
        .int(9_007_199_254_740_993), .int(9_007_199_254_740_994), .int(.max), .int(.min), .int(.max - 1),
        .int(20_261_122_000_123), .int(12_345_678_901_234_567), .int(12_345_678_901_234_568),
        .double(0), .double(-0.0), .double(2), .double(2.5), .double(-2.5), .double(0.1), .double(0.30000000000000004),
        .double(99.99), .double(100), .double(1e20), .double(9_007_199_254_740_992), .double(9_223_372_036_854_775_808),
        .double(-9_223_372_036_854_775_808), .double(9_223_372_036_854_774_784), .double(1.5e300), .double(1e-7),
        .double(.leastNonzeroMagnitude), .double(1.7976931348623157e308), .double(12_345_678_901_234_568), .double(41.5),
    ]

    static let stringOperands = SegmentVocabulary.strings + [
        "上", "Sh", "2026-02", "{\"a\"", "[1", "北京", "x", "e", "护", "\\", "\"", "2026-02-27", "é",
    ]

    static var dateOperands: [Instant] {
        let parsed = ["2026-02-27T10:00:00Z", "2026-02-27T02:00:00Z", "2026-02-27", "2026-01-01T10:00:00Z",
                      "2026-01-01T16:00:00Z", "2026-01-02T00:00:00Z", "2026-01-01T04:30:00Z", "0000-02-29",
                      "9999-12-31T23:59:59.999Z", "2024-02-29", "2026-02-27T10:00:00.123Z", "2026-02-27T10:00:00.5Z",
                      "2026-01-01T10:01:00Z", "2026-01-01T15:00:00Z"]
            .map { ISO8601.parse($0, defaultOffsetSeconds: offset)! }
        return parsed + parsed.prefix(6).flatMap { [$0.adding(milliseconds: 1), $0.adding(milliseconds: -1)] }
    }

    static var predicates: [SegmentPredicate] {
        var all: [SegmentPredicate] = [.exists, .notExists]
        func ordered(_ operand: SegmentValue) -> [SegmentPredicate] {
            [.equals(operand), .notEquals(operand), .lessThan(operand), .lessThanOrEqual(operand),
             .greaterThan(operand), .greaterThanOrEqual(operand)]
        }
        for operand in numberOperands {
            all += ordered(operand)
            all.append(.contains(operand))
        }
        for date in dateOperands { all += ordered(.date(date)) }
        for string in stringOperands {
            all += [
                .equals(.string(string)), .notEquals(.string(string)), .contains(.string(string)), .startsWith(string),
            ]
        }
        all += [.equals(true), .equals(false), .notEquals(true), .contains(true), .contains(false)]
        all += [
            .oneOf(["上海", "Shanghai", 2, true]), .oneOf([.int(9_007_199_254_740_993), "12"]),
            .oneOf(["[1]", "{\"a\":1}"]), .oneOf([.date(dateOperands[0]), 100]),
            .between(2, 100), .between(.double(2.5), .int(9_007_199_254_740_993)), .between(.int(.min), .int(.max)),
            .between(.date(dateOperands[4]), .date(dateOperands[0])),
        ]
        for days in [1, 2, 7, 30, 365, 800, 3650] { all.append(.withinLast(days: days)) }
        return all
    }

    @Test("every predicate agrees on every kind of value", arguments: TestBackend.available)
    func everyPredicate(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let world = Self.world()
            try await world.insert(into: store)
            let facts = Dictionary(uniqueKeysWithValues: world.roots.map { ($0, world.facts(root: $0)) })
            for (number, predicate) in Self.predicates.enumerated() {
                var rules: [SegmentRule] = [
                    .condition(.trait(key: "v", predicate)),
                    .condition(.performed(.init(event: "E", filters: [.init("v", predicate)]))),
                ]
                // A key SQLite cannot spell in a JSON path, for every fourth predicate.
                if number % 4 == 0 {
                    rules.append(.condition(.performed(.init(event: "E", filters: [.init("q\"k", predicate)]))))
                }
                for rule in rules {
                    try await Self.expectAgreement(rule, world, facts, store, now: Self.now, offset: Self.offset)
                }
            }
        }
    }

    @Test("birthdays agree at every local day around 29 February and the year's end", arguments: TestBackend.available)
    func birthdays(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let world = Self.world()
            try await world.insert(into: store)
            let facts = Dictionary(uniqueKeysWithValues: world.roots.map { ($0, world.facts(root: $0)) })
            let nows = [
                "2027-02-27T16:00:00Z", "2027-02-28T15:59:59.999Z", "2027-02-28T16:00:00Z", "2028-02-28T15:59:59Z",
                "2028-02-28T16:00:00Z", "2028-02-29T16:00:00Z", "2027-12-30T16:00:00Z", "2027-12-31T16:00:00Z",
                "2027-12-31T04:59:59Z", "2100-02-28T12:00:00Z", "1969-12-31T23:00:00Z",
            ].map { ISO8601.parse($0)! }
            for now in nows {
                for offset in [28_800, 0, -18_000] {
                    for days in [0, 1, 2, 3, 10, 365] {
                        try await Self.expectAgreement(
                            .condition(.trait(key: "v", .birthdayWithin(days: days))), world, facts, store, now: now,
                            offset: offset)
                    }
                }
            }
        }
    }

    /// One root per value: trait `v`, and one event `E` whose properties `v` and `q"k` hold the value; plus a root
    /// with neither.
    static func world() -> SegmentWorld {
        var world = SegmentWorld(workspaceID: "values", now: now, utcOffsetSeconds: offset)
        for (index, json) in values.enumerated() {
            let id = Int64(1000 + index)
            world.profiles.append(.init(id: id, canonicalID: id))
            world.traits.append(.init(profileID: id, key: "v", json: json, ts: 0))
            world.events.append(
                .init(
                    workspaceID: world.workspaceID, type: "track", name: "E", ts: now.millisecondsSinceEpoch,
                    channel: "web", profileID: id,
                    payload: "{\"properties\":{\"v\":" + json + ",\"q\\\"k\":" + json + "}}"))
        }
        world.profiles.append(.init(id: 999, canonicalID: 999))
        world.events.append(
            .init(
                workspaceID: world.workspaceID, type: "track", name: "E", ts: now.millisecondsSinceEpoch,
                channel: "web", profileID: 999, payload: "{\"properties\":{}}"))
        return world
    }

    static func expectAgreement(
        _ rule: SegmentRule, _ world: SegmentWorld, _ facts: [Int64: ProfileFacts], _ store: Store, now: Instant,
        offset: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let evaluator = SegmentEvaluator(utcOffsetSeconds: offset)
        let expected = world.roots.sorted().filter { evaluator.matches(rule, facts: facts[$0]!, now: now) }
        let actual = try await store.segmentMembers(
            rule, workspaceID: world.workspaceID, now: now, utcOffsetSeconds: offset)
        guard actual != expected else { return }
        func values(_ ids: Set<Int64>) -> [String] {
            ids.sorted().map { $0 == 999 ? "(none)" : Self.values[Int($0 - 1000)] }
        }
        Issue.record(
            """
            \(rule.text) at \(now), offset \(offset)
              only SQL: \(values(Set(actual).subtracting(expected)))
              only evaluator: \(values(Set(expected).subtracting(actual)))
            """, sourceLocation: sourceLocation)
    }
}
