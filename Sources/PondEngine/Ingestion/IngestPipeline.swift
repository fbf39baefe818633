import Logging
import Metrics
import PondCore
import PondStore

/// Writes tracking batches to the event log with group commit.
///
/// Every batch must be durable before its 200, and a durable commit costs an fsync. Committing each HTTP request
/// on its own would cap ingestion at the disk's fsync rate; instead, batches that arrive while a commit is in
/// flight wait and are written together in the next transaction, so one fsync acknowledges many requests. The
/// first caller to find the log idle becomes the writer; when its commit is done it hands the writer role to the
/// next waiting caller, so no request drains other people's work indefinitely.
public actor IngestPipeline {
    public struct Configuration: Sendable {
        /// Upper bound of events in one transaction.
        public var maximumGroupEvents: Int
        /// Events waiting for a commit beyond which new batches are refused with 429 (the SDKs back off and retry).
        public var maximumQueuedEvents: Int

        public init(maximumGroupEvents: Int = 5_000, maximumQueuedEvents: Int = 100_000) {
            self.maximumGroupEvents = maximumGroupEvents
            self.maximumQueuedEvents = maximumQueuedEvents
        }
    }

    private enum Turn {
        case committed
        case lead
    }

    private struct Waiting {
        var events: [IncomingEvent]
        var continuation: CheckedContinuation<Turn, any Error>
    }

    private let store: Store
    private let configuration: Configuration
    private let committed: @Sendable () -> Void
    private let metrics: IngestMetrics
    private var writing = false
    private var queue: [Waiting] = []
    private var queuedEvents = 0

    /// - Parameter committed: called after every commit; the stitching service uses it as its wake-up.
    public init(
        store: Store, configuration: Configuration = Configuration(), metrics: IngestMetrics = IngestMetrics(),
        committed: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.committed = committed
    }

    /// Events waiting behind the commit in flight.
    public var queuedEventCount: Int { queuedEvents }

    /// Returns once `events` are committed (or were already in the log). Throws `IngestError(.overloaded)` without
    /// storing anything when the backlog is full.
    public func submit(_ events: [IncomingEvent]) async throws {
        guard !events.isEmpty else { return }
        if writing {
            guard queuedEvents + events.count <= configuration.maximumQueuedEvents else {
                metrics.rejected.increment(by: events.count)
                throw IngestError(.overloaded, "ingestion backlog is full; retry with backoff")
            }
            queuedEvents += events.count
            let turn = try await withCheckedThrowingContinuation { queue.append(Waiting(events: events, continuation: $0)) }
            if case .committed = turn { return }
            // `.lead`: the previous writer took us off the queue and handed us the writer role.
        }
        writing = true
        try await commitGroup(leading: events)
    }

    private func commitGroup(leading own: [IncomingEvent]) async throws {
        var events = own
        var group: [Waiting] = []
        while let next = queue.first, events.count + next.events.count <= configuration.maximumGroupEvents {
            queue.removeFirst()
            queuedEvents -= next.events.count
            events += next.events
            group.append(next)
        }
        var failure: (any Error)?
        do {
            let inserted = try await store.append(events)
            metrics.accepted.increment(by: inserted)
            metrics.duplicates.increment(by: events.count - inserted)
            metrics.commits.increment()
        } catch {
            failure = error
        }
        for waiting in group {
            if let failure {
                waiting.continuation.resume(throwing: failure)
            } else {
                waiting.continuation.resume(returning: .committed)
            }
        }
        if failure == nil { committed() }
        if queue.isEmpty {
            writing = false
        } else {
            let next = queue.removeFirst()
            queuedEvents -= next.events.count
            next.continuation.resume(returning: .lead)
        }
        if let failure { throw failure }
    }
}
