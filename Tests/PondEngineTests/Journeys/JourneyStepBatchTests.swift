import Foundation
import Logging
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// Journey steps taken a batch at a time are the same steps as taken one by one: positions, arms, timers, messages,
/// tags and traits; a run that fails, a lease that is lost and a batch run again after a crash each touch only
/// their own job.
@Suite("Journey step batches")
struct JourneyStepBatchTests {
    typealias World = DispatchWorld
    static let tags = ["t0", "t1", "t2", "t3"]

    /// A random journey over tags, traits, messages, delays, conditions and splits; every node is reached from the
    /// start (each is made where it is first pointed at), every path ends at `done`.
    struct JourneyGenerator {
        var random: SplitMix64
        var nodes: [JSONValue] = []

        init(seed: UInt64) { random = SplitMix64(seed: seed) }

        mutating func pick(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }

        mutating func journey(_ name: String) -> JSONValue {
            nodes = [["id": "done", "type": "exit"]]
            let start = node(depth: 0)
            return ["name": .string(name), "trigger": ["type": "manual"], "start": .string(start), "nodes": .array(nodes)]
        }

        private mutating func node(depth: Int) -> String {
            guard depth < 6, depth == 0 || pick(8) > 0 else { return "done" }
            let id = "n\(nodes.count)"
            nodes.append(.null)
            let slot = nodes.count - 1
            let tag = JSONValue.string(JourneyStepBatchTests.tags[pick(JourneyStepBatchTests.tags.count)])
            let made: JSONValue
            switch pick(7) {
            case 0: made = ["id": .string(id), "type": "action", "action": ["type": "add_tag", "tag": tag], "next": .string(node(depth: depth + 1))]
            case 1: made = ["id": .string(id), "type": "action", "action": ["type": "remove_tag", "tag": tag], "next": .string(node(depth: depth + 1))]
            case 2:
                made = ["id": .string(id), "type": "action", "action": ["type": "set_trait", "key": "stage", "value": .string("s\(pick(3))")],
                        "next": .string(node(depth: depth + 1))]
            case 3:
                made = ["id": .string(id), "type": "action", "action": ["type": "send_message", "template": "hello", "channel": "sms"],
                        "next": .string(node(depth: depth + 1))]
            case 4: made = ["id": .string(id), "type": "delay", "seconds": .int(Int64(60 * (1 + pick(90)))), "next": .string(node(depth: depth + 1))]
            case 5:
                made = ["id": .string(id), "type": "condition", "rule": ["type": "has_tag", "tag": tag],
                        "then": .string(node(depth: depth + 1)), "else": .string(node(depth: depth + 1))]
            default:
                let share = Int64(10 * (1 + pick(9)))
                made = ["id": .string(id), "type": "split", "arms": [
                    ["name": "A", "percent": .int(share), "next": .string(node(depth: depth + 1))],
                    ["name": "B", "percent": .int(100 - share), "next": .string(node(depth: depth + 1))],
                ]]
            }
            nodes[slot] = made
            return id
        }
    }

    /// Customers (some granted SMS, some tagged already), a template and `journeys` random journeys, all started,
    /// everyone entered into each: the same world, id for id, whatever the batch size.
    static func populate(_ world: World, seed: UInt64, customers: Int, journeys: Int) async throws {
        var random = SplitMix64(seed: seed &* 31 &+ 7)
        for tag in tags { _ = try await world.services.tags.createTag(workspaceID: World.workspace, name: tag, group: nil, description: "") }
        var profiles: [Int64] = []
        for index in 0..<customers {
            var traits: [String: JSONValue] = ["phone": .string("1380013\(String(format: "%04d", index))")]
            if random.next() % 2 == 0 { traits["name"] = .string("客\(index)") }
            let profile = try await world.customer("u\(index)", traits)
            if random.next() % 3 > 0 { try await world.grant(profile, on: "sms") }
            if random.next() % 2 == 0 {
                _ = try await world.services.tagging.tag(
                    workspaceID: World.workspace, profileID: profile, tags: [tags[Int(random.next() % 4)]], origin: .init(.manual, reference: "t"))
            }
            profiles.append(profile)
        }
        // Saved once the customers' traits are known, which it names.
        _ = try await world.services.templates.save(
            workspaceID: World.workspace, id: "hello",
            definition: ["name": "Hello", "category": "marketing", "bodies": ["sms": ["text": "{{name|会员}}，会员日 8 折"]]],
            replacing: nil)
        var generator = JourneyGenerator(seed: seed)
        for index in 0..<journeys {
            let id = try await world.services.journeys.save(
                workspaceID: World.workspace, id: "j\(index)", replacing: nil, generator.journey("J\(index)")).journey.id
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            _ = try await world.services.journeys.enter(workspaceID: World.workspace, id: id, profileIDs: profiles, requestKey: "r")
        }
    }

