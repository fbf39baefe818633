import Foundation
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Synchronization
import Testing

/// The consent ledger on a real store: which answer stands, how clusters answer, what segments read, imports, and
/// that a revocation binds every decision after it — in one process and across two nodes.
@Suite("Consent ledger")
struct ConsentLedgerTests {
    typealias World = DispatchWorld

    static func answer(_ action: String, _ purpose: String = "marketing", _ channel: String = "sms", at: Instant) -> ConsentService.Answer {
        .init(purpose: purpose, channel: channel, action: action, at: at, noticeVersion: action == "grant" ? "privacy-1" : nil,
              source: "test", evidence: "e-\(action)-\(at.millisecondsSinceEpoch)")
    }

    @Test("the latest answer stands whatever order answers arrive in; an older one is kept in the history only",
          arguments: TestBackend.available)
    func latestStands(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            let now = world.clock.now()
            _ = try await world.services.consent.record(
                workspaceID: World.workspace, profileID: customer, Self.answer("grant", at: now.adding(days: -1)))
            let report = try await world.services.consent.importAnswers(
                workspaceID: World.workspace,
                [.init(profileID: customer, identity: nil, answer: Self.answer("revoke", at: now.adding(days: -30)), key: "old")])
            #expect(report == .init(recorded: 1, duplicates: 0, superseded: 1))
            let consent = try await world.services.consent.consent(workspaceID: World.workspace, profileID: customer)
            #expect(consent.states.map { ConsentState(latest: $0.record.entry).status } == [.granted])
            #expect(consent.summary[.marketing] == true)
            let history = try await world.services.consent.history(workspaceID: World.workspace, profileID: customer, before: nil, limit: 10)
            #expect(history.map(\.record.entry.action) == [.revoke, .grant], "newest entry first, both kept")
            let outcome = try await world.send(world.ticket("m", customer))
            #expect(outcome.first?.decision == .send)
        }
    }

    /// The ledger's state against a reference fold written from the rule's words, over random answers arriving in
    /// random order on two purposes and two channels, several at the same instant.
    @Test("random answers in random order: the state is the reference's latest answer per purpose and channel",
          arguments: TestBackend.available)
    func randomAnswers(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            var random = SplitMix64(seed: 20_261_203)
            let base = world.clock.now().adding(days: -10)
            var recorded: [(purpose: String, channel: String, action: String, at: Int64, order: Int)] = []
            for order in 0..<120 {
                let purpose = ["marketing", "service"][Int(random.next() % 2)]
                let channel = ["sms", "email"][Int(random.next() % 2)]
                let action = random.next() % 3 == 0 ? "revoke" : "grant"
                // Few distinct instants, so ties between a grant and a revocation are common.
                let at = base.adding(milliseconds: Int64(random.next() % 12) * 3_600_000)
                _ = try await world.services.consent.record(
                    workspaceID: World.workspace, profileID: customer, Self.answer(action, purpose, channel, at: at))
                recorded.append((purpose, channel, action, at.millisecondsSinceEpoch, order))
            }
            // Reference: the latest instant wins; at one instant a revocation wins; then the later recorded.
            var expected: [String: String] = [:]
            for group in Dictionary(grouping: recorded, by: { "\($0.purpose)/\($0.channel)" }) {
                let best = group.value.max { a, b in
                    (a.at, a.action == "revoke" ? 1 : 0, a.order) < (b.at, b.action == "revoke" ? 1 : 0, b.order)
                }!
                expected[group.key] = best.action
            }
            let states = try await world.services.consent.consent(workspaceID: World.workspace, profileID: customer).states
            let actual = Dictionary(uniqueKeysWithValues: states.map {
                ("\($0.record.purpose.rawValue)/\($0.record.channel.rawValue)", $0.record.entry.action.rawValue)
            })
            #expect(actual == expected)
            #expect(expected.values.contains("revoke") && expected.values.contains("grant"), "the draw reaches both answers")
        }
    }

    @Test("the segment condition consent reads the ledger: granted on some channel, denied when every answer is no",
          arguments: TestBackend.available)
    func segmentsReadLedger(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            for (id, rule) in [("granted", "consent \"marketing\" granted"), ("denied", "consent \"marketing\" denied"),
                               ("unknown", "consent \"marketing\" unknown")] {
                _ = try await world.services.segments.save(
                    workspaceID: World.workspace,
                    .init(id: id, name: id, description: "", kind: .dynamic, rule: try SegmentRule(text: rule), field: "ruleText"),
                    replacing: nil)
            }
            func memberships() async throws -> [String] {
                await world.intelligence.drain()
                var result: [String] = []
                for id in ["granted", "denied", "unknown"] {
                    let members = try await world.services.segments.members(workspaceID: World.workspace, id: id, after: nil, limit: 10)
                    if members.contains(where: { $0.profileID == customer }) { result.append(id) }
                }
                return result
            }
            #expect(try await memberships() == ["unknown"])
            try await world.grant(customer, on: "sms")
            #expect(try await memberships() == ["granted"])
            world.clock.advance(milliseconds: 1)
            try await world.revoke(customer, on: "sms")
            #expect(try await memberships() == ["denied"])
            try await world.grant(customer, on: "email")
            #expect(try await memberships() == ["granted"], "reachable for marketing on email")
            let timeline = try await world.store.timeline(workspaceID: World.workspace, profileID: customer, limit: 20)
            #expect(timeline.filter { $0.message.event == SystemEvent.consentGranted }.count == 2)
            #expect(timeline.filter { $0.message.event == SystemEvent.consentRevoked }.count == 1)
        }
    }

    @Test("a merged cluster answers as its latest member, and undoing the merge splits the answers back",
          arguments: TestBackend.available)
    func mergesAndUnmerges(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            var events = EventFactory(clock: world.clock, workspaceID: World.workspace)
            try await world.store.append([
                try events.make(["type": "identify", "userId": "u1", "traits": ["phone": "13800138000"]]),
                try events.make(["type": "identify", "anonymousId": "a1", "traits": ["email": "li@example.cn"]]),
            ])
            while try await world.store.stitchPending(limit: 100).events > 0 {}
            let member = try #require(try await world.store.profileID(workspaceID: World.workspace, identity: IdentityRules.make(type: "anonymous_id", value: "a1")))
            let user = try await world.customer("u1")
            let now = world.clock.now()
            _ = try await world.services.consent.record(
                workspaceID: World.workspace, profileID: user, Self.answer("grant", at: now.adding(days: -2)))
            _ = try await world.services.consent.record(
                workspaceID: World.workspace, profileID: member, Self.answer("revoke", at: now.adding(days: -1)))
            try await world.store.append([try events.make(["type": "track", "event": "Login", "userId": "u1", "anonymousId": "a1"])])
            while try await world.store.stitchPending(limit: 100).events > 0 {}
            let root = try #require(try await world.store.rootProfileID(workspaceID: World.workspace, profileID: member))
            #expect(root == (try await world.store.rootProfileID(workspaceID: World.workspace, profileID: user)))
            let merged = try await world.services.consent.consent(workspaceID: World.workspace, profileID: root)
            #expect(merged.summary[.marketing] == false, "the latest answer of the person is the revocation")
            #expect(try await world.send(world.ticket("after-merge", root)).first?.decision == .suppress(.unsubscribed))

            let merge = try #require(try await world.services.profiles.merges(workspaceID: World.workspace, profileID: root).first)
            _ = try await world.services.profiles.undoMerge(workspaceID: World.workspace, id: merge.id, actor: "test")
            #expect(try await world.services.consent.consent(workspaceID: World.workspace, profileID: user).summary[.marketing] == true)
            #expect(try await world.services.consent.consent(workspaceID: World.workspace, profileID: member).summary[.marketing] == false)
        }
    }

    @Test("an import is all or nothing, and sending it again records nothing twice", arguments: TestBackend.available)
    func imports(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            let at = world.clock.now().adding(days: -3)
            let good = [
                ConsentService.ImportRow(profileID: nil, identity: "phone:13800138000", answer: Self.answer("grant", at: at), key: "r1"),
                ConsentService.ImportRow(profileID: customer, identity: nil, answer: Self.answer("grant", "service", at: at), key: "r2"),
            ]
            let noNotice = ConsentService.ImportRow(
                profileID: customer, identity: nil,
                answer: .init(purpose: "marketing", channel: "email", action: "grant", at: at, source: "sheet"), key: "r3")
            let unknown = ConsentService.ImportRow(profileID: nil, identity: "phone:13900000000", answer: Self.answer("grant", at: at), key: "r4")
            for bad in [noNotice, unknown] {
                do {
                    _ = try await world.services.consent.importAnswers(workspaceID: World.workspace, good + [bad])
                    Issue.record("the import should have been refused")
                } catch let error as DefinitionError {
                    #expect(error.details["path"]?.stringValue?.hasPrefix("records[2]") == true)
                }
            }
            #expect(try await world.services.consent.history(workspaceID: World.workspace, profileID: customer, before: nil, limit: 10).isEmpty,
                    "nothing half-stored")
            #expect(try await world.services.consent.importAnswers(workspaceID: World.workspace, good) == .init(recorded: 2))
            #expect(try await world.services.consent.importAnswers(workspaceID: World.workspace, good) == .init(duplicates: 2))
            #expect(try await world.services.consent.history(workspaceID: World.workspace, profileID: customer, before: nil, limit: 10).count == 2)
        }
    }

    /// Senders decide messages for one customer in a loop while a revocation commits; every call that starts after
    /// the revocation returned must find it, and a message decided before it is stopped at hand-over.
    static func revocationRace(revoker: DispatchWorld, senders: [DispatchWorld]) async throws {
        let customer = try await revoker.customer("u1", ["phone": "13800138000"])
        try await revoker.grant(customer, on: "sms")
        final class Race: Sendable {
            let revoked = Mutex(false)
            let violations = Mutex<[String]>([])
            let afterRevoke = Mutex(0)
            let sentBefore = Mutex(0)
        }
        let race = Race()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, sender) in senders.enumerated() {
                group.addTask {
                    for round in 0..<40 {
                        let startedAfterRevoke = race.revoked.withLock { $0 }
                        let outcome = try await sender.send(sender.ticket("n\(index)-\(round)", customer, .sms, .service))
                        if outcome.first?.decision == .send { race.sentBefore.withLock { $0 += 1 } }
                        if startedAfterRevoke {
                            race.afterRevoke.withLock { $0 += 1 }
                            if outcome.first?.decision != .suppress(.unsubscribed) {
                                race.violations.withLock { $0.append("n\(index)-\(round): \(String(describing: outcome.first?.decision))") }
                            }
                        }
                    }
                }
            }
            group.addTask {
                // Revoke in the middle of the traffic: once a few messages are decided.
                while race.sentBefore.withLock({ $0 }) < 5 { try await Task.sleep(for: .milliseconds(2)) }
                try await revoker.revoke(customer, "service", on: "sms")
                race.revoked.withLock { $0 = true }
            }
            try await group.waitForAll()
        }
        #expect(race.violations.withLock { $0 }.isEmpty)
        #expect(race.afterRevoke.withLock { $0 } > 0, "some decisions were asked for after the revocation")
        for world in senders { await world.runner.runDue() }
        #expect(try await revoker.delivered().isEmpty, "nothing decided before the revocation went out after it")
        let sent = try await revoker.services.dispatch.decisions(
            workspaceID: World.workspace, filter: .init(decision: "send"), before: nil, limit: 1000)
        #expect(!sent.isEmpty, "some were decided before the revocation")
    }

    @Test("no decision that starts after a revocation commits is a send", arguments: TestBackend.available)
    func revocationBindsDecisions(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await Self.revocationRace(revoker: world, senders: [world, world, world])
        }
    }

    @Test("a revocation on one node binds the decisions of another", .enabled(if: TestDatabases.postgresConfigured))
    func revocationBindsOtherNodes() async throws {
        try await TestDatabases.withTwoPostgresNodes { first, second in
            let one = Store(database: first), two = Store(database: second)
            try await one.createWorkspace(Workspace(id: World.workspace, name: World.workspace, createdAt: Instant(millisecondsSinceEpoch: 0)))
            let clock = ManualClock(World.noon)
            try await Self.revocationRace(
                revoker: DispatchWorld(one, clock: clock, owner: "n1"), senders: [DispatchWorld(two, clock: clock, owner: "n2"), DispatchWorld(two, clock: clock, owner: "n3")])
        }
    }

    @Test("two nodes deciding for one customer at once never both take the last slot under a cap",
          .enabled(if: TestDatabases.postgresConfigured))
    func capsHoldAcrossNodes() async throws {
        try await TestDatabases.withTwoPostgresNodes { first, second in
            let one = Store(database: first), two = Store(database: second)
            try await one.createWorkspace(Workspace(id: World.workspace, name: World.workspace, createdAt: Instant(millisecondsSinceEpoch: 0)))
            let clock = ManualClock(World.noon)
            let worlds = [DispatchWorld(one, clock: clock, owner: "n1"), DispatchWorld(two, clock: clock, owner: "n2")]
            let customer = try await worlds[0].customer("u1", ["phone": "13800138000"])
            try await worlds[0].grant(customer, on: "sms")
            // Service messages first, so the marketing share is no obstacle and only the daily cap of 2 decides.
            for index in 0..<10 { _ = try await worlds[0].send(worlds[0].ticket("s\(index)", customer, .sms, .service)) }
            let decisions = try await withThrowingTaskGroup(of: DispatchDecision?.self) { group in
                for index in 0..<16 {
                    let world = worlds[index % 2]
                    group.addTask { try await world.send(world.ticket("m\(index)", customer)).first?.decision }
                }
                var all: [DispatchDecision?] = []
                for try await decision in group { all.append(decision) }
                return all
            }
            #expect(decisions.filter { $0 == .send }.count == 2, "\(decisions)")
            #expect(decisions.filter { $0?.reason == .cap }.count == 14)
        }
    }
}
