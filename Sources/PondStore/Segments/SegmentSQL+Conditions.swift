import PondCore

/// Each condition as a set of root ids, mirroring what `Store.profileFacts` loads for a root:
/// - traits: per key, the row of the cluster member with the latest `(ts, profile id)`; a JSON `null` there is
///   missing even when an older row had a value;
/// - events: `track` events of any member (`events.profile_id` points at a member, not necessarily the root);
/// - channels: channels of any event of any member, except Pond's own `pond`;
/// - tags, RFM scores, stage, consent and stored segment membership: rows keyed by the root id.
extension SegmentSQL {
    struct Compiler {
        let sql: SegmentSQL
        let workspaceID: String
        let among: [Int64]?

        private var dialect: SQLDialect { sql.dialect }
        private var workspace: SQLFragment { "\(bind: workspaceID)" }

        func formula(_ rule: SegmentRule) -> Formula {
            switch rule {
            case .all(let rules): return .conjunction(rules.map(formula))
            case .any(let rules): return .disjunction(rules.map(formula))
            case .not(let inner): return .negation(formula(inner))
            case .condition(let condition): return formula(condition)
            }
        }

        func formula(_ condition: SegmentCondition) -> Formula {
            switch condition {
            case .trait(let key, .notExists):
                return .negation(trait(key, .exists))
            case .trait(let key, let predicate):
                return trait(key, predicate)
            case .hasTag(let tag):
                return keyedByRoot("profile_tags", column: indexed("tag"), equals: tag)
            case .lacksTag(let tag):
                return .negation(keyedByRoot("profile_tags", column: indexed("tag"), equals: tag))
            case .performed(let frequency):
                return performed(frequency)
            case .eventTime(let time):
                return eventTime(time)
            case .rfmLayer(let match):
                return keyedByRoot("rfm_scores", column: indexed("layer"), match)
            case .rfmScore(let dimension, let comparator, let score):
                let column: SQLFragment
                switch dimension {
                case .recency: column = "r"
                case .frequency: column = "f"
                case .monetary: column = "m"
                }
                let symbol: SQLFragment
                switch comparator {
                case .equal: symbol = "="
                case .notEqual: symbol = "<>"
                case .less: symbol = "<"
                case .lessOrEqual: symbol = "<="
                case .greater: symbol = ">"
                case .greaterOrEqual: symbol = ">="
                }
                return keyedByRoot("rfm_scores", "\(column) \(symbol) \(bind: Int64(score))")
            case .stage(let match):
                return keyedByRoot("profile_stages", column: indexed("stage"), match)
            case .channelPresent(let channel):
                guard let channel = storedName(channel), channel.utf8.elementsEqual(Store.systemChannel.utf8) == false
                else { return .constant(false) }
                return events(["e.channel = \(bind: channel)"], group: nil)
            case .inSegment(let segment):
                return keyedByRoot("segment_members", column: "segment_id", equals: segment)
            case .consent(let purpose, let state):
                guard let purpose = storedName(purpose) else { return .constant(state == .unknown) }
                switch state {
                case .granted: return keyedByRoot("profile_consents", "purpose = \(bind: purpose) AND granted <> 0")
                case .denied: return keyedByRoot("profile_consents", "purpose = \(bind: purpose) AND granted = 0")
                case .unknown: return .negation(keyedByRoot("profile_consents", "purpose = \(bind: purpose)"))
                }
            }
        }

        // MARK: Rows keyed by the root

        private func keyedByRoot(_ table: SQLFragment, _ filter: SQLFragment) -> Formula {
            .member(
                """
                SELECT profile_id AS root FROM \(table) WHERE workspace_id = \(workspace) AND \(filter)\
                \(restriction("profile_id"))
                """)
        }

        private func keyedByRoot(_ table: SQLFragment, column: SQLFragment, equals name: String) -> Formula {
            keyedByRoot(table, column: column, .equals(name))
        }

        private func keyedByRoot(_ table: SQLFragment, column: SQLFragment, _ match: SegmentCondition.NameMatch)
            -> Formula
        {
            let names: [String]
            switch match {
            case .equals(let name): names = [name]
            case .oneOf(let list): names = list
            }
            let stored = names.compactMap(storedName)
            guard !stored.isEmpty else { return .constant(false) }
            if stored.count == 1 { return keyedByRoot(table, "\(column) = \(bind: stored[0])") }
            return keyedByRoot(table, "\(column) IN (\(SQLFragment.list(stored.map(SQLValue.text))))")
        }

        // MARK: Traits

