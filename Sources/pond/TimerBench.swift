import ArgumentParser
import Foundation
import Logging
import PondCore
import PondEngine
import PondServer
import PondStore
import Synchronization

/// `pond bench timers`: how late journey timers fire. `runs` runs wait at a delay whose timers come due spread evenly
/// over one minute of the real clock; the job runner takes their steps (`tag → exit`) as `pond serve` runs it, woken
/// by its one-second poll. Lateness is each step's completion (its transaction committed) minus its timer's due time.
struct TimerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "timers", abstract: "Journey timer lateness.")

    @Option(help: "sqlite:PATH (the file is replaced) or postgres://… (use a fresh database).")
    var database: String = "sqlite:/tmp/pond-bench-timers.sqlite"
    @Option(help: "Waiting runs.") var runs: Int = 1_000_000
    @Option(help: "Seconds over which their timers come due.") var spread: Int = 60
    @Option(help: "Journey steps per batch.") var stepBatch: Int = 500
    @Option(help: "What the step after the timer does: tag (add a tag, then exit) or exit.") var action: Action = .tag

    enum Action: String, ExpressibleByArgument { case tag, exit }

    func run() async throws {
        var logger = Logger(label: "pond-bench")
        logger.logLevel = .warning
        if database.hasPrefix("sqlite:") {
            let path = String(database.dropFirst("sqlite:".count))
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let opened = try await DatabaseURL.open(database, durability: .full, logger: logger)
        let (count, spread, stepBatch, action) = (runs, spread, stepBatch, action)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await opened.run() }
            try await DatabaseURL.migrate(opened.database)
            let store = Store(database: opened.database)
            let clock = SystemClock()
            let runtime = PondRuntime(store: store, clock: clock, sweepOnStart: false, logger: logger)
            _ = try await runtime.provisioner.createWorkspace(name: "bench")
            let workspaceID = try await store.workspaces().first!.id
            _ = try await runtime.services.tags.createTag(workspaceID: workspaceID, name: "bench", group: nil, description: "")
            let after: JSONValue =
                action == .tag
                ? ["id": "after", "type": "action", "action": ["type": "add_tag", "tag": "bench"], "next": "done"]
                : ["id": "after", "type": "exit"]
            var nodes: [JSONValue] = [["id": "wait", "type": "delay", "seconds": 60, "next": "after"], after]
            if action == .tag { nodes.append(["id": "done", "type": "exit"]) }
            let journey = try await runtime.services.journeys.save(
                workspaceID: workspaceID, id: "timers", replacing: nil,
                ["name": "Timers", "trigger": ["type": "manual"], "start": "wait", "nodes": .array(nodes)]
            ).journey
            _ = try await runtime.services.journeys.start(workspaceID: workspaceID, id: journey.id)

            let seeding = ContinuousClock.now
            let ids = try await Self.seedRuns(store, workspaceID: workspaceID, journeyID: journey.id, runs: count, now: clock.now())
            let seededRuns = ContinuousClock.now - seeding
            // The timers are written next, taking about as long as the runs did: they come due from 10 s after that.
            let firstDue = clock.now().adding(milliseconds: 10_000 + Int64(DispatchBench.seconds(seededRuns) * 1000))
            try await Self.seedTimers(store, workspaceID: workspaceID, runs: ids, firstDue: firstDue, spread: spread, now: clock.now())
            let seeded = ContinuousClock.now - seeding
            let lead = Double(firstDue.millisecondsSinceEpoch - clock.now().millisecondsSinceEpoch) / 1000
            print("seeded \(count) waiting runs and their timers in \(SegmentBench.seconds(seeded)); first due in \(String(format: "%.1f", lead)) s, "
                + "the last \(spread) s later")

            let handler = TimedSteps(
                JourneyStepJob(journeys: runtime.services.journeys, dispatch: runtime.services.dispatch, batchSize: stepBatch, logger: logger),
                clock: clock, expected: count)
            let runner = JobRunner(store: store, clock: clock, owner: "bench-timers", handlers: [handler], logger: logger)
            let running = Task { try await runner.run() }
            let deadline = ContinuousClock.now + .seconds(Int64(spread) + 1200)
            while !handler.finished, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
            running.cancel()
            _ = try? await running.value

            let lateness = handler.lateness().sorted()
            guard !lateness.isEmpty else { throw ValidationError("no step completed") }
            let completed = lateness.count
            func at(_ q: Double) -> String { String(format: "%.3f s", Double(lateness[min(completed - 1, Int(Double(completed) * q))]) / 1000) }
            print("timers (\(action.rawValue) after the timer, \(stepBatch) steps a batch): \(completed) of \(count) steps completed; "
                + "lateness p50 \(at(0.5)), p99 \(at(0.99)), max \(String(format: "%.3f s", Double(lateness.last!) / 1000)); "
                + "peak RSS \(IngestBench.peakRSSMegabytes()) MB")
            group.cancelAll()
        }
    }

    /// Profiles and runs waiting after their delay, written straight into the tables in transactions of 10,000.
    /// Returns the runs' ids.
    static func seedRuns(_ store: Store, workspaceID: String, journeyID: String, runs: Int, now: Instant) async throws -> [Int64] {
        let ws = SQLValue.text(workspaceID)
        let stamp = SQLValue.int(now.millisecondsSinceEpoch)
        try await store.bulkLoad {
            for first in stride(from: 1, through: runs, by: 10_000) {
                let ids = Array(first..<min(first + 10_000, runs + 1))
                try await store.database.write { db in
                    try await db.executeMany(
                        "INSERT INTO profiles (id, workspace_id, canonical_id, created_at, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                        ids.map { [.int(Int64($0)), ws, .int(Int64($0)), stamp, stamp, stamp] })
                    try await db.executeMany(
                        """
                        INSERT INTO journey_runs (workspace_id, journey_id, version, profile_id, entry_key, node, step, status,
                            entered_at, updated_at)
                        VALUES (?, ?, 1, ?, ?, 'after', 1, 'waiting', ?, ?)
                        """, ids.map { [ws, .text(journeyID), .int(Int64($0)), .text("once:\($0)"), stamp, stamp] })
                }
            }
        }
        return try await store.database.read { db in
            try await db.query("SELECT id FROM journey_runs WHERE workspace_id = ? ORDER BY id", ws).map { try $0.int(0) }
        }
    }

    /// The runs' timers, due evenly over `spread` seconds from `firstDue` in run order, in transactions of 10,000.
    static func seedTimers(_ store: Store, workspaceID: String, runs ids: [Int64], firstDue: Instant, spread: Int, now: Instant) async throws {
        let ws = SQLValue.text(workspaceID)
        let stamp = SQLValue.int(now.millisecondsSinceEpoch)
        let spreadMilliseconds = Int64(spread) * 1000
        for start in stride(from: 0, to: ids.count, by: 10_000) {
            let chunk = ids[start..<min(start + 10_000, ids.count)]
            try await store.database.write { db in
                try await db.executeMany(
                    "INSERT INTO jobs (workspace_id, kind, job_key, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    chunk.enumerated().map { offset, id in
                        let due = firstDue.millisecondsSinceEpoch + spreadMilliseconds * Int64(start + offset) / Int64(max(ids.count, 1))
                        return [ws, .text(Store.stepJobKind), .text("run-\(id)-1"), .int(due), .text("{\"run\":\(id),\"step\":1}"), stamp]
                    })
            }
        }
    }
}

