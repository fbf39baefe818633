import Foundation
import Logging
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

@Suite("Intelligence service")
struct IntelligenceServiceTests {
    struct World {
        let store: Store
        let clock: ManualClock
        let service: IntelligenceService
        var events: EventFactory

        func ingest(_ batch: [IncomingEvent]) async throws {
            try await store.append(batch)
            while try await store.stitchPending(limit: 100).events > 0 {}
            await service.drain()
        }

        func root(_ user: String) async throws -> Int64 {
            try #require(try await store.profileID(workspaceID: "ws", identity: IdentityRules.make(type: "user_id", value: user)))
        }
    }

    static func withWorld(_ backend: TestBackend, _ body: (inout World) async throws -> Void) async throws {
        try await backend.withStore { store in
            let clock = ManualClock()
            try await store.createWorkspace(Workspace(id: "ws", name: "ws", createdAt: clock.now()))
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let service = IntelligenceService(store: store, clock: clock, logger: logger)
            var world = World(store: store, clock: clock, service: service, events: EventFactory(clock: clock, workspaceID: "ws"))
            let now = clock.now()
            try await store.saveTag(TagDefinition(name: "高频护肤", createdAt: now), workspaceID: "ws")
            try await store.saveTag(TagDefinition(name: "会员", createdAt: now), workspaceID: "ws")
            try await store.saveTagRule(
                TagRule(
                    id: "skincare-regulars", name: "高频护肤品购买者", tag: "高频护肤", action: .add,
                    rule: try SegmentRule(text: #"performed "Order Completed" >= 2 times in 90d where category = "护肤""#),
                    createdAt: now, updatedAt: now), workspaceID: "ws")
            try await store.saveSegment(
                SegmentDefinition(
                    id: "vip-skincare", name: "VIP skincare", kind: .dynamic,
                    rule: try SegmentRule(text: #"has tag "高频护肤" and has tag "会员" and not stage = "churned""#),
                    createdAt: now, updatedAt: now), workspaceID: "ws")
            try await body(&world)
        }
    }

    @Test("an order updates tags, RFM, stage and memberships at once, and the changes are on the timeline", arguments: TestBackend.available)
    func realTime(_ backend: TestBackend) async throws {
        try await Self.withWorld(backend) { world in
            let store = world.store
            try await world.ingest([
                try world.events.order("u1", category: "护肤", amount: 320, daysAgo: 10),
                try world.events.order("u2", category: "彩妆", amount: 99, daysAgo: 3),
            ])
            let u1 = try await world.root("u1")
            _ = try await store.changeTags(
                workspaceID: "ws", profileIDs: [u1], tags: ["会员"], adding: true, source: .manual, sourceRef: nil, at: world.clock.now())
            await world.service.drain()
            #expect(try await store.memberships(workspaceID: "ws", profileID: u1).isEmpty, "one skincare order is not enough")
            #expect(try await store.profileStage(workspaceID: "ws", profileID: u1)?.stage == .retained)

            try await world.ingest([try world.events.order("u1", category: "护肤", amount: 280, daysAgo: 1)])
            let tags = try await store.profileTags(workspaceID: "ws", profileID: u1)
            #expect(tags.map(\.tag) == ["会员", "高频护肤"])
            #expect(tags.first { $0.tag == "高频护肤" }.map { ($0.source, $0.sourceRef) } ?? (.manual, nil) == (.rule, "skincare-regulars"))
            #expect(try await store.profileStage(workspaceID: "ws", profileID: u1)?.stage == .converted)
            #expect(try await store.memberships(workspaceID: "ws", profileID: u1).map(\.segmentID) == ["vip-skincare"])
            let changes = try await store.segmentChanges(workspaceID: "ws", segmentID: "vip-skincare", after: 0, limit: 10)
            #expect(changes.map(\.entered) == [true])
            #expect(changes.map(\.profileID) == [u1])

            let timeline = try await store.timeline(workspaceID: "ws", profileID: u1, before: nil, limit: 50)
            let names = Set(timeline.compactMap { $0.message.event })
            #expect(names.isSuperset(of: [SystemEvent.tagAdded, SystemEvent.stageChanged]))

            let u2 = try await world.root("u2")
            #expect(try await store.profileTags(workspaceID: "ws", profileID: u2).isEmpty)
            #expect(try await store.memberships(workspaceID: "ws", profileID: u2).isEmpty)
        }
    }

    @Test("as time passes the scheduled run withdraws rule tags, moves stages and records exits", arguments: TestBackend.available)
    func timeDriven(_ backend: TestBackend) async throws {
        try await Self.withWorld(backend) { world in
            let store = world.store
            try await world.ingest([
                try world.events.order("u1", category: "护肤", amount: 320, daysAgo: 5),
                try world.events.order("u1", category: "护肤", amount: 280, daysAgo: 1),
            ])
            let u1 = try await world.root("u1")
            _ = try await store.changeTags(
                workspaceID: "ws", profileIDs: [u1], tags: ["会员"], adding: true, source: .manual, sourceRef: nil, at: world.clock.now())
            await world.service.drain()
            _ = try await world.service.runScheduled(workspaceID: "ws")
            #expect(try await store.rfmScore(workspaceID: "ws", profileID: u1) != nil)
            #expect(try await store.memberships(workspaceID: "ws", profileID: u1).map(\.segmentID) == ["vip-skincare"])

            world.clock.advance(days: 100)
            let report = try await world.service.runScheduled(workspaceID: "ws")
            #expect(report.tagChanges == 1)
            #expect(try await store.profileTags(workspaceID: "ws", profileID: u1).map(\.tag) == ["会员"], "the manual tag stays")
            #expect(try await store.profileStage(workspaceID: "ws", profileID: u1)?.stage == .dormant)
            #expect(try await store.memberships(workspaceID: "ws", profileID: u1).isEmpty)
            let changes = try await store.segmentChanges(workspaceID: "ws", segmentID: "vip-skincare", after: 0, limit: 10)
            #expect(changes.map(\.entered) == [true, false])

            world.clock.advance(days: 100)
            _ = try await world.service.runScheduled(workspaceID: "ws")
            let stage = try await store.profileStage(workspaceID: "ws", profileID: u1)
            #expect(stage?.stage == .churned)
            #expect(stage?.churnRisk ?? 0 > 0.5)
        }
    }

    @Test("a merge hands tags to the survivor and its memberships end with an exit record", arguments: TestBackend.available)
    func merges(_ backend: TestBackend) async throws {
        try await Self.withWorld(backend) { world in
            let store = world.store
            try await world.ingest([try world.events.make(["type": "track", "anonymousId": "device-9", "event": "Product Viewed"])])
            let anonymous = try #require(
                try await store.profileID(workspaceID: "ws", identity: IdentityRules.make(type: "anonymous_id", value: "device-9")))
            _ = try await store.changeTags(
                workspaceID: "ws", profileIDs: [anonymous], tags: ["会员"], adding: true, source: .channel, sourceRef: "qr-7",
                at: world.clock.now())
            try await world.ingest([
                try world.events.order("u1", category: "护肤", amount: 100, daysAgo: 2),
                try world.events.make(["type": "identify", "userId": "u1", "anonymousId": "device-9"]),
            ])
            let root = try await world.root("u1")
            #expect(root == (try await store.rootProfileID(workspaceID: "ws", profileID: anonymous)))
            let tags = try await store.profileTags(workspaceID: "ws", profileID: root)
            #expect(tags.map(\.tag) == ["会员"])
            #expect(tags.first?.sourceRef == "qr-7")
            #expect(try await store.queuedProfileCount() == 0)
        }
    }

    @Test("a profile queued again while it was being evaluated stays queued", arguments: TestBackend.available)
    func requeueDuringEvaluation(_ backend: TestBackend) async throws {
        try await Self.withWorld(backend) { world in
            let store = world.store
            try await store.append([try world.events.order("u1", category: "护肤", amount: 100)])
            while try await store.stitchPending(limit: 100).events > 0 {}
            let read = try await store.queuedProfiles(limit: 10)
            #expect(read.count == 1)
            try await store.queueProfiles(workspaceID: "ws", read.map(\.profileID), at: Instant(millisecondsSinceEpoch: 0))
            try await store.applyProfileRefreshes(workspaceID: "ws", [], dequeue: read, at: world.clock.now())
            #expect(try await store.queuedProfileCount() == 1)
            await world.service.drain()
            #expect(try await store.queuedProfileCount() == 0)
        }
    }
}