        /// Roots whose latest row for `key` passes `predicate` (which must not be `notExists`: a root without a row
        /// is not in this set, so "missing" is the complement of `exists`).
        ///
        /// SQLite finds the latest row with an anti-join probing `profiles_canonical` and the trait key, which for
        /// the usual one-member cluster is a single index lookup. Postgres ranks each cluster's rows with a window
        /// function: a subquery with one cannot be flattened into the outer query, so the set is computed once as
        /// a whole instead of being re-run per profile when the planner misjudges its size.
        private func trait(_ key: String, _ predicate: SegmentPredicate) -> Formula {
            guard let key = storedName(key) else { return .constant(false) }
            switch dialect {
            case .sqlite:
                return .member(
                    """
                    SELECT m.canonical_id AS root FROM \(members("profile_traits t", "t")) \
                    AND t.key = \(bind: key) \
                    AND NOT EXISTS (SELECT 1 FROM profiles o \
                    JOIN profile_traits u ON u.workspace_id = o.workspace_id AND u.profile_id = o.id AND u.key = t.key \
                    WHERE o.workspace_id = m.workspace_id AND o.canonical_id = m.canonical_id AND o.id <> m.id \
                    AND (u.ts > t.ts OR (u.ts = t.ts AND u.profile_id > t.profile_id))) \
                    AND \(sql.test(predicate, .document("t.value", .sqlite)))
                    """)
            case .postgres:
                return .member(
                    """
                    SELECT latest.root FROM (SELECT m.canonical_id AS root, t.value, \
                    row_number() OVER (PARTITION BY m.canonical_id ORDER BY t.ts DESC, t.profile_id DESC) AS rank \
                    FROM profile_traits t JOIN profiles m ON m.workspace_id = t.workspace_id AND m.id = t.profile_id \
                    WHERE t.workspace_id = \(workspace) AND t.key = \(bind: key)\(restriction("m.canonical_id"))) \
                    latest \
                    WHERE latest.rank = 1 AND \(sql.test(predicate, .document("pond_json(latest.value)", .postgres)))
                    """)
            }
        }

        // MARK: Events

        private func performed(_ frequency: SegmentCondition.EventFrequency) -> Formula {
            var window: [SQLFragment] = []
            if let days = frequency.withinDays {
                window = [
                    "e.ts >= \(bind: sql.windowStart(days: days))", "e.ts <= \(bind: sql.now.millisecondsSinceEpoch)",
                ]
            }
            /// Roots with at least `count` matching events; everyone for 0.
            func atLeast(_ count: Int) -> Formula {
                guard count > 0 else { return .constant(true) }
                return named(
                    frequency.event, frequency.filters, window,
                    group: count == 1 ? nil : { "\($0.count) >= \(bind: Int64(count))" })
            }
            let count = frequency.count
            switch frequency.bound {
            case .atLeast:
                return atLeast(count)
            case .atMost:
                guard count >= 0 else { return .constant(false) }
                return count == .max ? .constant(true) : .negation(atLeast(count + 1))
            case .exactly:
                guard count >= 0 else { return .constant(false) }
                return .conjunction([atLeast(count), count == .max ? .constant(true) : .negation(atLeast(count + 1))])
            }
        }

        /// First/last occurrence relative to `now − days`. Where the relation reduces to "some event on one side"
        /// (`first … before`, `last … after`) it is a plain existence test over an index range; otherwise the
        /// earliest/latest timestamp per root is grouped.
        private func eventTime(_ time: SegmentCondition.EventTime) -> Formula {
            let start = sql.windowStart(days: time.days)
            let end = sql.now.millisecondsSinceEpoch
            let first = time.occurrence == .first
            switch (time.relation, first) {
            case (.before, true):
                return named(time.event, time.filters, ["e.ts < \(bind: start)"], group: nil)
            case (.after, false):
                return named(time.event, time.filters, ["e.ts >= \(bind: start)"], group: nil)
            case (.within, _):
                return named(time.event, time.filters, []) { aggregates in
                    let t = first ? aggregates.first : aggregates.last
                    return "\(t) >= \(bind: start) AND \(t) <= \(bind: end)"
                }
            case (.after, true):
                return named(time.event, time.filters, []) { "\($0.first) >= \(bind: start)" }
            case (.before, false):
                return named(time.event, time.filters, []) { "\($0.last) < \(bind: start)" }
            }
        }

        /// The per-root aggregates a `HAVING` test may use.
        struct Aggregates {
            var count: SQLFragment
            var first: SQLFragment
            var last: SQLFragment
        }

        /// A `HAVING` test over a root's matching events.
        typealias Having = (Aggregates) -> SQLFragment

