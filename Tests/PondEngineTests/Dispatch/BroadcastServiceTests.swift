import Foundation
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// Broadcasts end to end on a real store: the audience read in slices through the dispatcher into the sandbox, the
/// report, render failures, crashes, schedules and cancellation.
@Suite("Broadcast service")
struct BroadcastServiceTests {
    typealias World = BroadcastWorld

    @Test("a broadcast reaches every consenting member once, suppresses the rest by reason, and reports both",
          arguments: TestBackend.available)
    func deliversToSegment(_ backend: TestBackend) async throws {
        try await World.with(backend, sliceSize: 2) { world in
            let consenting = try await world.customers(3, traits: { ["name": .string("会员\($0)")] })
            let silent = try await world.customers(2, consenting: false, from: 3)
            let outsider = try await world.customers(1, from: 5)
            try await world.segment("vip", consenting + silent)
            try await world.template("day", World.sms("{{name|亲爱的会员}}，会员日 8 折"))
            let created = try await world.broadcast("b1", segment: "vip", template: "day")
            #expect(created.status == .running)
            #expect(created.category == .marketing, "the template's category")

            await world.runner.runDue()
            let done = try await world.current("b1")
            #expect(done.status == .completed)
            #expect(done.progress.audienceRead == 5)
            #expect(done.progress.slices == 3, "2 + 2 + 1 members")
            #expect(done.templateVersion == 1)
            #expect(done.audienceEstimate == 5)
            #expect(done.startedAt == world.clock.now())

            let delivered = try await world.base.delivered()
            #expect(delivered == consenting.map { "broadcast:b1:\($0)" }.sorted())
            #expect(!delivered.contains("broadcast:b1:\(outsider[0])"), "only the segment")
            let sandbox = try await world.store.sandboxDeliveries(workspaceID: World.workspace, profileID: consenting[1], before: nil, limit: 10)
            #expect(sandbox.first?.content.text == "会员1，会员日 8 折")
            let report = try await world.report("b1")
            #expect(report.byStatus[.delivered] == delivered.count)
            #expect(report.byStatus[.suppressed] == 2)
            #expect(report.byReason == [.noConsent: 2], "customers without consent")
            #expect(report.messages == 5)
            #expect(report.renderFailures == 0)
            let stored = try await world.services.dispatch.message(workspaceID: World.workspace, key: "broadcast:b1:\(consenting[0])")
            #expect(stored.ticket.origin == "broadcast")
            #expect(stored.ticket.originRef == "b1")
        }
    }

    @Test("members whose message cannot be rendered are counted with the variables they lack, and not sent",
          arguments: TestBackend.available)
    func renderFailures(_ backend: TestBackend) async throws {
        try await World.with(backend, sliceSize: 2) { world in
            let ids = try await world.customers(4, traits: { $0 % 2 == 0 ? ["name": "李", "coupon": "C1"] : [:] })
            try await world.segment("all", ids)
            try await world.template("coupon", World.sms("{{name}}，您的券 {{coupon}} 今天到期"))
            _ = try await world.broadcast("b", segment: "all", template: "coupon")
            await world.runner.runDue()
            let report = try await world.report("b")
            #expect(report.renderFailures == 2)
            #expect(report.missingVariables == ["name": 2, "coupon": 2])
            #expect(report.failedSample == [ids[1], ids[3]])
            #expect(report.messages == 2)
            #expect(try await world.base.delivered() == [ids[0], ids[2]].map { "broadcast:b:\($0)" }.sorted())
        }
    }

