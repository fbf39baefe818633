import Foundation
import Logging
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Synchronization
import Testing

/// The application services every front door calls: their rules hold whichever door a change comes through, and
/// across nodes sharing one Postgres.
@Suite("Application services")
struct ApplicationServicesTests {
    struct World {
        let store: Store
        let clock: ManualClock
        let intelligence: IntelligenceService
        let services: ApplicationServices

        init(_ store: Store, clock: ManualClock = ManualClock()) {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            self.store = store
            self.clock = clock
            intelligence = IntelligenceService(store: store, clock: clock, logger: logger)
            services = ApplicationServices(store: store, clock: clock, intelligence: intelligence)
        }

        /// Customers `u1`… `uN`, stitched, with nothing queued for re-evaluation; returns their profile ids.
        func customers(_ count: Int) async throws -> [Int64] {
            var events = EventFactory(clock: clock, workspaceID: "ws")
            try await store.append(try (1...count).map { try events.order("u\($0)", category: "护肤", amount: 100) })
            while try await store.stitchPending(limit: 100).events > 0 {}
            await intelligence.drain()
            return try await (1...count).asyncMap { index in
                try #require(try await store.profileID(workspaceID: "ws", identity: IdentityRules.make(type: "user_id", value: "u\(index)")))
            }
        }
    }

    static func withWorld(_ backend: TestBackend, _ body: (World) async throws -> Void) async throws {
        try await backend.withStore { store in
            try await store.createWorkspace(Workspace(id: "ws", name: "ws", createdAt: Instant(millisecondsSinceEpoch: 0)))
            try await body(World(store))
        }
    }

    static func draft(_ id: String, _ rule: String) throws -> SegmentService.Draft {
        SegmentService.Draft(id: id, name: id, description: "", kind: .dynamic, rule: try SegmentRule(text: rule), field: "ruleText")
    }

