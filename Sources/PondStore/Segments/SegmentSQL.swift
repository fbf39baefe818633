import PondCore

/// Compiles a `SegmentRule` to one parameterised `SELECT` of the matching cluster roots of a workspace, for SQLite
/// or Postgres, giving exactly the answer `SegmentEvaluator` gives on `Store.profileFacts` for every root.
///
/// **Shape.** Every condition becomes a *set* of root ids computed in one pass over its table — "roots with ≥ 2
/// matching `Order Completed` events in 90 days" is one `GROUP BY … HAVING COUNT(*) >= 2` over one key range of
/// `event_facts` (the events of one name in time order, with only their properties), not a subquery per profile —
/// and the rule becomes a boolean over "is the profile in set i":
///
///     SELECT p.id FROM profiles p
///     WHERE p.workspace_id = ? AND p.canonical_id = p.id
///       AND p.id IN (SELECT m.canonical_id FROM event_facts e JOIN profiles m ON … WHERE e.event = ? AND e.ts >= ? …
///                    GROUP BY m.canonical_id HAVING COUNT(*) >= ?)
///       AND p.id IN (SELECT profile_id FROM profile_tags WHERE workspace_id = ? AND tag = ?)
///       AND NOT p.id IN (SELECT profile_id FROM profile_stages WHERE workspace_id = ? AND stage = ?)
///     ORDER BY p.id
///
/// (the SQLite form). SQLite builds each `IN` set once and probes it, wherever it sits in the boolean. Postgres only
/// turns an `IN` into a join at the top level of `WHERE`; under `OR` or `NOT` it would probe a hashed subplan only
/// while the set fits in `work_mem`, and otherwise rescan it for every profile. So on Postgres each set is a
/// `LEFT JOIN (…) jN ON jN.root = p.id` and membership is `jN.root IS NOT NULL`: a join it can hash or merge
/// whatever the boolean, and reduces to an inner or anti join where the boolean allows.
///
/// "At most"/"exactly" counts are complements of "at least" sets (`count <= 3` is `NOT count >= 4`), so a profile
/// without events needs no row to match them; negation is plain `NOT` because every membership test is two-valued.
///
/// **Values.** Every value from the rule is bound, including JSON path keys; see `SegmentSQL+Predicates` for the
/// predicate semantics and `Migrations` (`003_segment_functions`) and `SQLiteSegmentFunctions` for the functions
/// both dialects provide under the same names: `pond_instant`, `pond_json_int`, `pond_json_real`.
///
/// **Limits.** Stored JSON is taken to be what Pond writes (`JSONWriter`: valid, no repeated keys, keys escaped only
/// where JSON requires); values spelled any other valid way are still read exactly, keys only on Postgres. A string
/// holding U+0000 is the one value the dialects cannot hold as Pond does: SQLite's `json_extract` (3.40) cuts
/// it there, and Postgres reads it as U+FFFF — a query never fails on one, but may answer differently for it.
public struct SegmentSQL: Sendable {
    public var dialect: SQLDialect
    /// The workspace's offset from UTC: fixes "today" for birthdays and reads dates written without an offset.
    public var utcOffsetSeconds: Int
    public var now: Instant

    public init(dialect: SQLDialect, utcOffsetSeconds: Int, now: Instant) {
        self.dialect = dialect
        self.utcOffsetSeconds = utcOffsetSeconds
        self.now = now
    }

    /// `among` lists above this size are bound as one array value rather than one placeholder each.
    static let inlineListLimit = 64

    /// The matching root profile ids of the workspace, ascending; only those in `among` when it is given.
    public func select(_ rule: SegmentRule, workspaceID: String, among: [Int64]? = nil) -> SQLFragment {
        let compiler = Compiler(sql: self, workspaceID: workspaceID, among: among)
        let formula = compiler.formula(rule)
        var filters: [SQLFragment] = ["p.workspace_id = \(bind: workspaceID)", "p.canonical_id = p.id"]
        if among != nil { filters.append(compiler.amongFilter("p.id")) }
        var joins: [SQLFragment] = []
        let condition = render(formula, joins: &joins)
        if condition.sql != "TRUE" { filters.append(condition) }
        var from: SQLFragment = "profiles p"
        for join in joins { from = "\(from) \(join)" }
        return "SELECT p.id FROM \(from) WHERE \(SQLFragment.and(filters)) ORDER BY p.id"
    }

    /// The rule as a boolean over membership in sets of root ids.
    indirect enum Formula: Equatable {
        case constant(Bool)
        /// `p.id` is in the set this SELECT returns (one column, `root`, never NULL; distinct on Postgres).
        case member(SQLFragment)
        case not(Formula)
        case all([Formula])
        case any([Formula])

        static func negation(_ formula: Formula) -> Formula {
            switch formula {
            case .constant(let value): return .constant(!value)
            case .not(let inner): return inner
            default: return .not(formula)
            }
        }

        static func conjunction(_ parts: [Formula]) -> Formula {
            var kept: [Formula] = []
            for part in parts {
                switch part {
                case .constant(true): continue
                case .constant(false): return .constant(false)
                case .all(let inner): kept += inner
                default: kept.append(part)
                }
            }
            return kept.isEmpty ? .constant(true) : kept.count == 1 ? kept[0] : .all(kept)
        }

        static func disjunction(_ parts: [Formula]) -> Formula {
            var kept: [Formula] = []
            for part in parts {
                switch part {
                case .constant(false): continue
                case .constant(true): return .constant(true)
                case .any(let inner): kept += inner
                default: kept.append(part)
                }
            }
            return kept.isEmpty ? .constant(false) : kept.count == 1 ? kept[0] : .any(kept)
        }
    }

    /// The boolean for `WHERE`; on Postgres, appends the `LEFT JOIN`s it refers to (one per distinct set).
    func render(_ formula: Formula, joins: inout [SQLFragment]) -> SQLFragment {
        var aliases: [SQLFragment: Int] = [:]
        func walk(_ formula: Formula) -> SQLFragment {
            switch formula {
            case .constant(let value):
                return value ? "TRUE" : "FALSE"
            case .member(let set):
                switch dialect {
                case .sqlite:
                    return "p.id IN (\(set))"
                case .postgres:
                    let index: Int
                    if let known = aliases[set] {
                        index = known
                    } else {
                        index = aliases.count + 1
                        aliases[set] = index
                        let alias = Self.alias(index)
                        joins.append("LEFT JOIN (\(set)) \(alias) ON \(alias).root = p.id")
                    }
                    return "\(Self.alias(index)).root IS NOT NULL"
                }
            case .not(let inner):
                return "NOT \(walk(inner))"
            case .all(let parts):
                return .and(parts.map(walk))
            case .any(let parts):
                return .or(parts.map(walk))
            }
        }
        return walk(formula)
    }

    /// `j1`, `j2`, …
    private static func alias(_ index: Int) -> SQLFragment { "j\(number: index)" }

    /// `now − days`, saturating (rules are validated to 3650 days; this only keeps arithmetic from trapping).
    func windowStart(days: Int) -> Int64 {
        let (span, overflow) = Int64(days).multipliedReportingOverflow(by: 86_400_000)
        if overflow { return days > 0 ? .min : .max }
        let (start, underflow) = now.millisecondsSinceEpoch.subtractingReportingOverflow(span)
        return underflow ? (span > 0 ? .min : .max) : start
    }
}
