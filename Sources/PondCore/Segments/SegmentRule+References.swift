/// What a rule reads, so the engine can tell which changes may move a profile in or out of a segment without
/// evaluating it: an incoming event matters only if its name is in `referencedEvents`, a trait change only if
/// its key is in `referencedTraits`, and only `isTimeDependent` segments need periodic re-evaluation.
extension SegmentRule {
    /// Ids of segments named by `in segment` conditions (direct references only; see `SegmentGraph`).
    public var referencedSegments: Set<String> {
        collect { if case .inSegment(let id) = $0 { [id] } else { [] } }
    }

    /// Event names of `performed`, `first` and `last` conditions.
    public var referencedEvents: Set<String> {
        collect {
            switch $0 {
            case .performed(let frequency): [frequency.event]
            case .eventTime(let time): [time.event]
            default: []
            }
        }
    }

    /// Trait keys read by trait conditions (not event property keys).
    public var referencedTraits: Set<String> {
        collect { if case .trait(let key, _) = $0 { [key] } else { [] } }
    }

    /// Tags read by `has tag` / `lacks tag`.
    public var referencedTags: Set<String> {
        collect {
            switch $0 {
            case .hasTag(let tag), .lacksTag(let tag): [tag]
            default: []
            }
        }
    }

    /// Whether the answer can change merely because time passes: any window (`in Nd`, `within last Nd`), any
    /// `first`/`last` condition, any birthday — in a trait condition or an event property filter. Absolute dates
    /// (`before 2026-01-01`) are not: they compare against the value, not against `now`. A segment that references
    /// a time-dependent segment is time-dependent too; `SegmentGraph.timeDependentSegments` follows references.
    public var isTimeDependent: Bool {
        !collect { condition -> Set<Bool> in
            switch condition {
            case .trait(_, let predicate):
                return predicate.isTimeDependent ? [true] : []
            case .performed(let frequency):
                return frequency.withinDays != nil || frequency.filters.contains { $0.predicate.isTimeDependent }
                    ? [true] : []
            case .eventTime:
                return [true]
            default:
                return []
            }
        }.isEmpty
    }

    /// The conditions of the rule, in reading order.
    public var conditions: [SegmentCondition] {
        var result: [SegmentCondition] = []
        var stack: [SegmentRule] = [self]
        while let rule = stack.popLast() {
            switch rule {
            case .all(let rules), .any(let rules): stack.append(contentsOf: rules.reversed())
            case .not(let inner): stack.append(inner)
            case .condition(let condition): result.append(condition)
            }
        }
        return result
    }

    private func collect<T: Hashable>(_ extract: (SegmentCondition) -> Set<T>) -> Set<T> {
        conditions.reduce(into: Set<T>()) { $0.formUnion(extract($1)) }
    }
}