    @Test("a crash after a slice was handed over resumes there: every member is decided exactly once",
          arguments: TestBackend.available)
    func crashResume(_ backend: TestBackend) async throws {
        try await World.with(backend, sliceSize: 3) { world in
            let ids = try await world.customers(8)
            try await world.segment("vip", ids)
            try await world.template("day", World.sms("会员日"))
            _ = try await world.broadcast("b", segment: "vip", template: "day")

            // The first slice runs whole; the second is handed to the dispatcher, and the process dies before
            // its cursor is saved.
            let first = try #require(try await world.store.claimJobs(
                kinds: [Store.broadcastSliceJobKind], owner: "doomed", now: world.clock.now(), lease: .seconds(60), limit: 1).first)
            #expect(try await world.slice.run(first) == .completed)
            let second = try #require(try await world.store.claimJobs(
                kinds: [Store.broadcastSliceJobKind], owner: "doomed", now: world.clock.now(), lease: .seconds(60), limit: 1).first)
            guard case .read = try await world.slice.handOver(second) else {
                Issue.record("the second slice read nothing")
                return
            }
            #expect(try await world.messageKeys("b").count == 6, "two slices decided")
            #expect(try await world.current("b").progress.audienceRead == 3, "one slice recorded")

            // A new process on the same store takes the job over once its lease has run out.
            world.clock.advance(milliseconds: 61_000)
            let restarted = world.restarted()
            await restarted.runner.runDue()
            let done = try await restarted.current("b")
            #expect(done.status == .completed)
            #expect(done.progress.audienceRead == 8)
            let keys = try await restarted.messageKeys("b")
            #expect(keys == Dictionary(uniqueKeysWithValues: ids.map { ("broadcast:b:\($0)", 1) }))
            #expect(try await restarted.decisionCount("b") == 8, "the repeated slice decided nothing again")
            #expect(try await restarted.base.delivered().count == 8)
            #expect(try await restarted.report("b").byStatus[.delivered] == 8)
        }
    }

    @Test("a scheduled broadcast does not start before its time", arguments: TestBackend.available)
    func scheduled(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let ids = try await world.customers(3)
            try await world.segment("vip", ids)
            try await world.template("day", World.sms("会员日"))
            let at = world.clock.now().adding(milliseconds: 3_600_000)
            let created = try await world.broadcast("later", segment: "vip", template: "day", scheduledAt: at)
            #expect(created.status == .scheduled)
            #expect(await world.runner.runDue() == 0)
            world.clock.advance(milliseconds: 3_599_999)
            #expect(await world.runner.runDue() == 0, "a millisecond early, still nothing")
            #expect(try await world.current("later").status == .scheduled)
            #expect(try await world.messageKeys("later").isEmpty)
            world.clock.advance(milliseconds: 1)
            await world.runner.runDue()
            let done = try await world.current("later")
            #expect(done.status == .completed)
            #expect(done.startedAt == at)
            #expect(try await world.base.delivered().count == 3)
        }
    }

    @Test("cancelling stops further slices; messages already decided stay", arguments: TestBackend.available)
    func cancel(_ backend: TestBackend) async throws {
        try await World.with(backend, sliceSize: 2) { world in
            let ids = try await world.customers(5)
            try await world.segment("vip", ids)
            try await world.template("day", World.sms("会员日"))
            _ = try await world.broadcast("b", segment: "vip", template: "day")
            let first = try #require(try await world.store.claimJobs(
                kinds: [Store.broadcastSliceJobKind], owner: "n", now: world.clock.now(), lease: .seconds(60), limit: 1).first)
            #expect(try await world.slice.run(first) == .completed)
            let cancelled = try await world.services.broadcasts.cancel(workspaceID: World.workspace, id: "b")
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.cancelledAt == world.clock.now())
            #expect(try await world.services.broadcasts.cancel(workspaceID: World.workspace, id: "b").status == .cancelled,
                    "cancelling again changes nothing")
            await world.runner.runDue()
            #expect(try await world.current("b").progress.audienceRead == 2, "no slice after the cancel")
            #expect(try await world.messageKeys("b").count == 2)
            #expect(try await world.base.delivered().count == 2, "decided messages still go out")
            #expect(try await world.store.jobCount(workspaceID: World.workspace) == 0, "no slice left queued")

            _ = try await world.broadcast("c", segment: "vip", template: "day")
            await world.runner.runDue()
            let finished = await refusal { try await world.services.broadcasts.cancel(workspaceID: World.workspace, id: "c") }
            #expect(finished?.code == "broadcast_finished")
            #expect(await refusal { try await world.services.broadcasts.cancel(workspaceID: World.workspace, id: "zz") }?.kind == .notFound)
        }
    }

    @Test("a slice running while its broadcast is cancelled records nothing and queues no next slice",
          arguments: TestBackend.available)
    func cancelDuringSlice(_ backend: TestBackend) async throws {
        try await World.with(backend, sliceSize: 2) { world in
            let ids = try await world.customers(5)
            try await world.segment("vip", ids)
            try await world.template("day", World.sms("会员日"))
            _ = try await world.broadcast("b", segment: "vip", template: "day")
            let job = try #require(try await world.store.claimJobs(
                kinds: [Store.broadcastSliceJobKind], owner: "n", now: world.clock.now(), lease: .seconds(60), limit: 1).first)
            guard case .read(let work) = try await world.slice.handOver(job) else {
                Issue.record("the slice read nothing")
                return
            }
            _ = try await world.services.broadcasts.cancel(workspaceID: World.workspace, id: "b")
            try await world.slice.finish(job, work)
            #expect(try await world.current("b").status == .cancelled)
            #expect(try await world.store.jobCount(workspaceID: World.workspace) == 2, "only the two hand-overs are queued")
            await world.runner.runDue()
            #expect(try await world.messageKeys("b").count == 2)
        }
    }

    @Test("a broadcast is refused for what it names, and its template is held while it is scheduled", arguments: TestBackend.available)
    func refusals(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let ids = try await world.customers(1, traits: { _ in ["name": "李"] })
            try await world.segment("vip", ids)
            try await world.template("day", World.sms("{{name}} 会员日"))
            try await world.template("order", ["name": "x", "category": "service", "bodies": ["sms": ["text": "{{event.order}} 已发货"]]])
            var refused = await refusal { try await world.broadcast("b", segment: "nope", template: "day") }
            #expect(refused?.code == "unknown_segment")
            #expect(refused?.details["path"] == "segmentId")
            refused = await refusal { try await world.broadcast("b", segment: "vip", template: "nope") }
            #expect(refused?.code == "unknown_template")
            refused = await refusal { try await world.broadcast("b", segment: "vip", template: "day", channel: "email") }
            #expect(refused?.code == "template_lacks_channel")
            refused = await refusal { try await world.broadcast("b", segment: "vip", template: "order") }
            #expect(refused?.code == "template_unknown_variable", "a broadcast has no trigger event")
            refused = await refusal {
                try await world.services.broadcasts.create(
                    workspaceID: World.workspace,
                    .init(name: "b", segmentID: "vip", templateID: "day", channel: "sms", category: .service, createdBy: "t"))
            }
            #expect(refused?.details["path"] == "category", "a marketing template is not sent as service")
            refused = await refusal {
                try await world.broadcast("b", segment: "vip", template: "day", expiresAt: world.clock.now())
            }
            #expect(refused?.details["path"] == "expiresAt")

            let later = world.clock.now().adding(milliseconds: 60_000)
            _ = try await world.broadcast("b", segment: "vip", template: "day", scheduledAt: later)
            #expect(await refusal { try await world.broadcast("b", segment: "vip", template: "day") }?.code == "already_exists")
            let inUse = await refusal { try await world.services.templates.delete(workspaceID: World.workspace, id: "day") }
            #expect(inUse?.code == "template_in_use")
            #expect(inUse?.details["usedBy"] == ["broadcast b"])
            let lostChannel = await refusal {
                try await world.services.templates.save(
                    workspaceID: World.workspace, id: nil,
                    definition: ["name": "x", "category": "marketing", "bodies": ["email": ["text": "hi"]]], replacing: "day")
            }
            #expect(lostChannel?.code == "template_in_use")
            let edited = try await world.services.templates.save(
                workspaceID: World.workspace, id: nil, definition: World.sms("{{name}} 会员日 7 折"), replacing: "day")
            #expect(edited.version == 2, "an edit it can still send is fine")
            world.clock.advance(milliseconds: 60_000)
            await world.runner.runDue()
            #expect(try await world.current("b").templateVersion == 2, "it sends the version it started with")
            #expect(try await world.base.delivered().count == 1)
            try await world.services.templates.delete(workspaceID: World.workspace, id: "day")
        }
    }

    @Test("an expiry measured from the start suppresses messages held past it", arguments: TestBackend.available)
    func expiry(_ backend: TestBackend) async throws {
        // 20:30 in Shanghai: quiet hours start at 21:00, so a slice run late (after 21:00) defers, and an expiry of
        // 21:30 falls before the morning.
        let clock = ManualClock(ISO8601.parse("2026-03-02T20:30:00+08:00")!)
        try await World.with(backend, clock: clock) { world in
            let ids = try await world.customers(2)
            try await world.segment("vip", ids)
            try await world.template("day", World.sms("会员日"))
            _ = try await world.broadcast(
                "b", segment: "vip", template: "day", expiresAt: ISO8601.parse("2026-03-02T21:30:00+08:00")!)
            world.clock.advance(milliseconds: 45 * 60_000)
            await world.runner.runDue()
            let report = try await world.report("b")
            #expect(report.byStatus[.suppressed] == 2)
            #expect(report.byReason == [.expired: 2])
        }
    }
}
