import Foundation
import Logging
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// A dispatch world (customers, consent, the sandbox) whose job runner also runs broadcast slices, in slices small
/// enough that a handful of customers makes several; `restarted` builds the services and runner again on the same
/// store, as a process started after a crash would.
struct BroadcastWorld {
    let base: DispatchWorld
    let runner: JobRunner
    let slice: BroadcastJob
    let sliceSize: Int

    static let workspace = DispatchWorld.workspace

    var store: Store { base.store }
    var clock: ManualClock { base.clock }
    var services: ApplicationServices { base.services }

    init(_ base: DispatchWorld, sliceSize: Int) {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        self.base = base
        self.sliceSize = sliceSize
        slice = BroadcastJob(broadcasts: base.services.broadcasts, sliceSize: sliceSize)
        runner = JobRunner(
            store: base.store, clock: base.clock, owner: "node-\(UUID().uuidString.prefix(8))",
            handlers: [
                DecideAgainJob(dispatch: base.services.dispatch),
                DeliveryJob(dispatch: base.services.dispatch, channels: SandboxChannels(store: base.store, clock: base.clock), rate: SendRate { _, _ in nil }),
                slice,
            ], logger: logger)
    }

    static func with(
        _ backend: TestBackend, clock: ManualClock = ManualClock(DispatchWorld.noon), sliceSize: Int = 2,
        _ body: (BroadcastWorld) async throws -> Void
    ) async throws {
        try await DispatchWorld.with(backend, clock: clock) { base in
            try await body(BroadcastWorld(base, sliceSize: sliceSize))
        }
    }

    /// The same store and clock, new services and a new runner: a process started again.
    func restarted() -> BroadcastWorld {
        BroadcastWorld(DispatchWorld(store, clock: clock), sliceSize: sliceSize)
    }

    /// A static segment holding `members`.
    func segment(_ id: String, _ members: [Int64]) async throws {
        _ = try await services.segments.save(
            workspaceID: Self.workspace,
            .init(id: id, name: id, description: "", kind: .static, rule: nil, field: "rule"), replacing: nil)
        _ = try await store.addSegmentMembers(
            workspaceID: Self.workspace, segmentID: id, members: Set(members), at: clock.now(), reason: "test")
    }

    /// Saves a template from its JSON form.
    @discardableResult
    func template(_ id: String, _ definition: JSONValue) async throws -> StoredTemplate {
        try await services.templates.save(workspaceID: Self.workspace, id: id, definition: definition, replacing: nil)
    }

    static func sms(_ text: String, category: String = "marketing") -> JSONValue {
        ["name": "短信", "category": .string(category), "bodies": ["sms": ["text": .string(text)]]]
    }

    func broadcast(
        _ id: String, segment: String, template: String, channel: String = "sms", scheduledAt: Instant? = nil,
        expiresAt: Instant? = nil
    ) async throws -> Broadcast {
        try await services.broadcasts.create(
            workspaceID: Self.workspace,
            .init(
                id: id, name: id, segmentID: segment, templateID: template, channel: channel, scheduledAt: scheduledAt,
                expiresAt: expiresAt, createdBy: "test"))
    }

    func current(_ id: String) async throws -> Broadcast {
        try await services.broadcasts.broadcast(workspaceID: Self.workspace, id: id)
    }

    func report(_ id: String) async throws -> BroadcastService.Report {
        try await services.broadcasts.report(workspaceID: Self.workspace, try await current(id))
    }

    /// How many messages each key of a broadcast has, read straight from the table.
    func messageKeys(_ broadcastID: String) async throws -> [String: Int] {
        try await store.database.read { db in
            var counts: [String: Int] = [:]
            for row in try await db.query(
                "SELECT message_key, COUNT(*) FROM messages WHERE workspace_id = ? AND origin_ref = ? GROUP BY message_key",
                .text(Self.workspace), .text(broadcastID))
            {
                counts[try row.text(0)] = Int(try row.int(1))
            }
            return counts
        }
    }

    /// How many decisions the log holds for a broadcast's messages.
    func decisionCount(_ broadcastID: String) async throws -> Int {
        try await store.database.read { db in
            Int(
                try await db.query(
                    "SELECT COUNT(*) FROM dispatch_decisions WHERE workspace_id = ? AND message_key LIKE ?", .text(Self.workspace),
                    .text("broadcast:\(broadcastID):%")
                ).first?.int(0) ?? 0)
        }
    }

    /// Customers with a phone and, when `consenting`, a marketing grant on SMS.
    func customers(_ count: Int, consenting: Bool = true, from start: Int = 0, traits: (Int) -> [String: JSONValue] = { _ in [:] })
        async throws -> [Int64]
    {
        var ids: [Int64] = []
        for index in start..<(start + count) {
            var values = traits(index)
            values["phone"] = .string("1380013\(String(format: "%04d", index))")
            let id = try await base.customer("c\(index)", values)
            if consenting { try await base.grant(id, on: "sms") }
            ids.append(id)
        }
        return ids
    }
}

/// The refusal `body` throws, or nil (recorded as an issue) when it throws none or another error.
func refusal<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> DefinitionError? {
    do {
        _ = try await body()
        Issue.record("expected a refusal, got none", sourceLocation: sourceLocation)
    } catch let error as DefinitionError {
        return error
    } catch {
        Issue.record("expected a DefinitionError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
