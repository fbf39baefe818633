/// An audience (segment) definition: a tree of conditions joined by `all` (AND), `any` (OR) and `not`.
///
/// Unlike flat "match all / match any" segment builders, groups nest, so "bought skincare twice this quarter and
/// is a member, or is a VIP, but not churned" is one rule. A rule has two equivalent serialisations that
/// round-trip exactly — `SegmentRule(json: r.json) == r` and `SegmentRule(text: r.text) == r` — JSON for the API
/// and a compact text form for people:
///
///     performed "Order Completed" >= 2 times in 90d where category = "护肤" and amount > 200
///       and has tag "会员" and not stage = "流失"
///
/// Both initialisers validate (see `validate()`); rules built in code should be validated before they are stored.
/// Evaluation semantics are specified in `SegmentEvaluator`; a SQL compiler must mirror them exactly.
///
/// ## Text form (EBNF)
///
/// ```
/// rule       = and , { "or" , and } ;                       (* precedence: not > and > or *)
/// and        = unary , { "and" , unary } ;
/// unary      = "not" , unary
///            | "(" , rule , ")"
///            | ( "all" | "any" ) , "(" , [ rule , { "," , rule } ] , ")"   (* explicit group *)
///            | condition ;
/// condition  = key , predicate                                                   (* trait *)
///            | ( "has" | "lacks" ) , "tag" , name
///            | "performed" , name , [ count ] , [ window ] , [ filters ]       (* count defaults to >= 1 time *)
///            | ( "first" | "last" ) , name , event-time , [ filters ]
///            | "rfm" , "layer" , name-match
///            | "rfm" , ( "r" | "f" | "m" ) , comparator , integer
///            | "stage" , name-match
///            | "channel" , "present" , name
///            | "in" , "segment" , name
///            | "consent" , name , ( "granted" | "denied" | "unknown" ) ;
/// predicate  = comparator , value
///            | ( "before" | "after" ) , date                                (* same as "<" / ">" a date *)
///            | "between" , value , "and" , value
///            | "in" , "[" , [ value , { "," , value } ] , "]"
///            | "contains" , value
///            | "starts" , "with" , string
///            | "exists" | "not" , "exists"
///            | ( "within" | "in" ) , [ "last" ] , duration
///            | "birthday" , ( "in" | "within" ) , "next" , duration ;
/// count      = ( ">=" | "at" , "least" | "<=" | "at" , "most" | "=" | "exactly" ) , integer , ( "time" | "times" ) ;
/// window     = ( "in" | "within" ) , [ "last" ] , duration | "ever" ;
/// event-time = ( "in" | "within" ) , [ "last" ] , duration
///            | ( "before" | "after" ) , duration , "ago" ;
/// filters    = "where" , key , predicate , { "and" , key , predicate } ;
/// name-match = "=" , name | "in" , "[" , [ name , { "," , name } ] , "]" ;
/// comparator = "=" | "==" | "!=" | "≠" | "<>" | "<" | "<=" | "≤" | ">" | ">=" | "≥" ;
/// key        = identifier | string ;
/// name       = identifier | string ;
/// value      = string | number | "true" | "false" | date ;
/// duration   = integer , ( "d" | "day" | "days" ) ;                      (* "90d" or "90 days" *)
///
/// identifier = id-start , { id-start | digit | "." } ;   (* not a reserved word *)
/// id-start   = "A"…"Z" | "a"…"z" | "_" | "$" | (* any non-ASCII alphabetic scalar, e.g. 会员等级 *) ;
/// string     = '"' , { any scalar except '"', '\' and U+0000…U+001F | escape } , '"' ;
/// escape     = '\"' | '\\' | '\n' | '\r' | '\t' | '\u{' , hex digit , { hex digit } , '}' ;
/// number     = [ "-" ] , digits , [ "." , digits ] , [ ( "e" | "E" ) , [ "+" | "-" ] , digits ] ;
///              (* an integer (Int64) unless it has a fraction or an exponent *)
/// date       = 4 digits , "-" , … ;   (* an ISO 8601 date or date-time without spaces, e.g. 2026-01-01,
///                                        2026-01-01T08:00:00+08:00; no offset means UTC *)
/// ```
///
/// Keywords are case-insensitive and printed in lower case. Reserved words — `all any and or not has lacks
/// performed first last rfm stage channel in consent true false` — must be quoted when used as a key
/// (`"stage" = "x"` is a trait, `stage = "x"` the lifecycle stage). A `where` list is greedy: it continues through
/// every `and` followed by an identifier or string, so an event condition followed by a trait condition is
/// written in parentheses; the printer does so. The printer emits one canonical spelling (ASCII operators, minimal
/// parentheses, `all(x)` for a one-rule group, `before`/`after` for `<`/`>` a date) and accepts the aliases above.
/// Parse errors carry the character offset.
///
/// ## JSON form
///
/// ```
/// rule       = {"type": "all" | "any", "rules": [rule, …]}
///            | {"type": "not", "rule": rule}
///            | {"type": "trait", "key": name, …predicate}
///            | {"type": "has_tag" | "lacks_tag", "tag": name}
///            | {"type": "performed", "event": name, "op": "at_least" | "at_most" | "exactly", "count": int,
///               "days"?: int, "where"?: [filter, …]}                      (* no "days": ever *)
///            | {"type": "first_event" | "last_event", "event": name, "relation": "within" | "before" | "after",
///               "days": int, "where"?: [filter, …]}
///            | {"type": "rfm_layer" | "stage", "op": "eq", "value": name}
///            | {"type": "rfm_layer" | "stage", "op": "in", "values": [name, …]}
///            | {"type": "rfm_score", "dimension": "r" | "f" | "m", "op": comparator, "value": int}
///            | {"type": "channel", "channel": name}
///            | {"type": "in_segment", "segment": name}
///            | {"type": "consent", "purpose": name, "state": "granted" | "denied" | "unknown"}
/// filter     = {"key": name, …predicate}
/// predicate  = "op": comparator | "contains", "value": value
///            | "op": "starts_with", "value": string
///            | "op": "between", "min": value, "max": value
///            | "op": "in", "values": [value, …]
///            | "op": "exists" | "not_exists"
///            | "op": "within_last" | "birthday_within", "days": int
/// comparator = "eq" | "ne" | "lt" | "lte" | "gt" | "gte"
/// value      = string | number | true | false | {"date": "ISO 8601"}
/// ```
///
/// Optional members may also be `null`. Unknown members are refused (`unknown_field`), so a typo cannot silently
/// widen an audience.
public indirect enum SegmentRule: Sendable, Hashable {
    /// AND: every rule holds.
    case all([SegmentRule])
    /// OR: at least one rule holds.
    case any([SegmentRule])
    case not(SegmentRule)
    case condition(SegmentCondition)

    /// Bounds that keep a rule cheap to evaluate and to compile to SQL, and catch obvious mistakes.
    public enum Limits {
        /// Levels of nesting; a condition at the root has depth 1.
        public static let maximumDepth = 16
        /// Conditions plus event property filters.
        public static let maximumConditions = 200
        public static let maximumNameBytes = 200
        public static let windowDays: ClosedRange<Int> = 1...3650
        public static let eventCount: ClosedRange<Int> = 0...1_000_000
        public static let rfmScore: ClosedRange<Int> = 1...5
        public static let maximumListValues = 1000
    }
}

extension SegmentRule: CustomStringConvertible {
    public var description: String { text }
}
