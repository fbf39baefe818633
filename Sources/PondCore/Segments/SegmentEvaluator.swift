/// Decides whether one profile is in a segment, in memory.
///
/// This is the reference semantics. The SQL compiler (SQLite and Postgres) must give the same answer for every
/// rule and profile — an agreement property test holds them to it — so every rule below is chosen to be expressible
/// in plain SQL: no locale, no case folding, no Unicode normalisation, no implicit conversion between kinds.
///
/// **Values.** A trait or property that is absent or JSON `null` is *missing*. A missing value fails every
/// predicate except `not exists` (so `city != "上海"` is false for a profile without a city; `not city = "上海"`
/// is true). Kinds never mix: a number matches only number operands, a string only string operands, a boolean only
/// boolean operands (`1` is not `true`, `"200"` is not `200`; SQLite's `json_extract` turns booleans into 0/1, so
/// the compiler must check `json_type`).
/// - Strings compare by UTF-8 bytes: `=` is byte equality, `contains` a byte substring (`instr`/`strpos`, never
///   `LIKE`, which folds ASCII case in SQLite), `starts with` a byte prefix. The empty string is contained in,
///   and a prefix of, every string.
/// - Numbers (integers and doubles alike) compare as exact mathematical values: `2 = 2.0`, and a large integer is
///   not rounded through a double. `<`, `<=`, `>`, `>=`, `between` need both sides numbers — or both dates.
/// - A date operand matches a string value that parses as ISO 8601 (`ISO8601.parse`; a string without an offset
///   is read at `utcOffsetSeconds`); the two compare as instants (milliseconds). Any other value fails.
/// - `!=` is "exists and not `=`": a value of another kind is not equal.
/// - `in [v…]` is `=` one of the values. An array value never equals anything.
/// - `contains x` on an array is membership by `=` (so `[1, 2] contains 2.0`); on a string, `x` must be a string.
/// - `between a and b` is `a <= value <= b`.
///
/// **Windows.** Every "last N days" window is the closed interval `now − N·86 400 000 ms … now` on instants — no
/// calendar, no time zone. Events stamped after `now` are outside every window (but count for "ever").
///
/// **Birthdays.** `birthday in next N days` reads the first ten characters of a string value as `YYYY-MM-DD` and
/// ignores the year and the rest. It matches when that month/day is celebrated on one of the N + 1 local calendar
/// days today … today + N, where today is the date of `now + utcOffsetSeconds`. A 29 February birthday is
/// celebrated on 28 February in non-leap years (keeping it in its month, and matching what most membership
/// programmes do). A month/day that never occurs (`02-30`) never matches. Equivalently for SQL: enumerate the
/// days d in today…today+N; match when `MM-DD(value) = MM-DD(d)`, or `MM-DD(value) = '02-29'` and d is 28
/// February of a non-leap year.
///
/// **Events.** Names compare by bytes. `performed E op N times [in Dd] where f…` counts events named E inside the
/// window (all of them without one) whose properties pass every filter, then compares the count: `at least`
/// (>=), `at most` (<=), `exactly` (=). A profile with no such events has count 0, so `at most 3` and
/// `exactly 0` match it. `first`/`last E` take the earliest/latest timestamp among events named E passing the
/// filters; without one, the condition is false. Relations: `within D` is the window above, `before D ago` is
/// `t < now − D`, `after D ago` is `t >= now − D`.
///
/// **Other facts.** Tags, channels, stages, layers, consent purposes and segment ids compare by bytes. A profile
/// without RFM scores fails every RFM condition; without a stage, every stage condition. Consent is `granted` for
/// `true`, `denied` for `false`, `unknown` when the purpose is absent. `in segment S` asks `membership(S)`; the
/// caller evaluates segments in `SegmentGraph.evaluationOrder()`.
public struct SegmentEvaluator: Sendable {
    /// The brand's offset from UTC: fixes "today" for birthdays and reads date strings written without an offset.
    /// Windows do not depend on it.
    public var utcOffsetSeconds: Int

    public init(utcOffsetSeconds: Int = 0) { self.utcOffsetSeconds = utcOffsetSeconds }

    /// `SegmentEvaluator(utcOffsetSeconds: 0).matches(…)`.
    public static func matches(
        _ rule: SegmentRule, facts: ProfileFacts, now: Instant, membership: (String) -> Bool = { _ in false }
    ) -> Bool {
        SegmentEvaluator().matches(rule, facts: facts, now: now, membership: membership)
    }

    public func matches(
        _ rule: SegmentRule, facts: ProfileFacts, now: Instant, membership: (String) -> Bool = { _ in false }
    ) -> Bool {
        switch rule {
        case .all(let rules): return rules.allSatisfy { matches($0, facts: facts, now: now, membership: membership) }
        case .any(let rules): return rules.contains { matches($0, facts: facts, now: now, membership: membership) }
        case .not(let inner): return !matches(inner, facts: facts, now: now, membership: membership)
        case .condition(let condition): return matches(condition, facts: facts, now: now, membership: membership)
        }
    }