    /// Everything a step writes, as text, timestamps included.
    static func snapshot(_ store: Store) async throws -> [String: [String]] {
        let queries = [
            "runs": "SELECT id, journey_id, node, step, status, exit_reason, updated_at FROM journey_runs ORDER BY id",
            "arms": "SELECT run_id, node, arm FROM journey_run_arms ORDER BY run_id, node",
            "jobs": "SELECT kind, job_key, due_at FROM jobs ORDER BY kind, job_key",
            "messages": "SELECT message_key, profile_id, status, content FROM messages ORDER BY message_key",
            "decisions": "SELECT message_key, decision, reason FROM dispatch_decisions ORDER BY message_key, id",
            "tags": "SELECT profile_id, tag, source, source_ref, tagged_at FROM profile_tags ORDER BY profile_id, tag",
            "traits": "SELECT profile_id, key, value, ts FROM profile_traits ORDER BY profile_id, key",
            "history": "SELECT profile_id, key, value, message_id FROM trait_history WHERE message_id LIKE 'journey:%' ORDER BY message_id",
            "timeline": "SELECT profile_id, event, COUNT(*) FROM events WHERE channel = 'pond' GROUP BY profile_id, event ORDER BY profile_id, event",
        ]
        var snapshot: [String: [String]] = [:]
        for (name, sql) in queries {
            snapshot[name] = try await store.database.read { db in
                try await db.query(sql, []).map { row in row.values.map { "\($0)" }.joined(separator: "|") }
            }
        }
        return snapshot
    }

    @Test("a batch of many runs at different nodes ends exactly where taking one step at a time does",
          arguments: TestBackend.available, [UInt64(1), 2, 3])
    func batchesAgreeWithSingleSteps(_ backend: TestBackend, seed: UInt64) async throws {
        var snapshots: [[[String: [String]]]] = []
        for batchSize in [1, 500] {
            try await backend.withStore { store in
                try await store.createWorkspace(Workspace(id: World.workspace, name: World.workspace, createdAt: Instant(millisecondsSinceEpoch: 0)))
                let world = World(store, clock: ManualClock(World.noon), stepBatchSize: batchSize)
                try await Self.populate(world, seed: seed, customers: 16, journeys: 4)
                var phases: [[String: [String]]] = []
                await world.settle()
                phases.append(try await Self.snapshot(store))
                for _ in 0..<8 {
                    await world.advance(seconds: 900)
                    phases.append(try await Self.snapshot(store))
                }
                snapshots.append(phases)
            }
        }
        let (single, batched) = (snapshots[0], snapshots[1])
        for (phase, (one, many)) in zip(single, batched).enumerated() {
            for name in one.keys.sorted() {
                #expect(one[name] == many[name], "phase \(phase): \(name) differs")
            }
        }
        // Not vacuous: the journeys moved runs, sent, tagged, set traits and split.
        let end = single.last!
        #expect(end["runs"]!.contains { $0.contains("\"exited\"") }, "\(end["runs"]!.prefix(3))")
        #expect(end["messages"]!.count > 0)
        #expect(end["arms"]!.count > 0)
        #expect(end["timeline"]!.contains { $0.contains("Tag Added") })
        #expect(single.first!["jobs"]!.contains { $0.contains("journey.step") }, "some runs wait on a timer")
        #expect(single.last!["runs"] != single.first!["runs"], "timers fired")
    }

    /// A journey `tag ok → exit`, saved and started, with `count` customers entered.
    static func tagging(_ world: World, count: Int) async throws -> [Int64] {
        _ = try await world.services.tags.createTag(workspaceID: World.workspace, name: "ok", group: nil, description: "")
        let id = try await world.services.journeys.save(workspaceID: World.workspace, id: "ok", replacing: nil, [
            "name": "OK", "trigger": ["type": "manual"], "start": "t",
            "nodes": [JourneyEngineTests.tag("t", "ok", next: "done"), JourneyEngineTests.exit],
        ]).journey.id
        _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
        var profiles: [Int64] = []
        for index in 0..<count { profiles.append(try await world.customer("c\(index)")) }
        _ = try await world.services.journeys.enter(workspaceID: World.workspace, id: id, profileIDs: profiles, requestKey: "r")
        return profiles
    }

    @Test("a run whose step fails is retried alone, with backoff; the rest of its batch commits", arguments: TestBackend.available)
    func failingRunRetriedAlone(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let profiles = try await Self.tagging(world, count: 5)
            // A version naming an action this server cannot carry out, stored as an older server would have.
            _ = try await world.store.saveJourneyVersion(
                workspaceID: World.workspace, id: "later", name: "Later",
                definition: JSONWriter.string([
                    "name": "Later", "trigger": ["type": "manual"], "start": "a",
                    "nodes": [["id": "a", "type": "action", "action": ["type": "grant_points", "points": 10], "next": "done"], ["id": "done", "type": "exit"]],
                ]), listeners: [], triggerJob: nil, at: world.clock.now())
            let failing = try await world.customer("f")
            _ = try await world.store.enterJourneyRuns(
                workspaceID: World.workspace,
                [NewJourneyRun(journeyID: "later", version: 1, profileID: failing, entryKey: "once:\(failing)", dedupeKey: nil, triggerSeq: nil, start: "a")],
                at: world.clock.now())

            #expect(await world.runner.runDue() == 6, "one batch of six steps")
            for profile in profiles { #expect(try await world.tags(profile) == ["ok"]) }
            #expect(try await world.store.journeyRuns(workspaceID: World.workspace, profileID: failing).map(\.step) == [0])
            #expect(await world.runner.runDue() == 0, "the failed step waits for its backoff")
            world.clock.advance(milliseconds: 2_000)
            #expect(await world.runner.runDue() == 1, "and comes back alone")
            let error = try await world.store.database.read { db in
                try await db.query("SELECT last_error FROM jobs WHERE kind = 'journey.step'", []).first?[0].text
            }
            #expect(error?.contains("grant_points") == true)
        }
    }

