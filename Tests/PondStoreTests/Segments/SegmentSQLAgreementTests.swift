import Foundation
import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// The compiled SQL agrees with the reference evaluator on random rule trees over random data, on every backend:
/// for each rule, the roots `Store.segmentMembers` returns are exactly those for which `SegmentEvaluator` says yes,
/// both on facts worked out from the generated rows and on the facts `Store.profileFacts` loads.
@Suite("SegmentSQL agreement")
struct SegmentSQLAgreementTests {
    static let seeds: [UInt64] = [11, 12, 13, 14]
    static let rulesPerSeed = 200

    @Test("SQL and evaluator agree on random rules and data", arguments: TestBackend.available)
    func randomRulesAgree(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var worlds: [(SegmentWorld, SegmentWorldGenerator)] = []
            for (index, seed) in Self.seeds.enumerated() {
                var generator = SegmentWorldGenerator(seed: seed)
                let world = generator.world(workspaceID: "seg-\(seed)", firstID: Int64(index + 1) * 100_000)
                try await world.insert(into: store, analyze: index == Self.seeds.count - 1)
                worlds.append((world, generator))
            }
            var informative = 0
            var total = 0
            for (index, seed) in Self.seeds.enumerated() {
                let world = worlds[index].0
                var generator = worlds[index].1
                let (counted, tried) = try await Self.check(world, seed: seed, generator: &generator, store: store)
                informative += counted
                total += tried
            }
            // Rules matching some profiles but not all: without enough of them the test would prove little.
            #expect(
                informative * 100 >= total * 45,
                "only \(informative) of \(total) rules matched some but not all profiles")
        }
    }

    /// Checks `rulesPerSeed` rules against one world; returns how many had an informative answer and how many ran.
    static func check(
        _ world: SegmentWorld, seed: UInt64, generator: inout SegmentWorldGenerator, store: Store
    ) async throws -> (informative: Int, total: Int) {
        let roots = world.roots
        var generated: [Int64: ProfileFacts] = [:]
        var loaded: [Int64: ProfileFacts] = [:]
        for root in roots {
            generated[root] = world.facts(root: root)
            let facts = try #require(try await store.profileFacts(workspaceID: world.workspaceID, profileID: root))
            loaded[root] = facts
            #expect(
                Self.sorted(facts) == Self.sorted(generated[root]!),
                "seed \(seed): profileFacts of root \(root) differ from the rows written")
        }
        let evaluator = SegmentEvaluator(utcOffsetSeconds: world.utcOffsetSeconds)
        var failures = 0
        var informative = 0
        for number in 0..<rulesPerSeed {
            let rule = generator.rule()
            func expected(_ facts: [Int64: ProfileFacts]) -> [Int64] {
                roots.filter { root in
                    evaluator.matches(rule, facts: facts[root]!, now: world.now) { world.isMember(root, of: $0) }
                }
            }
            let fromRows = expected(generated)
            let fromStore = expected(loaded)
            // Every 8th rule also runs restricted to some profiles (short and long `among` lists).
            var among: [Int64]?
            if number % 8 == 7 {
                let others = world.profiles.map(\.id).filter { !roots.contains($0) } + [1, 99_999_999]
                let count = number % 16 == 15 ? SegmentSQL.inlineListLimit + 20 : generator.int(1...6)
                among = (0..<count).map { _ in generator.chance(80) ? generator.pick(roots) : generator.pick(others) }
            }
            let fromSQL = try await store.segmentMembers(
                rule, workspaceID: world.workspaceID, now: world.now, utcOffsetSeconds: world.utcOffsetSeconds,
                among: among)
            let wanted = among.map { ids in fromRows.filter(ids.contains) } ?? fromRows
            if fromSQL != wanted || fromStore != fromRows {
                failures += 1
                if failures <= 5 {
                    let query = SegmentSQL(
                        dialect: store.database.dialect, utcOffsetSeconds: world.utcOffsetSeconds, now: world.now
                    ).select(rule, workspaceID: world.workspaceID, among: among)
                    Issue.record(
                        """
                        seed \(seed), rule \(number): \(rule.text)
                          among: \(among.map { "\($0)" } ?? "all")
                          only SQL: \(Set(fromSQL).subtracting(wanted).sorted())
                          only evaluator: \(Set(wanted).subtracting(fromSQL).sorted())
                          evaluator on profileFacts differs on: \(Set(fromStore).symmetricDifference(fromRows).sorted())
                          SQL: \(query.sql)
                          binds: \(query.binds)
                        """)
                }
            }
            if !fromRows.isEmpty && fromRows.count < roots.count { informative += 1 }
        }
        return (informative, rulesPerSeed)
    }

    /// Events in a fixed order, so facts compare regardless of the order rows came back in.
    static func sorted(_ facts: ProfileFacts) -> ProfileFacts {
        var facts = facts
        func key(_ event: EventFact) -> [UInt8] {
            JSONWriter.bytes([
                .int(event.timestamp.millisecondsSinceEpoch), .string(event.name),
                event.channel.map(JSONValue.string) ?? .null, .object(event.properties),
            ])
        }
        facts.events.sort { key($0).lexicographicallyPrecedes(key($1)) }
        return facts
    }
}