/// The step handler, timed: when each batch's transaction has committed, every job of it that completed is recorded
/// with how late it was.
final class TimedSteps: BatchJobHandler {
    let steps: JourneyStepJob
    let clock: any PondCore.Clock
    let expected: Int
    private let late = Mutex<[Int64]>([])

    init(_ steps: JourneyStepJob, clock: any PondCore.Clock, expected: Int) {
        self.steps = steps
        self.clock = clock
        self.expected = expected
        late.withLock { $0.reserveCapacity(expected) }
    }

    var kind: String { steps.kind }
    var batchSize: Int { steps.batchSize }

    func run(_ job: ClaimedJob) async throws -> JobOutcome { try await runBatch([job])[0].get() }

    func runBatch(_ jobs: [ClaimedJob]) async -> [Result<JobOutcome, any Error>] {
        let results = await steps.runBatch(jobs)
        let now = clock.now().millisecondsSinceEpoch
        let done = zip(jobs, results).compactMap { job, result in
            (try? result.get()) == .completed ? now - job.job.dueAt.millisecondsSinceEpoch : nil
        }
        late.withLock { $0 += done }
        return results
    }

    var finished: Bool { late.withLock { $0.count } >= expected }

    func lateness() -> [Int64] { late.withLock { $0 } }
}