    @Test("a step whose lease was lost in the middle of a batch writes nothing; the others commit", arguments: TestBackend.available)
    func lostLeaseWritesNothing(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let profiles = try await Self.tagging(world, count: 5)
            let claimed = try await world.store.claimJobs(
                kinds: [Store.stepJobKind], owner: "n1", now: world.clock.now(), lease: .seconds(60), limit: 10)
            #expect(claimed.count == 5)
            // Another node took the third job over (its lease ran out meanwhile).
            _ = try await world.store.database.write { db in
                try await db.execute("UPDATE jobs SET lease_owner = 'n2', attempts = attempts + 1 WHERE id = ?", .int(claimed[2].id))
            }
            let handler = JourneyStepJob(journeys: world.services.journeys, dispatch: world.services.dispatch, logger: Logger(label: "test"))
            let results = await handler.runBatch(claimed)
            for (index, result) in results.enumerated() {
                if index == 2 {
                    #expect(throws: JobLeaseLost(jobID: claimed[2].id)) { try result.get() }
                } else {
                    #expect(try result.get() == .completed)
                }
            }
            let runs = try await world.store.journeyRuns(workspaceID: World.workspace, profileID: profiles[2])
            #expect(runs.map(\.step) == [0], "its run did not move")
            #expect(try await world.tags(profiles[2]).isEmpty, "nor was it tagged")
            #expect(try await world.tags(profiles[1]) == ["ok"])
            #expect(try await world.store.jobCount(workspaceID: World.workspace) == 1, "only the job the other node holds")
        }
    }

    static func lostLease(_ result: Result<JobOutcome, any Error>) -> Bool {
        guard case .failure(let error) = result else { return false }
        return error is JobLeaseLost
    }

    @Test("a batch taken again after a crash before its write sends nothing twice", arguments: TestBackend.available)
    func crashSendsNothingTwice(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            _ = try await world.services.templates.save(
                workspaceID: World.workspace, id: "hello",
                definition: ["name": "Hello", "category": "service", "bodies": ["sms": ["text": "你好"]]], replacing: nil)
            let id = try await world.services.journeys.save(workspaceID: World.workspace, id: "hi", replacing: nil, [
                "name": "Hi", "trigger": ["type": "manual"], "start": "send",
                "nodes": [
                    ["id": "send", "type": "action", "action": ["type": "send_message", "template": "hello", "channel": "sms"], "next": "wait"],
                    ["id": "wait", "type": "delay", "seconds": 3600, "next": "done"], JourneyEngineTests.exit,
                ],
            ]).journey.id
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            var profiles: [Int64] = []
            for index in 0..<8 { profiles.append(try await world.customer("c\(index)", ["phone": .string("1390000000\(index)")])) }
            _ = try await world.services.journeys.enter(workspaceID: World.workspace, id: id, profileIDs: profiles, requestKey: "r")

            // The first node sends, then dies before writing: its leases run out and a second node takes the batch.
            let first = try await world.store.claimJobs(kinds: [Store.stepJobKind], owner: "n1", now: world.clock.now(), lease: .seconds(60), limit: 100)
            let handler = JourneyStepJob(journeys: world.services.journeys, dispatch: world.services.dispatch, logger: Logger(label: "test"))
            world.clock.advance(milliseconds: 61_000)
            let second = try await world.store.claimJobs(kinds: [Store.stepJobKind], owner: "n2", now: world.clock.now(), lease: .seconds(60), limit: 100)
            #expect(second.count == 8)
            let crashed = await handler.runBatch(first)
            #expect(crashed.allSatisfy(Self.lostLease), "nothing of it is written")
            let messagesAfterCrash = try await Self.snapshot(world.store)["messages"]!
            #expect(messagesAfterCrash.count == 8, "but its messages were handed to the dispatcher")
            let retaken = await handler.runBatch(second)
            #expect(retaken.allSatisfy { (try? $0.get()) == .completed })
            await world.settle()
            #expect(try await Self.snapshot(world.store)["messages"]!.count == 8, "the same keys, not new messages")
            #expect(try await world.delivered().count == 8, "each delivered once")
            for profile in profiles {
                #expect(try await world.store.journeyRuns(workspaceID: World.workspace, profileID: profile).map(\.node) == ["done"])
            }
        }
    }
}
