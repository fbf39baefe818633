import Foundation
import PondCore
import PondEngine
import PondStore
import Synchronization
import Testing

/// A real SQLite database whose write transactions can be held at the door, so a test can decide exactly which
/// submissions arrive while a commit is in flight.
final class GatedDatabase: SQLDatabase {
    let inner: SQLiteDatabase
    var dialect: SQLDialect { inner.dialect }
    struct InjectedFailure: Error {}
    private let state = Mutex<(closed: Bool, waiting: [CheckedContinuation<Void, Never>], writes: Int, fail: Bool)>(
        (false, [], 0, false))
    private let entered: AsyncStream<Void>.Continuation
    let entries: AsyncStream<Void>

    init(path: String) throws {
        inner = try SQLiteDatabase(path: path)
        (entries, entered) = AsyncStream.makeStream()
    }

    func close(gate: Bool) {
        let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = gate
            defer { if !gate { state.waiting = [] } }
            return gate ? [] : state.waiting
        }
        released.forEach { $0.resume() }
    }

    var writes: Int { state.withLock { $0.writes } }

    func failNextWrite() { state.withLock { $0.fail = true } }

    func read<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T { try await inner.read(body) }

    func withLock<T: Sendable>(_ key: Int64, _ body: @Sendable () async throws -> T) async throws -> T {
        try await inner.withLock(key, body)
    }

    func write<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        state.withLock { $0.writes += 1 }
        entered.yield()
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state -> Bool in
                if state.closed { state.waiting.append(continuation); return false }
                return true
            }
            if proceed { continuation.resume() }
        }
        let fail = state.withLock { state in
            defer { state.fail = false }
            return state.fail
        }
        return try await inner.write { db in
            let result = try await body(db)
            if fail { throw InjectedFailure() }
            return result
        }
    }

    func close() async throws {}
}

@Suite("Ingest pipeline")
struct IngestPipelineTests {
    static func events(_ workspace: String, _ ids: ClosedRange<Int>) -> [IncomingEvent] {
        let now = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
        return ids.map { i in
            let payload: [String: JSONValue] = [
                "type": "track", "event": "Viewed", "messageId": .string("m\(i)"), "anonymousId": "a1",
                "timestamp": .string(ISO8601.format(now)), "receivedAt": .string(ISO8601.format(now)),
            ]
            let message = TrackingMessage(
                type: .track, messageID: "m\(i)", anonymousID: "a1", event: "Viewed", timestamp: now, receivedAt: now,
                payload: payload)
            return IncomingEvent(workspaceID: workspace, source: "test", channel: "web", message: message)
        }
    }

    static func withGatedStore(_ body: (GatedDatabase, Store) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pond-engine-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try GatedDatabase(path: path)
        try await body(database, Store(database: database))
    }

    @Test("batches arriving during a commit are written together in the next one, and the backlog limit answers 429")
    func groupCommitAndBackPressure() async throws {
        try await Self.withGatedStore { database, store in
            let commits = Mutex(0)
            let pipeline = IngestPipeline(
                store: store, configuration: .init(maximumGroupEvents: 1_000, maximumQueuedEvents: 30)
            ) { commits.withLock { $0 += 1 } }
            var entries = database.entries.makeAsyncIterator()
            database.close(gate: true)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await pipeline.submit(Self.events("ws", 1...10)) }
                _ = await entries.next()  // the first batch's commit is in flight and held
                group.addTask { try await pipeline.submit(Self.events("ws", 11...20)) }
                group.addTask { try await pipeline.submit(Self.events("ws", 21...30)) }
                group.addTask { try await pipeline.submit(Self.events("ws", 31...40)) }
                // Wait (bounded) until the three are queued behind the held commit.
                for _ in 0..<10_000 where await pipeline.queuedEventCount < 30 { await Task.yield() }
                #expect(await pipeline.queuedEventCount == 30)
                await #expect(throws: IngestError(.overloaded, "ingestion backlog is full; retry with backoff")) {
                    try await pipeline.submit(Self.events("ws", 41...41))
                }
                database.close(gate: false)
                try await group.waitForAll()
            }
            #expect(try await store.eventCount(workspaceID: "ws") == 40)
            #expect(database.writes == 2, "one commit for the first batch, one for the three that waited")
            #expect(commits.withLock { $0 } == 2)
        }
    }

    @Test("a failed commit fails its batch and stores nothing; the pipeline keeps working")
    func failedCommitFailsItsGroup() async throws {
        try await Self.withGatedStore { database, store in
            let pipeline = IngestPipeline(store: store)
            database.failNextWrite()
            await #expect(throws: GatedDatabase.InjectedFailure.self) { try await pipeline.submit(Self.events("ws", 1...2)) }
            #expect(try await store.eventCount(workspaceID: "ws") == 0)
            try await pipeline.submit(Self.events("ws", 1...2))
            #expect(try await store.eventCount(workspaceID: "ws") == 2)
        }
    }
}
