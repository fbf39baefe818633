import PondCore

/// Shorthands so a rule in a test reads like the rule it describes.
extension SegmentRule {
    static func trait(_ key: String, _ predicate: SegmentPredicate) -> SegmentRule {
        .condition(.trait(key: key, predicate))
    }
    static func hasTag(_ tag: String) -> SegmentRule { .condition(.hasTag(tag)) }
    static func lacksTag(_ tag: String) -> SegmentRule { .condition(.lacksTag(tag)) }
    static func performed(
        _ event: String, _ bound: SegmentCondition.CountBound = .atLeast, _ count: Int = 1, inDays days: Int? = nil,
        where filters: [SegmentCondition.PropertyFilter] = []
    ) -> SegmentRule {
        .condition(.performed(.init(event: event, bound, count, withinDays: days, filters: filters)))
    }
    static func eventTime(
        _ occurrence: SegmentCondition.Occurrence, _ event: String, _ relation: SegmentCondition.Relation,
        days: Int, where filters: [SegmentCondition.PropertyFilter] = []
    ) -> SegmentRule {
        .condition(.eventTime(.init(occurrence, event: event, relation, days: days, filters: filters)))
    }
    static func stage(_ stage: String) -> SegmentRule { .condition(.stage(.equals(stage))) }
    static func inSegment(_ id: String) -> SegmentRule { .condition(.inSegment(id)) }
    static func channel(_ channel: String) -> SegmentRule { .condition(.channelPresent(channel)) }
    static func consent(_ purpose: String, _ state: SegmentCondition.ConsentState) -> SegmentRule {
        .condition(.consent(purpose: purpose, state))
    }
}

extension SegmentCondition.PropertyFilter {
    static func property(_ key: String, _ predicate: SegmentPredicate) -> Self { Self(key, predicate) }
}

enum SegmentFixture {
    /// 2026-11-22T12:00:00.000Z, a Sunday.
    static let now = at("2026-11-22T12:00:00Z")
    static let day: Int64 = 86_400_000

    static func at(_ text: String) -> Instant { ISO8601.parse(text)! }

    static func daysAgo(_ days: Int64, plusMilliseconds extra: Int64 = 0) -> Instant {
        now.adding(milliseconds: -days * day + extra)
    }

    static func order(_ daysAgo: Int64, _ properties: [String: JSONValue] = [:]) -> EventFact {
        EventFact("Order Completed", timestamp: Self.daysAgo(daysAgo), channel: "mini_program", properties: properties)
    }

    static func matches(
        _ rule: SegmentRule, _ facts: ProfileFacts, now: Instant = now, offset: Int = 0,
        membership: (String) -> Bool = { _ in false }
    ) -> Bool {
        SegmentEvaluator(utcOffsetSeconds: offset).matches(rule, facts: facts, now: now, membership: membership)
    }

    /// Whether a profile with only this trait matches `key predicate`.
    static func trait(_ value: JSONValue?, _ predicate: SegmentPredicate, now: Instant = now, offset: Int = 0) -> Bool {
        var traits: [String: JSONValue] = [:]
        if let value { traits["k"] = value }
        return matches(.trait("k", predicate), ProfileFacts(traits: traits), now: now, offset: offset)
    }
}
