import Logging
import Metrics
import PondCore
import PondStore
import ServiceLifecycle

/// Runs one kind of job from the store's queue: a journey step, a broadcast slice, a delivery.
public protocol JobHandler: Sendable {
    var kind: String { get }
    /// Does the job's work. A job whose lease ran out (a node paused or died mid-work) is run again by another worker,
    /// so the work must be idempotent by the job's key: a send carries it to the channel as its idempotency key.
    func run(_ job: ClaimedJob) async throws -> JobOutcome
}

/// A handler that takes the due jobs of its kind many at a time: a journey step reads its run and profile and writes
/// its position in a few set statements shared by the whole batch instead of a transaction of its own.
///
/// The runner claims up to `batchSize` jobs of the kind at once and hands them over together. Each job still has its
/// own result: a failure is retried alone, with the runner's backoff, and a `JobLeaseLost` is dropped; the others'
/// results stand.
public protocol BatchJobHandler: JobHandler {
    /// How many due jobs of the kind to claim and hand over at once.
    var batchSize: Int { get }
    /// Runs the jobs; one result per job, in the order given.
    func runBatch(_ jobs: [ClaimedJob]) async -> [Result<JobOutcome, any Error>]
}

public enum JobOutcome: Sendable, Equatable {
    /// Finished; `next` is enqueued in the same transaction that completes the job (the next step, a timer).
    case done(next: [NewJob])
    /// Not now: due again at the given time (a deferral, a channel's rate limit), without counting as a failure.
    case later(Instant)
    /// The handler completed the job itself, in the transaction that recorded its work (`Store.completeJob` inside
    /// a store operation), so that the work and the completion commit together or not at all.
    case completed
}

/// Claims due jobs for its handlers and runs them, on every node: the queue's leases keep two nodes off one job.
///
/// A handler that throws has its job retried with exponential backoff (2, 4, 8 … seconds after each attempt, at most an
/// hour), the error kept on the job. Handlers of one job at a time share claims of `batchSize` jobs; each
/// `BatchJobHandler` is claimed for on its own, its `batchSize` at a time. Work is found by waking up — `notify()` after enqueueing, and at the latest every
/// `pollInterval` (jobs other nodes enqueued, timers coming due) — never by scanning.
///
/// Each node counts the jobs it finished by kind (`pond_jobs_completed_total{kind}`), so an operator can see that
/// the nodes sharing a database share its work.
public final class JobRunner: Service, Sendable {
    private let store: Store
    private let clock: any Clock
    private let owner: String
    private let handlers: [String: any JobHandler]
    private let lease: Duration
    private let batchSize: Int
    private let pollInterval: Duration
    private let logger: Logger
    private let completed: [String: Counter]
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(
        store: Store, clock: any Clock, owner: String, handlers: [any JobHandler], lease: Duration = .seconds(60),
        batchSize: Int = 100, pollInterval: Duration = .seconds(1), metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.owner = owner
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.lease = lease
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.logger = logger
        completed = Dictionary(
            handlers.map { ($0.kind, Counter(label: "pond_jobs_completed_total", dimensions: [("kind", $0.kind)], factory: metrics)) },
            uniquingKeysWith: { first, _ in first })
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        store.jobsQueued.subscribe { [wake] in wake.yield() }
    }

    /// Asks for due jobs to be run soon; cheap, and repeated calls coalesce.
    public func notify() { wake.yield() }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [wake, pollInterval] in
                    while (try? await Task.sleep(for: pollInterval)) != nil { wake.yield() }
                }
                for await _ in wakeups { await runDue() }
                group.cancelAll()
            }
        } onGracefulShutdown: { [wake] in
            wake.finish()
        }
    }

    /// Runs every job due now, batch after batch, until none is left or the service is shutting down. Returns how
    /// many jobs ran. Store errors are logged and left for the next wake-up.
    @discardableResult
    public func runDue() async -> Int {
        var ran = 0
        let single = handlers.values.filter { !($0 is any BatchJobHandler) }.map(\.kind).sorted()
        let batched = handlers.values.compactMap { $0 as? any BatchJobHandler }.sorted { $0.kind < $1.kind }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var round = 0
            do {
                let claimed = try await claim(single, limit: batchSize)
                for job in claimed { await run(job) }
                round += claimed.count
                for handler in batched {
                    let jobs = try await claim([handler.kind], limit: handler.batchSize)
                    guard !jobs.isEmpty else { continue }
                    let results = await handler.runBatch(jobs)
                    for (job, result) in zip(jobs, results) { await settle(job, result) }
                    round += jobs.count
                }
            } catch {
                logger.error("claiming jobs failed; will retry", metadata: ["error": "\(error)"])
                return ran + round
            }
            if round == 0 { return ran }
            ran += round
        }
        return ran
    }

    private func claim(_ kinds: [String], limit: Int) async throws -> [ClaimedJob] {
        guard !kinds.isEmpty else { return [] }
        return try await store.claimJobs(kinds: kinds, owner: owner, now: clock.now(), lease: lease, limit: limit)
    }

    private func run(_ job: ClaimedJob) async {
        guard let handler = handlers[job.job.kind] else { return }
        let result: Result<JobOutcome, any Error>
        do { result = .success(try await handler.run(job)) } catch { result = .failure(error) }
        await settle(job, result)
    }

    /// Completes, puts off or reschedules a job by what its handler answered.
    private func settle(_ job: ClaimedJob, _ result: Result<JobOutcome, any Error>) async {
        do {
            switch try result.get() {
            case .done(let next):
                try await store.completeJob(job, enqueueing: next, at: clock.now())
                completed[job.job.kind]?.increment()
            case .later(let due): try await store.retryJob(job, dueAt: due, error: nil)
            case .completed: completed[job.job.kind]?.increment()
            }
        } catch let lost as JobLeaseLost {
            logger.warning("a job's lease ran out before it finished; its new holder runs it", metadata: ["job": "\(lost.jobID)"])
        } catch {
            let due = clock.now().adding(Self.backoff(attempt: job.attempts))
            logger.warning(
                "job failed; will retry", metadata: ["kind": "\(job.job.kind)", "attempt": "\(job.attempts)", "error": "\(error)"])
            do {
                try await store.retryJob(job, dueAt: due, error: "\(error)")
            } catch {
                logger.error("could not reschedule a failed job; its lease will run out", metadata: ["error": "\(error)"])
            }
        }
    }

    /// 2^attempt seconds, at most an hour.
    public static func backoff(attempt: Int) -> Duration {
        .seconds(min(3600, 1 << min(max(attempt, 1), 12)))
    }
}
