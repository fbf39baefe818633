/// The graph of a journey's nodes, for validation and for tests that walk it: the first node of each well-formed
/// id, and the edges that name one of them.
public struct JourneyGraph: Sendable {
    /// Node ids in definition order.
    public let order: [String]
    let nodes: [String: JourneyNode]

    public init(_ definition: JourneyDefinition) {
        var order: [String] = []
        var nodes: [String: JourneyNode] = [:]
        for node in definition.nodes where nodes[node.id] == nil && JourneyDefinition.isValidNodeID(node.id) {
            order.append(node.id)
            nodes[node.id] = node
        }
        self.order = order
        self.nodes = nodes
    }

    /// The known targets of a node's edges, in edge order (repeats removed).
    public func successors(of id: String) -> [String] {
        var seen: Set<String> = []
        return (nodes[id]?.edges ?? []).compactMap { edge in
            guard let target = edge.target, nodes[target] != nil, seen.insert(target).inserted else { return nil }
            return target
        }
    }

    public func reachable(from start: String) -> Set<String> {
        guard nodes[start] != nil else { return [] }
        var seen: Set<String> = [start]
        var stack = [start]
        while let id = stack.popLast() {
            for next in successors(of: id) where seen.insert(next).inserted { stack.append(next) }
        }
        return seen
    }

    /// Nodes from which some path reaches an exit node — or an edge without a known target, which validation
    /// reports by itself.
    public func nodesThatCanExit() -> Set<String> {
        var predecessors: [String: [String]] = [:]
        var result: Set<String> = []
        for id in order {
            let node = nodes[id]!
            if case .exit = node.kind { result.insert(id) }
            if node.edges.contains(where: { $0.target.map { nodes[$0] == nil } ?? true }) { result.insert(id) }
            for next in successors(of: id) { predecessors[next, default: []].append(id) }
        }
        var stack = Array(result)
        while let id = stack.popLast() {
            for previous in predecessors[id] ?? [] where result.insert(previous).inserted { stack.append(previous) }
        }
        return result
    }

    /// One cycle (as a node list, starting at its earliest node in definition order) for each strongly connected
    /// group of non-waiting nodes that has one.
    public func cyclesWithoutWait() -> [[String]] {
        let candidates = order.filter { !nodes[$0]!.waits }
        let allowed = Set(candidates)
        func next(_ id: String) -> [String] { successors(of: id).filter(allowed.contains) }
        var cycles: [[String]] = []
        var assigned: Set<String> = []
        for id in candidates where !assigned.contains(id) {
            // The strongly connected group of `id`: reachable from it and reaching it.
            let forward = closure(from: id, next)
            let group = forward.filter { closure(from: $0, next).contains(id) }
            assigned.formUnion(group)
            guard group.count > 1 || next(id).contains(id) else { continue }
            cycles.append(path(from: id, backTo: id, within: group, next))
        }
        return cycles
    }

    private func closure(from id: String, _ next: (String) -> [String]) -> Set<String> {
        var seen: Set<String> = [id]
        var stack = [id]
        while let current = stack.popLast() {
            for target in next(current) where seen.insert(target).inserted { stack.append(target) }
        }
        return seen
    }

    /// The shortest path from `start` back to itself inside `group`, without repeating `start` at the end.
    private func path(from start: String, backTo end: String, within group: Set<String>, _ next: (String) -> [String])
        -> [String]
    {
        var previous: [String: String] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for target in next(current) where group.contains(target) {
                if target == end {
                    var path = [current]
                    while let before = previous[path[0]] { path.insert(before, at: 0) }
                    return path
                }
                if previous[target] == nil, target != start {
                    previous[target] = current
                    queue.append(target)
                }
            }
        }
        return [start]
    }
}
