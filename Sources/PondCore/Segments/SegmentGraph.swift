/// The `in segment` references between a workspace's segments.
///
/// Segments may build on segments ("VIP" = "in segment high_value and has tag 会员"), which makes two things
/// necessary before anything is evaluated: refusing cycles (a segment that, through others, contains itself has
/// no meaning), and an order in which every segment is evaluated after the segments it reads. All answers are
/// deterministic — ties are broken by segment id — so two nodes compute the same order.
public struct SegmentGraph: Sendable {
    /// Direct references of each defined segment.
    public let dependencies: [String: Set<String>]
    private let timeDependent: Set<String>

    public init(_ rules: [String: SegmentRule]) {
        dependencies = rules.mapValues(\.referencedSegments)
        timeDependent = Set(rules.filter { $0.value.isTimeDependent }.keys)
    }

    /// References to segments that are not defined, per referencing segment (ids sorted). The evaluator's
    /// `membership` answers for them; the management API refuses them when a segment is saved.
    public var unknownReferences: [String: [String]] {
        dependencies.compactMapValues { references in
            let unknown = references.filter { dependencies[$0] == nil }.sorted()
            return unknown.isEmpty ? nil : unknown
        }
    }

    /// A cycle as a chain that starts and ends with the same segment (`["a", "b", "a"]`), or `nil`. When there
    /// are several, the one found first by a depth-first walk in id order is reported.
    public func cycle() -> [String]? {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var path: [String] = []

        func visit(_ id: String) -> [String]? {
            switch marks[id] {
            case .done?: return nil
            case .visiting?:
                let start = path.firstIndex(of: id)!
                return Array(path[start...]) + [id]
            case nil: break
            }
            marks[id] = .visiting
            path.append(id)
            for next in (dependencies[id] ?? []).sorted() where dependencies[next] != nil {
                if let found = visit(next) { return found }
            }
            path.removeLast()
            marks[id] = .done
            return nil
        }

        for id in dependencies.keys.sorted() {
            if let found = visit(id) { return found }
        }
        return nil
    }

    /// Every defined segment, each after the segments it references (undefined references are treated as
    /// inputs). Among segments whose dependencies are satisfied, the smallest id comes first.
    public func evaluationOrder() throws(SegmentGraphError) -> [String] {
        if let chain = cycle() { throw SegmentGraphError(chain: chain) }
        var remaining = dependencies.mapValues { $0.filter { dependencies[$0] != nil } }
        var dependents: [String: [String]] = [:]
        for (id, references) in remaining {
            for reference in references { dependents[reference, default: []].append(id) }
        }
        var ready = remaining.filter { $0.value.isEmpty }.keys.sorted(by: >)
        var order: [String] = []
        while let id = ready.popLast() {
            order.append(id)
            for dependent in dependents[id] ?? [] {
                remaining[dependent]?.remove(id)
                if remaining[dependent]?.isEmpty == true {
                    ready.append(dependent)
                    ready.sort(by: >)
                }
            }
        }
        return order
    }

    /// Segments that read `id`, directly or through other segments: what must be re-evaluated when `id`'s
    /// membership changes.
    public func dependents(of id: String) -> Set<String> {
        var found: Set<String> = []
        var frontier = [id]
        while let current = frontier.popLast() {
            for (candidate, references) in dependencies where references.contains(current) {
                if found.insert(candidate).inserted { frontier.append(candidate) }
            }
        }
        return found
    }

    /// Segments whose membership can change as time passes: time-dependent rules and every segment that reads one.
    public var timeDependentSegments: Set<String> {
        timeDependent.reduce(into: timeDependent) { $0.formUnion(dependents(of: $1)) }
    }
}

/// Segments that reference each other in a circle.
public struct SegmentGraphError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable API code.
    public let code = "segment_cycle"
    /// The cycle, starting and ending with the same segment: `["a", "b", "a"]`.
    public let chain: [String]

    public init(chain: [String]) { self.chain = chain }

    /// `segments reference each other in a cycle: a → b → a`.
    public var message: String { "segments reference each other in a cycle: \(chain.joined(separator: " → "))" }

    public var description: String { "\(code): \(message)" }
}