    public func matches(
        _ condition: SegmentCondition, facts: ProfileFacts, now: Instant, membership: (String) -> Bool
    ) -> Bool {
        switch condition {
        case .trait(let key, let predicate):
            return matches(predicate, value: SegmentComparison.lookup(key, in: facts.traits), now: now)
        case .hasTag(let tag):
            return SegmentComparison.contains(facts.tags, tag)
        case .lacksTag(let tag):
            return !SegmentComparison.contains(facts.tags, tag)
        case .performed(let frequency):
            let count = facts.events.lazy.filter { event in
                SegmentComparison.bytesEqual(event.name, frequency.event)
                    && (frequency.withinDays.map { SegmentComparison.isWithin(event.timestamp, days: $0, of: now) }
                        ?? true)
                    && self.passes(frequency.filters, event, now: now)
            }.count
            switch frequency.bound {
            case .atLeast: return count >= frequency.count
            case .atMost: return count <= frequency.count
            case .exactly: return count == frequency.count
            }
        case .eventTime(let time):
            let timestamps = facts.events.lazy.filter { event in
                SegmentComparison.bytesEqual(event.name, time.event) && self.passes(time.filters, event, now: now)
            }.map(\.timestamp)
            guard let t = time.occurrence == .first ? timestamps.min() : timestamps.max() else { return false }
            switch time.relation {
            case .within: return SegmentComparison.isWithin(t, days: time.days, of: now)
            case .before: return t < now.adding(days: -time.days)
            case .after: return t >= now.adding(days: -time.days)
            }
        case .rfmLayer(let match):
            guard let rfm = facts.rfm else { return false }
            return Self.matches(match, rfm.layer)
        case .rfmScore(let dimension, let comparator, let score):
            guard let rfm = facts.rfm else { return false }
            return comparator.holds(rfm.score(dimension), score)
        case .stage(let match):
            guard let stage = facts.stage else { return false }
            return Self.matches(match, stage)
        case .channelPresent(let channel):
            return SegmentComparison.contains(facts.channels, channel)
        case .inSegment(let segment):
            return membership(segment)
        case .consent(let purpose, let state):
            switch SegmentComparison.lookup(purpose, in: facts.consent) {
            case true?: return state == .granted
            case false?: return state == .denied
            case nil: return state == .unknown
            }
        }
    }

    /// Applies one predicate to a value (`nil` when absent).
    public func matches(_ predicate: SegmentPredicate, value: JSONValue?, now: Instant) -> Bool {
        guard let value, !value.isNull else {
            if case .notExists = predicate { return true }
            return false
        }
        let offset = utcOffsetSeconds
        func order(_ operand: SegmentValue) -> Int? {
            SegmentComparison.order(value, operand, utcOffsetSeconds: offset)
        }
        switch predicate {
        case .equals(let operand):
            return SegmentComparison.equals(value, operand, utcOffsetSeconds: offset)
        case .notEquals(let operand):
            return !SegmentComparison.equals(value, operand, utcOffsetSeconds: offset)
        case .lessThan(let operand):
            return order(operand).map { $0 < 0 } ?? false
        case .lessThanOrEqual(let operand):
            return order(operand).map { $0 <= 0 } ?? false
        case .greaterThan(let operand):
            return order(operand).map { $0 > 0 } ?? false
        case .greaterThanOrEqual(let operand):
            return order(operand).map { $0 >= 0 } ?? false
        case .between(let low, let high):
            guard let fromLow = order(low), let fromHigh = order(high) else { return false }
            return fromLow >= 0 && fromHigh <= 0
        case .oneOf(let operands):
            return operands.contains { SegmentComparison.equals(value, $0, utcOffsetSeconds: offset) }
        case .contains(let operand):
            switch (value, operand) {
            case (.string(let text), .string(let needle)):
                return SegmentComparison.substring(needle, in: text)
            case (.array(let elements), _):
                return elements.contains { SegmentComparison.equals($0, operand, utcOffsetSeconds: offset) }
            default:
                return false
            }
        case .startsWith(let prefix):
            guard case .string(let text) = value else { return false }
            return text.utf8.starts(with: prefix.utf8)
        case .exists:
            return true
        case .notExists:
            return false
        case .withinLast(let days):
            guard let instant = SegmentComparison.instant(value, utcOffsetSeconds: offset) else { return false }
            return SegmentComparison.isWithin(instant, days: days, of: now)
        case .birthdayWithin(let days):
            guard
                let until = SegmentComparison.daysUntilBirthday(value, now: now, utcOffsetSeconds: offset)
            else { return false }
            return until <= days
        }
    }

    private func passes(_ filters: [SegmentCondition.PropertyFilter], _ event: EventFact, now: Instant) -> Bool {
        filters.allSatisfy { filter in
            matches(filter.predicate, value: SegmentComparison.lookup(filter.key, in: event.properties), now: now)
        }
    }

    private static func matches(_ match: SegmentCondition.NameMatch, _ actual: String) -> Bool {
        switch match {
        case .equals(let expected): return SegmentComparison.bytesEqual(actual, expected)
        case .oneOf(let expected): return expected.contains { SegmentComparison.bytesEqual(actual, $0) }
        }
    }
}
