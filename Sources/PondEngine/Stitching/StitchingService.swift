import Logging
import PondStore
import ServiceLifecycle

/// Keeps profiles up to date behind ingestion: wakes on every commit of the event log (and on a timer, for
/// events written by other `pond` nodes sharing a Postgres) and stitches pending events until none are left.
public final class StitchingService: Service, Sendable {
    private let store: Store
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let pollInterval: Duration
    private let batchSize: Int
    private let coalescing: Duration
    private let metrics: IngestMetrics
    private let logger: Logger
    /// Called after a pass that stitched something: profiles were queued for re-evaluation.
    private let onStitched: @Sendable () -> Void

    public init(
        store: Store, pollInterval: Duration = .seconds(1), batchSize: Int = 500, coalescing: Duration = .milliseconds(20),
        metrics: IngestMetrics = IngestMetrics(), logger: Logger, onStitched: @escaping @Sendable () -> Void = {}
    ) {
        self.onStitched = onStitched
        self.store = store
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.coalescing = coalescing
        self.metrics = metrics
        self.logger = logger
    }

    /// Asks for a pass soon. Cheap and non-blocking; repeated calls coalesce.
    public func notify() {
        wake.yield()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [wake, pollInterval] in
                    while (try? await Task.sleep(for: pollInterval)) != nil {
                        wake.yield()
                    }
                }
                var busy = false
                for await _ in wakeups {
                    // Under load every commit wakes us; a short pause lets commits pile up so one pass (one
                    // transaction, one slice load) covers many of them. It bounds how stale a profile can be. When
                    // the last pass found little to do, there is no load to amortise and the pause would only add
                    // latency (an event reaching its segments), so it is skipped.
                    if busy { try? await Task.sleep(for: coalescing) }
                    busy = await drain() >= Self.busyPassEvents
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [wake] in
            wake.finish()
        }
    }

    /// A pass stitching at least this many events means commits are arriving faster than single events.
    static let busyPassEvents = 100

    /// Stitches until the backlog is empty and returns how many events it stitched. Errors are logged and retried
    /// on the next wake-up: the events stay pending, so nothing is lost.
    @discardableResult
    public func drain() async -> Int {
        var stitched = 0
        while true {
            do {
                let outcome = try await store.stitchPending(limit: batchSize)
                stitched += outcome.events
                metrics.stitched.increment(by: outcome.events)
                metrics.merges.increment(by: outcome.merges)
                metrics.conflicts.increment(by: outcome.conflicts)
                if outcome.events > 0 { onStitched() }
                if outcome.events < batchSize { return stitched }
            } catch {
                logger.error("stitching failed; will retry", metadata: ["error": "\(error)"])
                return stitched
            }
        }
    }
}
