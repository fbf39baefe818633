import Foundation
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// The dispatcher end to end on a real store: decisions, the decision log, timers, hand-overs and their failures.
@Suite("Dispatch service")
struct DispatchServiceTests {
    typealias World = DispatchWorld

    @Test("a message is decided, handed to its channel once, and a retried key is neither decided nor sent again",
          arguments: TestBackend.available)
    func sendsOnce(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            try await world.grant(customer, on: "sms")
            let first = try await world.send(world.ticket("m1", customer))
            #expect(first.first?.decision == .send)
            #expect(first.first?.status == .sending)
            #expect(await world.runner.runDue() == 1)
            #expect(try await world.status("m1") == .delivered)
            let again = try await world.send(world.ticket("m1", customer))
            #expect(again.first?.decision == nil, "a retry decides nothing")
            #expect(again.first?.status == .delivered)
            #expect(await world.runner.runDue() == 0)
            #expect(try await world.delivered() == ["m1"])
            let sandbox = try await world.store.sandboxDeliveries(workspaceID: World.workspace, profileID: customer, before: nil, limit: 10)
            #expect(sandbox.first?.address == "+8613800138000", "an SMS goes to the customer's phone, normalised")
            let log = try await world.services.dispatch.decisions(workspaceID: World.workspace, filter: .init(), before: nil, limit: 10)
            #expect(log.map(\.decision) == [.send], "one decision for two requests")
        }
    }

    @Test("consent is per channel: a marketing grant on SMS says nothing about email, and a revocation unsubscribes",
          arguments: TestBackend.available)
    func consentPerChannel(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000", "email": "li@example.cn"])
            try await world.grant(customer, on: "sms")
            let outcomes = try await world.send(
                world.ticket("sms-1", customer, .sms), world.ticket("mail-1", customer, .email),
                world.ticket("mail-service", customer, .email, .service))
            #expect(outcomes.map(\.decision) == [.send, .suppress(.noConsent), .send],
                    "service needs no grant by default, only no revocation")
            try await world.revoke(customer, on: "sms")
            try await world.revoke(customer, "service", on: "email")
            let after = try await world.send(
                world.ticket("sms-2", customer, .sms), world.ticket("mail-service-2", customer, .email, .service))
            #expect(after.map(\.decision) == [.suppress(.unsubscribed), .suppress(.unsubscribed)])
        }
    }

    @Test("a channel that addresses by identity suppresses customers without one as no_address", arguments: TestBackend.available)
    func noAddress(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1")
            try await world.grant(customer, on: "sms")
            try await world.grant(customer, on: "sandbox")
            let outcomes = try await world.send(world.ticket("a", customer, .sms), world.ticket("b", customer, .sandbox))
            #expect(outcomes.map(\.decision) == [.suppress(.noAddress), .send])
        }
    }

    @Test("caps count every message let go, including earlier ones of the same call", arguments: TestBackend.available)
    func capsWithinBatch(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            try await world.grant(customer, on: "sms")
            // Service messages keep the marketing share open: 2 marketing among 6 messages is within 30 % … until
            // the cap of 2 a day holds the third.
            for index in 0..<5 { _ = try await world.send(world.ticket("s\(index)", customer, .sms, .service)) }
            let outcomes = try await world.send(
                world.ticket("m1", customer), world.ticket("m2", customer), world.ticket("m3", customer))
            #expect(outcomes[0].decision == .send)
            #expect(outcomes[1].decision == .send)
            let tomorrow = ISO8601.parse("2026-03-03T09:00:00+08:00")!
            #expect(outcomes[2].decision == .defer(until: tomorrow, reason: .cap),
                    "the third waits for the next local day, after quiet hours")
        }
    }

    @Test("a deferred message's timer decides it again when due, once, and it goes out", arguments: TestBackend.available)
    func timerSendsLater(_ backend: TestBackend) async throws {
        let clock = ManualClock(ISO8601.parse("2026-03-02T22:30:00+08:00")!)
        try await World.with(backend, clock: clock) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            try await world.grant(customer, on: "sms")
            let outcome = try await world.send(world.ticket("night", customer))
            let morning = ISO8601.parse("2026-03-03T09:00:00+08:00")!
            #expect(outcome.first?.decision == .defer(until: morning, reason: .quietHours))
            #expect(await world.runner.runDue() == 0, "nothing is due at night")
            clock.advance(milliseconds: morning.millisecondsSinceEpoch - clock.now().millisecondsSinceEpoch - 1)
            #expect(await world.runner.runDue() == 0, "a millisecond before 09:00 still nothing")
            clock.advance(milliseconds: 1)
            #expect(await world.runner.runDue() == 2, "the timer, then the hand-over it queued")
            #expect(try await world.status("night") == .delivered)
            let stored = try await world.services.dispatch.message(workspaceID: World.workspace, key: "night")
            #expect(stored.deferrals == 1)
            let log = try await world.services.dispatch.decisions(workspaceID: World.workspace, filter: .init(), before: nil, limit: 10)
            #expect(log.map(\.decision) == [.send, .defer(until: morning, reason: .quietHours)], "newest first")
            #expect(await world.runner.runDue() == 0)
            #expect(try await world.delivered() == ["night"])
        }
    }

    @Test("a customer's own utc_offset moves their quiet hours", arguments: TestBackend.available)
    func profileOffset(_ backend: TestBackend) async throws {
        // 14:00 in Shanghai is 22:00 the day before in Vancouver (−08:00 in March): night there.
        let clock = ManualClock(ISO8601.parse("2026-03-02T14:00:00+08:00")!)
        try await World.with(backend, clock: clock) { world in
            let local = try await world.customer("u1", ["phone": "13800138000"])
            let away = try await world.customer("u2", ["phone": "13800138001", "utc_offset": "-08:00"])
            try await world.grant(local, on: "sms")
            try await world.grant(away, on: "sms")
            let outcomes = try await world.send(world.ticket("a", local), world.ticket("b", away))
            #expect(outcomes[0].decision == .send)
            #expect(outcomes[1].decision == .defer(until: ISO8601.parse("2026-03-02T09:00:00-08:00")!, reason: .quietHours))
        }
    }

    @Test("an expired message is suppressed, and one the rules would hold past its expiry too", arguments: TestBackend.available)
    func expiry(_ backend: TestBackend) async throws {
        let clock = ManualClock(ISO8601.parse("2026-03-02T22:00:00+08:00")!)
        try await World.with(backend, clock: clock) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            try await world.grant(customer, on: "sms")
            let outcome = try await world.send(
                world.ticket("flash", customer, expiresAt: ISO8601.parse("2026-03-03T08:00:00+08:00")!))
            #expect(outcome.first?.decision == .suppress(.expired))
            #expect(outcome.first?.status == .suppressed)
        }
    }

    @Test("a revocation after the decision stops the message at hand-over, logged as a decision of its own",
          arguments: TestBackend.available)
    func revokeBeforeHandOver(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            try await world.grant(customer, on: "sms")
            _ = try await world.send(world.ticket("m1", customer))
            try await world.revoke(customer, on: "sms")
            #expect(await world.runner.runDue() == 1)
            #expect(try await world.status("m1") == .suppressed)
            #expect(try await world.delivered().isEmpty)
            let log = try await world.services.dispatch.decisions(workspaceID: World.workspace, filter: .init(), before: nil, limit: 10)
            #expect(log.map(\.decision) == [.suppress(.unsubscribed), .send])
            // It no longer counts: two more marketing messages go after a new grant (a moment later: at the same
            // instant the revocation would stand).
            world.clock.advance(milliseconds: 1)
            try await world.grant(customer, on: "sms")
            for index in 0..<4 { _ = try await world.send(world.ticket("s\(index)", customer, .sms, .service)) }
            let more = try await world.send(world.ticket("m2", customer), world.ticket("m3", customer))
            #expect(more.map(\.decision) == [.send, .send])
        }
    }

    @Test("transient failures are retried with backoff and then recorded as failed; permanent ones at once",
          arguments: TestBackend.available)
    func channelFailures(_ backend: TestBackend) async throws {
        let channels = ScriptedChannels([
            "flaky": [.transient("timeout", retryAfter: nil), .transient("503", retryAfter: .seconds(30))],
            "bad": [.permanent("isv.MOBILE_NUMBER_ILLEGAL")],
            "down": Array(repeating: .transient("connection refused", retryAfter: nil), count: 20),
        ])
        try await World.with(backend, channels: channels) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            for key in ["flaky", "bad", "down"] { _ = try await world.send(world.ticket(key, customer, .sms, .service)) }
            #expect(await world.runner.runDue() == 3)
            #expect(try await world.status("bad") == .failed)
            #expect(try await world.services.dispatch.message(workspaceID: World.workspace, key: "bad").sentAt == nil,
                    "a failed message no longer counts towards caps")
            world.clock.advance(milliseconds: 2_000)
            #expect(await world.runner.runDue() == 2, "flaky and down, 2 s after their first attempt")
            world.clock.advance(milliseconds: 29_000)
            #expect(await world.runner.runDue() == 1, "down after 4 s more; flaky waits for the provider's 30 s")
            world.clock.advance(milliseconds: 1_000)
            #expect(await world.runner.runDue() == 1)
            #expect(try await world.status("flaky") == .delivered)
            for _ in 0..<10 {
                world.clock.advance(milliseconds: 3_600_000)
                await world.runner.runDue()
            }
            let down = try await world.services.dispatch.message(workspaceID: World.workspace, key: "down")
            #expect(down.status == .failed)
            #expect(down.error?.contains("gave up after 8 attempts") == true)
            #expect(channels.handOvers.withLock { $0.filter { $0 == "down" }.count } == 8)
        }
    }

    @Test("over the channel's send rate a hand-over waits for its slot instead of failing", arguments: TestBackend.available)
    func sendRate(_ backend: TestBackend) async throws {
        let rate = SendRate { _, channel in channel == .sms ? SendRate.Limit(perSecond: 2) : nil }
        try await World.with(backend, rate: rate) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            for index in 0..<5 { _ = try await world.send(world.ticket("s\(index)", customer, .sms, .service)) }
            _ = try await world.send(world.ticket("box", customer, .sandbox, .service))
            #expect(await world.runner.runDue() == 6)
            #expect(try await world.delivered().count == 3, "two SMS of the burst and the sandbox message")
            world.clock.advance(milliseconds: 500)
            await world.runner.runDue()
            #expect(try await world.delivered().count == 4)
            world.clock.advance(milliseconds: 1_000)
            await world.runner.runDue()
            #expect(try await world.delivered().count == 6)
        }
    }

    @Test("bad tickets are refused before anything is decided", arguments: TestBackend.available)
    func badTickets(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000"])
            var bad = world.ticket("", customer)
            await #expect(throws: DefinitionError.self) { try await world.send(world.ticket("ok", customer), bad) }
            bad = world.ticket("k", customer, ChannelID("SMS!"))
            await #expect(throws: DefinitionError.self) { try await world.send(bad) }
            bad = world.ticket("k", customer, expiresAt: world.clock.now())
            await #expect(throws: DefinitionError.self) { try await world.send(bad) }
            await #expect(throws: DefinitionError.self) { try await world.services.dispatch.message(workspaceID: World.workspace, key: "ok") }
        }
    }
}
