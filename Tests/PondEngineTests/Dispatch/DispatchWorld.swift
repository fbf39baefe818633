import Foundation
import Logging
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Synchronization
import Testing

/// A workspace with customers, the application services and a job runner delivering into `channels` (the
/// store-backed sandbox unless a test brings its own), on a clock the test moves.
struct DispatchWorld {
    let store: Store
    let clock: ManualClock
    let intelligence: IntelligenceService
    let services: ApplicationServices
    let runner: JobRunner

    static let workspace = "ws"

    init(_ store: Store, clock: ManualClock, channels: (any DeliveryChannels)? = nil, rate: SendRate = SendRate { _, _ in nil },
         owner: String = "n1") {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        self.store = store
        self.clock = clock
        intelligence = IntelligenceService(store: store, clock: clock, logger: logger)
        services = ApplicationServices(store: store, clock: clock, intelligence: intelligence)
        runner = JobRunner(
            store: store, clock: clock, owner: owner,
            handlers: [
                DecideAgainJob(dispatch: services.dispatch),
                DeliveryJob(dispatch: services.dispatch, channels: channels ?? SandboxChannels(store: store, clock: clock), rate: rate),
            ], logger: logger)
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