    @Test("deleting a tag takes it off its holders and queues them in the same transaction", arguments: TestBackend.available)
    func deleteRequeues(_ backend: TestBackend) async throws {
        try await Self.withWorld(backend) { world in
            let ids = try await world.customers(3)
            _ = try await world.services.tags.createTag(workspaceID: "ws", name: "会员", group: nil, description: "")
            _ = try await world.services.tagging.bulk(
                workspaceID: "ws", adding: true, tags: ["会员"], profileIDs: Array(ids.prefix(2)), identities: [],
                origin: .init(.manual, reference: "key:k"))
            await world.intelligence.drain()
            #expect(try await world.store.queuedProfileCount() == 0)

            #expect(try await world.services.tags.deleteTag(workspaceID: "ws", name: "会员") == 2)
            let queued = Set(try await world.store.queuedProfiles(limit: 10).map(\.profileID))
            #expect(queued == Set(ids.prefix(2)))
            #expect(try await world.store.profileTags(workspaceID: "ws", profileID: ids[0]).isEmpty)
            await #expect(throws: DefinitionError.notFound("tag '会员'")) {
                try await world.services.tags.deleteTag(workspaceID: "ws", name: "会员")
            }
        }
    }

    @Test("whatever commits profile work wakes its subscribers; a refused change neither writes nor wakes", arguments: TestBackend.available)
    func changeNotification(_ backend: TestBackend) async throws {
        try await Self.withWorld(backend) { world in
            let ids = try await world.customers(1)
            let signals = Mutex(0)
            world.store.profileWorkQueued.subscribe { signals.withLock { $0 += 1 } }
            _ = try await world.services.tags.createTag(workspaceID: "ws", name: "会员", group: nil, description: "")
            #expect(signals.withLock { $0 } == 0, "defining a tag changes no profile")

            _ = try await world.services.tagging.tag(
                workspaceID: "ws", profileID: ids[0], tags: ["会员"], origin: .init(.manual, reference: "key:k"))
            #expect(signals.withLock { $0 } == 1)
            #expect(try await world.store.queuedProfiles(limit: 10).map(\.profileID) == ids)

            await #expect(throws: DefinitionError.unknownTag("不存在")) {
                _ = try await world.services.tagging.tag(
                    workspaceID: "ws", profileID: ids[0], tags: ["不存在"], origin: .init(.manual, reference: nil))
            }
            #expect(signals.withLock { $0 } == 1)
            _ = try await world.services.tagging.untag(workspaceID: "ws", profileID: ids[0], tag: "会员", actor: "key:k")
            #expect(signals.withLock { $0 } == 2)
        }
    }

    @Test("operators may name manual, channel or import as a tag's source, never rule")
    func origins() throws {
        #expect(try TaggingService.Origin(operator: nil, reference: nil, actor: "key:k") == .init(.manual, reference: "key:k"))
        #expect(try TaggingService.Origin(operator: "channel", reference: "qr-1", actor: "key:k") == .init(.channel, reference: "qr-1"))
        #expect(try TaggingService.Origin(operator: "import", reference: nil, actor: "key:k") == .init(.import, reference: nil))
        #expect(throws: DefinitionError.self) { try TaggingService.Origin(operator: "rule", reference: "r1", actor: "key:k") }
        #expect(throws: DefinitionError.self) { try TaggingService.Origin(operator: "channel", reference: nil, actor: "key:k") }
    }

    /// Two segments saved at once, each naming the other, would make a cycle neither save saw. Round after round,
    /// exactly one of the pair must win — in one process, and on two nodes sharing a Postgres.
    static func racePairs(_ nodes: [World], rounds: Int) async throws {
        let services = nodes.map(\.services)
        for round in 0..<rounds {
            let a = "a\(round)", b = "b\(round)"
            _ = try await services[0].segments.save(workspaceID: "ws", try draft(a, "rfm r >= 1"), replacing: nil)
            _ = try await services[1].segments.save(workspaceID: "ws", try draft(b, "rfm r >= 1"), replacing: nil)
            async let first: Bool = Self.saved { _ = try await services[0].segments.save(workspaceID: "ws", try draft(a, #"in segment "\#(b)""#), replacing: a) }
            async let second: Bool = Self.saved { _ = try await services[1].segments.save(workspaceID: "ws", try draft(b, #"in segment "\#(a)""#), replacing: b) }
            let outcomes = [try await first, try await second]
            #expect(outcomes.filter { $0 }.count == 1, "round \(round): \(outcomes)")
        }
        let segments = try await nodes[0].services.segments.segments(workspaceID: "ws")
        var rules: [String: SegmentRule] = [:]
        for segment in segments { rules[segment.id] = segment.rule }
        #expect(SegmentGraph(rules).cycle() == nil)
    }

    /// Whether `body` saved, or was refused for the cycle it would close.
    static func saved(_ body: () async throws -> Void) async throws -> Bool {
        do {
            try await body()
            return true
        } catch let error as DefinitionError where error.code == SegmentRuleError.Code.segmentCycle.rawValue {
            return false
        }
    }

    @Test("two segments saved at once in one process never make a cycle", arguments: TestBackend.available)
    func cycleRaceOneProcess(_ backend: TestBackend) async throws {
        try await Self.withWorld(backend) { world in try await Self.racePairs([world, world], rounds: 8) }
    }

    @Test("two segments saved at once on two nodes sharing a Postgres never make a cycle", .enabled(if: TestDatabases.postgresConfigured))
    func cycleRaceTwoNodes() async throws {
        try await TestDatabases.withTwoPostgresNodes { first, second in
            let stores = [Store(database: first), Store(database: second)]
            try await stores[0].createWorkspace(Workspace(id: "ws", name: "ws", createdAt: Instant(millisecondsSinceEpoch: 0)))
            try await Self.racePairs(stores.map { World($0) }, rounds: 8)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
