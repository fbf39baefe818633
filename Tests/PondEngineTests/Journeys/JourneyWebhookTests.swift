import Foundation
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// A journey's webhook step, against a local receiver that checks the signature and drops repeated keys.
@Suite("Journey webhook step")
struct JourneyWebhookTests {
    typealias World = DispatchWorld
    static let secret = "0123456789abcdef-journeys"

    static func journey(url: String) -> JSONValue {
        [
            "name": "CRM sync", "trigger": ["type": "manual"], "start": "call",
            "nodes": [
                ["id": "call", "type": "action", "action": ["type": "webhook", "url": .string(url), "body": ["list": "vip"]],
                 "next": "done"],
                ["id": "done", "type": "exit"],
            ],
        ]
    }

    @Test("each run's call arrives once, signed with the webhook channel's secret, and the run does not wait for it",
          arguments: TestBackend.available)
    func callsArriveSignedOnce(_ backend: TestBackend) async throws {
        // The receiver checks timestamps against the world's clock.
        let clock = ManualClock(DispatchWorld.noon)
        let receiver = WebhookReceiver(secret: Self.secret, clock: clock)
        try await receiver.run { url in
            try await World.with(backend, clock: clock) { world in
                let id = try await world.services.journeys.save(
                    workspaceID: World.workspace, id: nil, replacing: nil, Self.journey(url: url)).journey.id
                _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
                let customers = [try await world.customer("a"), try await world.customer("b")]
                _ = try await world.services.journeys.enter(
                    workspaceID: World.workspace, id: id, profileIDs: customers, requestKey: "r1")
                await world.settle()
                #expect(receiver.requestCount == 0, "no secret: nothing goes out unsigned")
                var stats = try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0]
                #expect(stats.exited == ["completed": 2], "the runs went on without waiting for the call")

                _ = try await world.services.channels.put(
                    workspaceID: World.workspace, id: "webhook",
                    configuration: ["type": "webhook", "url": .string(url), "secret": .string(Self.secret)], ratePerSecond: nil)
                receiver.inject(.status(503))
                await world.advance(seconds: 3600)
                await world.advance(seconds: 3600)
                #expect(receiver.refusedSignatures == 0)
                let calls = receiver.processed
                #expect(calls.count == 2, "one call per run, the 503 retried")
                let bodies = calls.compactMap { $0.json?.objectValue }
                #expect(Set(bodies.compactMap { if case .int(let id)? = $0["profileId"] { id } else { nil } }) == Set(customers))
                #expect(bodies.allSatisfy { $0["journey"] == .string(id) && $0["node"] == "call" && $0["body"] == ["list": "vip"] })
                #expect(Set(calls.map(\.idempotencyKey)).count == 2)
                #expect(calls.allSatisfy { $0.idempotencyKey.hasPrefix("journey:") })
                #expect(try await world.store.jobCount(workspaceID: World.workspace) == 0, "nothing left to retry")
                stats = try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0]
                #expect(stats.exited == ["completed": 2])
            }
        }
    }

    @Test("a receiver that refuses for good ends the call; the other calls go on", arguments: TestBackend.available)
    func permanentRefusal(_ backend: TestBackend) async throws {
        let clock = ManualClock(DispatchWorld.noon)
        let receiver = WebhookReceiver(secret: Self.secret, clock: clock)
        try await receiver.run { url in
            try await World.with(backend, clock: clock) { world in
                _ = try await world.services.channels.put(
                    workspaceID: World.workspace, id: "webhook",
                    configuration: ["type": "webhook", "url": .string(url), "secret": .string(Self.secret)], ratePerSecond: nil)
                let id = try await world.services.journeys.save(
                    workspaceID: World.workspace, id: nil, replacing: nil, Self.journey(url: url)).journey.id
                _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
                receiver.inject(.status(410))
                let customers = [try await world.customer("a"), try await world.customer("b"), try await world.customer("c")]
                _ = try await world.services.journeys.enter(
                    workspaceID: World.workspace, id: id, profileIDs: customers, requestKey: "r1")
                await world.settle()
                await world.advance(seconds: 60)
                #expect(receiver.requestCount == 3, "one refused, not retried")
                #expect(receiver.processed.count == 2)
                #expect(try await world.store.jobCount(workspaceID: World.workspace) == 0)
            }
        }
    }
}
