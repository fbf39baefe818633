import Testing

@testable import PondCore

/// The validator's graph findings on random graphs against a reference that computes reachability as a transitive
/// closure (Warshall), and runs of the journeys it accepts: a valid journey never spins without waiting.
@Suite("Journey graphs, generated")
struct JourneyGraphModelTests {
    static let seeds: [UInt64] = [6_101, 6_102, 6_103]

    struct Generator {
        var random: SplitMix64

        /// Mostly forward edges (so that a good share of graphs is valid), some back and self edges, a few dangling.
        mutating func target(_ count: Int, from index: Int) -> String? {
            switch random.int(20) {
            case 0: return nil
            case 1...5: return "n\(random.int(count))"
            default: return "n\(index + 1 + random.int(count - index - 1))"
            }
        }

        mutating func definition() -> JourneyDefinition {
            let count = 2 + random.int(7)
            let nodes = (0..<count).map { index -> JourneyNode in
                let id = "n\(index)"
                func target(_ count: Int) -> String? { self.target(count, from: index) }
                switch index == count - 1 ? 0 : random.int(7) {
                case 0: return JourneyNode(id, .exit)
                case 1: return JourneyNode(id, .delay(.duration(seconds: 60), next: target(count)))
                case 2:
                    return JourneyNode(
                        id, .waitForEvent(JourneyEventWait(event: "Order Completed", timeoutSeconds: 60, onEvent: target(count), onTimeout: target(count))))
                case 3: return JourneyNode(id, .condition(.condition(.hasTag("会员")), then: target(count), else: target(count)))
                case 4:
                    return JourneyNode(
                        id, .split([JourneySplitArm("A", percent: 50, next: target(count)), JourneySplitArm("B", percent: 50, next: target(count))]))
                default: return JourneyNode(id, .action(.addTag("会员"), next: target(count)))
                }
            }
            return JourneyDefinition(name: "g", trigger: .manual, start: "n0", nodes: nodes)
        }
    }

    /// `closure[i][j]`: a path of one or more edges from node i to node j, through nodes allowed by `through`
    /// (the ends included).
    static func closure(_ definition: JourneyDefinition, through allowed: (JourneyNode) -> Bool) -> [[Bool]] {
        let n = definition.nodes.count
        let index = Dictionary(uniqueKeysWithValues: definition.nodes.enumerated().map { ($1.id, $0) })
        var reach = Array(repeating: Array(repeating: false, count: n), count: n)
        for (i, node) in definition.nodes.enumerated() where allowed(node) {
            for edge in node.edges {
                if let target = edge.target, let j = index[target], allowed(definition.nodes[j]) { reach[i][j] = true }
            }
        }
        for k in 0..<n { for i in 0..<n where reach[i][k] { for j in 0..<n where reach[k][j] { reach[i][j] = true } } }
        return reach
    }

    /// The reference's findings, as (code, path) pairs in the validator's order.
    static func reference(_ definition: JourneyDefinition) -> [JourneyError.Code: Set<String>] {
        let nodes = definition.nodes
        let all = closure(definition) { _ in true }
        let reachable = Set(nodes.indices.filter { $0 == 0 || all[0][$0] })
        var findings: [JourneyError.Code: Set<String>] = [:]
        for (i, node) in nodes.enumerated() {
            if !reachable.contains(i) { findings[.unreachableNode, default: []].insert("nodes.\(node.id)") }
            for edge in node.edges where edge.target == nil {
                findings[.branchWithoutExit, default: []].insert("nodes.\(node.id).\(edge.member)")
            }
        }
        // A way out: an exit node, or a node with a dangling edge (reported at the edge).
        let wayOut = Set(nodes.indices.filter { i in
            if case .exit = nodes[i].kind { return true }
            return nodes[i].edges.contains { $0.target == nil }
        })
        for i in reachable where !wayOut.contains(i) && !wayOut.contains(where: { all[i][$0] }) {
            findings[.branchWithoutExit, default: []].insert("nodes.\(nodes[i].id)")
        }
        // Loops without a wait: groups of non-waiting nodes on a cycle among themselves, named by their first node.
        let busy = closure(definition) { !$0.waits }
        for i in nodes.indices where busy[i][i] {
            let group = nodes.indices.filter { busy[i][$0] && busy[$0][i] }
            guard group.first == i, group.contains(where: reachable.contains) else { continue }
            findings[.loopWithoutWait, default: []].insert("nodes.\(nodes[i].id)")
        }
        return findings
    }

    @Test("unreachable nodes, loops without a wait and branches without an exit are the reference's", arguments: seeds)
    func graphFindings(seed: UInt64) {
        var generator = Generator(random: SplitMix64(seed: seed))
        var tally: [JourneyError.Code: Int] = [:]
        var valid = 0, failures = 0
        for number in 0..<1_500 {
            let definition = generator.definition()
            let problems = JourneyValidator.problems(definition, catalog: JourneyFixture.catalog)
            var found: [JourneyError.Code: Set<String>] = [:]
            for problem in problems { found[problem.code, default: []].insert(problem.path) }
            let expected = Self.reference(definition)
            if found != expected {
                failures += 1
                if failures <= 5 {
                    Issue.record("seed \(seed), case \(number): found \(found), reference \(expected)\n\(JSONWriter.string(definition.json))")
                }
            }
            if problems.isEmpty { valid += 1 }
            for (code, paths) in expected { tally[code, default: 0] += paths.count }
        }
        #expect(valid >= 100, "only \(valid) valid graphs")
        for code in [JourneyError.Code.unreachableNode, .loopWithoutWait, .branchWithoutExit] {
            #expect(tally[code, default: 0] >= 100, "\(code): \(tally)")
        }
    }

    @Test("runs of valid journeys reach an exit or a wait within as many steps as there are nodes", arguments: seeds)
    func runsNeverSpin(seed: UInt64) {
        var generator = Generator(random: SplitMix64(seed: seed))
        var runs = 0, exits = 0, waits = 0
        for _ in 0..<2_000 {
            let definition = generator.definition()
            guard JourneyValidator.problems(definition, catalog: JourneyFixture.catalog).isEmpty else { continue }
            for _ in 0..<5 {
                runs += 1
                var now = ISO8601.parse("2026-01-01T00:00:00Z")!
                var node = definition.start
                var sinceWait = 0
                let facts = ProfileFacts(tags: generator.random.chance(50) ? ["会员"] : [])
                steps: for _ in 0..<200 {
                    let context = JourneyStepContext(
                        now: now, utcOffsetSeconds: 0, facts: facts, runSeed: generator.random.next(), enteredAt: now)
                    switch JourneyStep.next(definition, at: node, context: context) {
                    case .go(let next, _), .perform(_, let next):
                        node = next
                        sinceWait += 1
                    case .wait(let until, let next):
                        #expect(until > now)
                        (now, node, sinceWait) = (until, next, 0)
                        waits += 1
                    case .waitForEvent(_, _, let timeoutAt, let onEvent, let onTimeout):
                        #expect(timeoutAt > now)
                        (now, node, sinceWait) = (timeoutAt, generator.random.chance(50) ? onEvent : onTimeout, 0)
                        waits += 1
                    case .exit(let reason):
                        #expect(reason == .completed)
                        exits += 1
                        break steps
                    }
                    if sinceWait > definition.nodes.count {
                        Issue.record("seed \(seed): a run spun without waiting\n\(JSONWriter.string(definition.json))")
                        break steps
                    }
                }
            }
        }
        #expect(runs >= 500 && exits >= 400 && waits >= 200, "runs \(runs), exits \(exits), waits \(waits)")
    }
}
