import Foundation
import Logging
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Synchronization
import Testing

/// A workspace with customers, the application services, a job runner delivering into `channels` (the store-backed
/// sandbox unless a test brings its own) and taking journey steps, and the journey trigger processor, on a clock the
/// test moves.
struct DispatchWorld {
    let store: Store
    let clock: ManualClock
    let intelligence: IntelligenceService
    let services: ApplicationServices
    let runner: JobRunner
    let triggers: JourneyTriggers

    static let workspace = "ws"

    init(_ store: Store, clock: ManualClock, channels: (any DeliveryChannels)? = nil, rate: SendRate = SendRate { _, _ in nil },
         owner: String = "n1", stepBatchSize: Int = 500) {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        self.store = store
        self.clock = clock
        intelligence = IntelligenceService(store: store, clock: clock, logger: logger)
        services = ApplicationServices(store: store, clock: clock, intelligence: intelligence)
        runner = JobRunner(
            store: store, clock: clock, owner: owner,
            handlers: services.jobHandlers(
                channels: channels ?? SandboxChannels(store: store, clock: clock), rate: rate, stepBatchSize: stepBatchSize,
                logger: logger),
            logger: logger)
        triggers = JourneyTriggers(journeys: services.journeys, clock: clock, logger: logger)
    }

    static func with(
        _ backend: TestBackend, clock: ManualClock = ManualClock(noon), channels: (any DeliveryChannels)? = nil,
        rate: SendRate = SendRate { _, _ in nil }, _ body: (DispatchWorld) async throws -> Void
    ) async throws {
        try await backend.withStore { store in
            try await store.createWorkspace(Workspace(id: workspace, name: workspace, createdAt: Instant(millisecondsSinceEpoch: 0)))
            try await body(DispatchWorld(store, clock: clock, channels: channels, rate: rate))
        }
    }

    /// Monday 2 March 2026, 12:00 in Shanghai: the brand's offset, far from quiet hours.
    static let noon = ISO8601.parse("2026-03-02T12:00:00+08:00")!

    /// A stitched customer with the given traits (`phone`, `email` become identities); returns the profile id.
    func customer(_ user: String, _ traits: [String: JSONValue] = [:]) async throws -> Int64 {
        var events = EventFactory(clock: clock, workspaceID: Self.workspace)
        try await store.append([
            try events.make(["type": "identify", "userId": .string(user), "traits": .object(traits)])
        ])
        while try await store.stitchPending(limit: 100).events > 0 {}
        return try #require(
            try await store.profileID(workspaceID: Self.workspace, identity: IdentityRules.make(type: "user_id", value: user)))
    }

    /// Appends events and stitches them, as ingestion and the stitcher would.
    func track(_ fields: [[String: JSONValue]]) async throws {
        var events = EventFactory(clock: clock, workspaceID: Self.workspace)
        try await store.append(try fields.map { try events.make($0) })
        while try await store.stitchPending(limit: 100).events > 0 {}
    }

    /// Moves the clock on and lets everything due happen: triggers, steps, deliveries.
    func advance(seconds: Int64) async {
        clock.advance(milliseconds: seconds * 1000)
        await settle()
    }

    /// Runs triggers and jobs until neither has anything left to do now.
    func settle() async {
        while await triggers.drain() + runner.runDue() > 0 {}
    }

    func tags(_ profile: Int64) async throws -> Set<String> {
        Set(try await services.tagging.tags(workspaceID: Self.workspace, profileID: profile).tags.map(\.tag.tag))
    }

    func grant(_ profile: Int64, _ purpose: String = "marketing", on channel: String, at: Instant? = nil) async throws {
        _ = try await services.consent.record(
            workspaceID: Self.workspace, profileID: profile,
            .init(purpose: purpose, channel: channel, action: "grant", at: at, noticeVersion: "privacy-2026-01", source: "test"))
    }

    func revoke(_ profile: Int64, _ purpose: String = "marketing", on channel: String, at: Instant? = nil) async throws {
        _ = try await services.consent.record(
            workspaceID: Self.workspace, profileID: profile,
            .init(purpose: purpose, channel: channel, action: "revoke", at: at, source: "test"))
    }

    func ticket(
        _ key: String, _ profile: Int64, _ channel: ChannelID = .sms, _ category: MessageCategory = .marketing,
        expiresAt: Instant? = nil
    ) -> MessageTicket {
        MessageTicket(
            key: key, profileID: profile, channel: channel, category: category, origin: "api",
            content: MessageContent(text: "你好 \(key)"), createdAt: clock.now(), expiresAt: expiresAt)
    }

    func send(_ tickets: MessageTicket...) async throws -> [DispatchOutcome] {
        try await services.dispatch.send(workspaceID: Self.workspace, tickets)
    }

    func status(_ key: String) async throws -> MessageStatus {
        try await services.dispatch.message(workspaceID: Self.workspace, key: key).status
    }

    func delivered() async throws -> [String] {
        try await store.sandboxDeliveries(workspaceID: Self.workspace, profileID: nil, before: nil, limit: 10_000).map(\.key).sorted()
    }
}

/// A channel whose answers a test scripts per message key; records every hand-over.
final class ScriptedChannels: DeliveryChannels {
    let answers: Mutex<[String: [ChannelHandOver]]>
    let handOvers = Mutex<[String]>([])

    init(_ answers: [String: [ChannelHandOver]]) { self.answers = Mutex(answers) }

    func deliver(_ message: StoredMessage, workspaceID: String) async -> ChannelHandOver {
        handOvers.withLock { $0.append(message.ticket.key) }
        return answers.withLock { answers in
            guard var queue = answers[message.ticket.key], !queue.isEmpty else { return .accepted(providerID: "p-\(message.ticket.key)") }
            let next = queue.removeFirst()
            answers[message.ticket.key] = queue
            return next
        }
    }
}
