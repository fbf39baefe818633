import Logging
import PondCore
import PondStore
import ServiceLifecycle

/// Keeps profiles up to date behind ingestion: wakes on every commit of the event log (and on a timer, for
/// events written by other `pond` nodes sharing a Postgres) and stitches pending events until none are left.
///
/// One event whose data makes its pass fail must not stop the log behind it, in its workspace or any other: a pass
/// that fails on its data is halved until the failing event is alone, and that event is set aside with its error
/// (`Store.setAsideFromStitching`, listed by the API and counted in `/metrics`). A failure of the moment (the
/// database unreachable, a deadlock) sets nothing aside; it is retried, and if it lasts `stallAfter` the service
/// reports itself stalled (`/healthz`).
public final class StitchingService: Service, Sendable {
    private let store: Store
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let pollInterval: Duration
    private let batchSize: Int
    private let coalescing: Duration
    private let metrics: IngestMetrics
    private let logger: Logger
    private let clock: any Clock
    private let stallAfter: Duration
    private let health = HealthRecord()

    public init(
        store: Store, pollInterval: Duration = .seconds(1), batchSize: Int = 500, coalescing: Duration = .milliseconds(20),
        clock: any Clock = SystemClock(), stallAfter: Duration = .seconds(30), metrics: IngestMetrics = IngestMetrics(),
        logger: Logger
    ) {
        self.clock = clock
        self.stallAfter = stallAfter
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

    /// Stitches until the backlog is empty (or the service is shutting down: a pass is one transaction, so the rest
    /// simply stays pending) and returns how many events it stitched.
    ///
    /// A pass that fails on its data is retried with half as many events, down to one; a single event that still
    /// fails is set aside and passes go back to full size. Transient failures are logged and retried on the next
    /// wake-up: the events stay pending, so nothing is lost.
    @discardableResult
    public func drain() async -> Int {
        var stitched = 0
        var limit = batchSize
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let outcome = try await store.stitchPending(limit: limit)
                await health.succeeded()
                stitched += outcome.events
                metrics.stitched.increment(by: outcome.events)
                metrics.merges.increment(by: outcome.merges)
                metrics.conflicts.increment(by: outcome.conflicts)
                if outcome.events < limit { return stitched }
            } catch {
                let cause = (error as? StitchPassError)?.underlying ?? error
                guard !StoreError.isTransient(cause), let failed = error as? StitchPassError, let first = failed.seqs.first
                else {
                    await health.failed("\(cause)", at: clock.now())
                    logger.error("stitching failed; will retry", metadata: ["error": "\(cause)"])
                    return stitched
                }
                if failed.seqs.count > 1 {
                    limit = max(1, failed.seqs.count / 2)
                    continue
                }
                do {
                    if try await store.setAsideFromStitching(seq: first, error: "\(cause)", at: clock.now()) {
                        metrics.setAside.increment()
                        logger.error("event set aside from stitching", metadata: ["seq": "\(first)", "error": "\(cause)"])
                    }
                    limit = batchSize
                } catch {
                    await health.failed("\(error)", at: clock.now())
                    logger.error("setting an event aside failed; will retry", metadata: ["error": "\(error)"])
                    return stitched
                }
            }
        }
        return stitched
    }

    /// A workspace's set-aside events in log order.
    public func failures(workspaceID: String, after: Int64, limit: Int) async throws -> [StitchFailure] {
        try await store.stitchFailures(workspaceID: workspaceID, after: after, limit: limit)
    }

    /// Makes a workspace's set-aside events pending again (once their cause is fixed) and starts a pass.
    public func retry(workspaceID: String) async throws -> Int {
        let requeued = try await store.retryStitchFailures(workspaceID: workspaceID)
        if requeued > 0 { notify() }
        return requeued
    }

    /// Events accepted but not stitched yet (by any node), and events set aside: what `/metrics` and `/healthz`
    /// report. Reading them touches the database, so a node whose store is gone reports unhealthy.
    public func backlog() async throws -> (pending: Int, setAside: Int) {
        (try await store.pendingEventCount(), try await store.stitchFailureCount())
    }

    /// Whether stitching keeps up: stalled once passes have failed without a success for `stallAfter`.
    public func status() async -> StitchingStatus {
        await health.status(now: clock.now(), stallAfter: stallAfter)
    }
}

/// What `/healthz` says of stitching.
public struct StitchingStatus: Sendable, Equatable {
    public var stalled: Bool
    /// The last failure while passes are failing.
    public var lastError: String?
    /// Since when passes have failed without a success.
    public var failingSince: Instant?
}

/// Failures since the last successful pass.
actor HealthRecord {
    private var failingSince: Instant?
    private var lastError: String?

    func succeeded() {
        failingSince = nil
        lastError = nil
    }

    func failed(_ error: String, at now: Instant) {
        if failingSince == nil { failingSince = now }
        lastError = error
    }

    func status(now: Instant, stallAfter: Duration) -> StitchingStatus {
        let stalled = failingSince.map {
            now.millisecondsSinceEpoch - $0.millisecondsSinceEpoch >= stallAfter.components.seconds * 1000
        } ?? false
        return StitchingStatus(stalled: stalled, lastError: lastError, failingSince: failingSince)
    }
}