        /// Roots with `track` events named `name` passing `filters` and `conditions`; with `group`, only roots whose
        /// events together pass that `HAVING` test.
        ///
        /// A full evaluation reads `event_facts`, where the events of one name and time range are one run of narrow
        /// rows in key order. They are grouped by member profile first and only then joined to `profiles` for the
        /// root: the groups come out in profile order, so the join walks `profiles` in key order once instead of
        /// looking up a random profile per event. An evaluation restricted to `among` reads `events` through the
        /// members' index entries instead.
        private func named(
            _ name: String, _ filters: [SegmentCondition.PropertyFilter], _ conditions: [SQLFragment],
            group: Having? = nil
        ) -> Formula {
            guard let name = storedName(name) else { return .constant(false) }
            let event: SQLFragment = "\(indexed("e.event")) = \(bind: name)"
            let facts = among == nil
            let properties: JSONValueSQL.Properties = facts ? .object("e.properties") : .payload("e.payload")
            let tests = filters.map { sql.test($0.predicate, .property($0.key, of: properties, dialect)) }
            // `e.type = 'track'` is written out so Postgres matches its partial index `events_name` (SQLite has none since
            // migration 006: with `among` its plans start from the members' `events_profile` entries).
            guard facts else { return events(["e.type = 'track'", event] + conditions + tests, group: group) }
            let perMember: SQLFragment = """
                SELECT e.profile_id, COUNT(*) AS n, MIN(e.ts) AS first_ts, MAX(e.ts) AS last_ts FROM event_facts e \
                WHERE e.workspace_id = \(workspace) AND \(SQLFragment.joined([event] + conditions + tests, separator: " AND ")) \
                GROUP BY e.profile_id
                """
            let aggregates = Aggregates(count: "SUM(g.n)", first: "MIN(g.first_ts)", last: "MAX(g.last_ts)")
            return .member(
                """
                SELECT m.canonical_id AS root FROM (\(perMember)) g \
                JOIN profiles m ON m.workspace_id = \(workspace) AND m.id = g.profile_id\(grouping(group, aggregates))
                """)
        }

        /// The roots of the members that events passing `conditions` belong to.
        private func events(_ conditions: [SQLFragment], group: Having?) -> Formula {
            let aggregates = Aggregates(count: "COUNT(*)", first: "MIN(e.ts)", last: "MAX(e.ts)")
            return .member(
                """
                SELECT m.canonical_id AS root FROM \(members("events e", "e")) \
                AND \(SQLFragment.joined(conditions, separator: " AND "))\(grouping(group, aggregates))
                """)
        }

        /// ` GROUP BY` root with the `HAVING` test; on Postgres also without one, since a `LEFT JOIN` needs each
        /// root once.
        private func grouping(_ group: Having?, _ aggregates: Aggregates) -> SQLFragment {
            if let group { return " GROUP BY m.canonical_id HAVING \(group(aggregates))" }
            return dialect == .postgres ? " GROUP BY m.canonical_id" : ""
        }

        // MARK: Helpers

        /// SQLite plans without statistics and takes an index on an equality to be selective, so with `among` it
        /// would still scan every `Order Completed` event (or every `churned` stage) and then drop those of other
        /// profiles. There, `+column` (a no-op on the value) keeps that column's index out of the plan, and the key
        /// led by the profile id is used instead. Postgres plans from statistics and needs no hint.
        private var drivenByProfiles: Bool { dialect == .sqlite && among != nil }

        private func indexed(_ column: SQLFragment) -> SQLFragment {
            drivenByProfiles ? "+\(column)" : column
        }

        /// `table alias` joined to the cluster members its rows belong to, and the `WHERE` keeping this workspace
        /// (and `among`): `… FROM <this> AND …`. With `among` on SQLite the members come first (`CROSS JOIN` fixes
        /// SQLite's join order), so the rows are found through the members' index entries.
        private func members(_ table: SQLFragment, _ alias: SQLFragment) -> SQLFragment {
            let join: SQLFragment = "\(alias).workspace_id = m.workspace_id AND \(alias).profile_id = m.id"
            if drivenByProfiles {
                return """
                    profiles m CROSS JOIN \(table) \
                    WHERE m.workspace_id = \(workspace) AND \(amongFilter("m.canonical_id")) AND \(join)
                    """
            }
            return """
                \(table) JOIN profiles m ON \(join) WHERE \(alias).workspace_id = \(workspace)\
                \(restriction("m.canonical_id"))
                """
        }

        /// A name as compared with a stored column; nil when no stored value can equal it (Postgres text cannot
        /// hold U+0000).
        private func storedName(_ name: String) -> String? {
            dialect == .postgres ? PostgresText.column(name) : name
        }

        /// ` AND column IN (among…)`, or nothing without `among`.
        private func restriction(_ column: SQLFragment) -> SQLFragment {
            among == nil ? "" : " AND \(amongFilter(column))"
        }

        /// `column` is one of the `among` ids.
        func amongFilter(_ column: SQLFragment) -> SQLFragment {
            guard let among, !among.isEmpty else { return "FALSE" }
            if among.count <= SegmentSQL.inlineListLimit {
                return "\(column) IN (\(SQLFragment.list(among.map(SQLValue.int))))"
            }
            let ids = among.map(String.init).joined(separator: ",")
            switch dialect {
            case .sqlite: return "\(column) IN (SELECT value FROM json_each(\(bind: "[" + ids + "]")))"
            case .postgres: return "\(column) = ANY(CAST(\(bind: "{" + ids + "}") AS bigint[]))"
            }
        }
    }
}
