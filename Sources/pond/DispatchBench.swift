import Synchronization
import ArgumentParser
import Foundation
import Logging
import PondCore
import PondEngine
import PondServer
import PondStore

/// `pond bench dispatch`: dispatcher decisions per second with consent, caps, quiet hours and the marketing share all
/// on, over customers with realistic histories; and durable journey steps per second. Each beside a raw write of the
/// same rows to the same database in the same run.
struct DispatchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch", abstract: "Dispatcher decisions and journey steps per second.")

    @Option(help: "sqlite:PATH (the file is replaced) or postgres://… (use a fresh database).")
    var database: String = "sqlite:/tmp/pond-bench-dispatch.sqlite"
    @Option(help: "Customers.") var profiles: Int = 100_000
    @Option(help: "Messages each customer received in the last 30 days, at most (uniform 0…N).") var history: Int = 12
    @Option(help: "Messages per dispatch call.") var batch: Int = 1_000
    @Option(help: "Journey steps per batch (the job runner's claim for steps).") var stepBatch: Int = 500

    static let workspaceID = "bench"

    func run() async throws {
        var logger = Logger(label: "pond-bench")
        logger.logLevel = .warning
        if database.hasPrefix("sqlite:") {
            let path = String(database.dropFirst("sqlite:".count))
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let opened = try await DatabaseURL.open(database, durability: .full, logger: logger)
        let (profiles, history, batch, stepBatch) = (self.profiles, self.history, self.batch, self.stepBatch)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await opened.run() }
            try await DatabaseURL.migrate(opened.database)
            let store = Store(database: opened.database)
            // Noon in Shanghai, so quiet hours hold no one: every rule is checked, the caps and the share decide.
            let clock = BenchClock(ISO8601.parse("2026-03-02T12:00:00+08:00")!)
            let runtime = PondRuntime(store: store, clock: clock, sweepOnStart: false, logger: logger)
            _ = try await runtime.provisioner.createWorkspace(name: Self.workspaceID)
            let workspaceID = try await store.workspaces().first!.id
            let seeded = ContinuousClock.now
            try await Self.seed(store, workspaceID: workspaceID, profiles: profiles, history: history, now: clock.now())
            print("seeded \(profiles) customers with consent and up to \(history) deliveries each in \(SegmentBench.seconds(ContinuousClock.now - seeded))")

            // Reference: the same rows a decision writes (message, decision log entry, hand-over job), written raw in
            // transactions of the same size.
            let rawStarted = ContinuousClock.now
            try await Self.rawWrite(store, workspaceID: workspaceID, profiles: profiles, batch: batch, now: clock.now())
            let raw = ContinuousClock.now - rawStarted
            print("raw write of \(profiles) messages + decisions + jobs: \(Self.rate(profiles, raw)) rows/s")

            var outcomes: [DispatchReason?: Int] = [:]
            let started = ContinuousClock.now
            for first in stride(from: 0, to: profiles, by: batch) {
                let tickets = (first..<min(first + batch, profiles)).map { index in
                    MessageTicket(
                        key: "bench-\(index)", profileID: Int64(index + 1), channel: .sms,
                        category: index % 4 == 0 ? .service : .marketing, origin: "bench",
                        content: MessageContent(text: "会员日 8 折"), createdAt: clock.now())
                }
                for outcome in try await runtime.services.dispatch.send(workspaceID: workspaceID, tickets) {
                    outcomes[outcome.decision?.reason, default: 0] += 1
                }
            }
            let decided = ContinuousClock.now - started
            print("dispatcher: \(profiles) decisions in \(SegmentBench.seconds(decided)): \(Self.rate(profiles, decided)) decisions/s "
                + "(\(String(format: "%.0f", 100 * Self.seconds(raw) / Self.seconds(decided))) % of the raw write); outcomes "
                + outcomes.map { "\($0.key?.rawValue ?? "send") \($0.value)" }.sorted().joined(separator: ", "))

            try await Self.journeySteps(runtime, workspaceID: workspaceID, profiles: profiles, stepBatch: stepBatch, clock: clock, logger: logger)
            print("peak RSS \(IngestBench.peakRSSMegabytes()) MB")
            group.cancelAll()
        }
    }

    /// Runs every profile through `start → delay 60 s → tag → exit` (three steps each: enter, wake, finish) with the
    /// job runner as `pond serve` runs it — steps `stepBatch` at a time — and then writes the rows a step writes (the
    /// run's update, its job's delete, the next job's insert) raw, in transactions of 1,000, as the reference.
    static func journeySteps(
        _ runtime: PondRuntime, workspaceID: String, profiles: Int, stepBatch: Int, clock: BenchClock, logger: Logger
    ) async throws {
        _ = try await runtime.services.tags.createTag(workspaceID: workspaceID, name: "bench", group: nil, description: "")
        let definition: JSONValue = [
            "name": "Bench", "trigger": ["type": "manual"], "start": "wait",
            "nodes": [
                ["id": "wait", "type": "delay", "seconds": 60, "next": "tag"],
                ["id": "tag", "type": "action", "action": ["type": "add_tag", "tag": "bench"], "next": "done"],
                ["id": "done", "type": "exit"],
            ],
        ]
        // The hand-overs the dispatcher benchmark queued first, so the steps are timed alone.
        await runtime.jobs.runDue()
        let steps = JobRunner(
            store: runtime.store, clock: clock, owner: "bench-steps",
            handlers: [JourneyStepJob(journeys: runtime.services.journeys, dispatch: runtime.services.dispatch, batchSize: stepBatch, logger: logger)],
            logger: logger)
        let journey = try await runtime.services.journeys.save(workspaceID: workspaceID, id: "bench", replacing: nil, definition).journey
        _ = try await runtime.services.journeys.start(workspaceID: workspaceID, id: journey.id)
        let entering = ContinuousClock.now
        for first in stride(from: 1, through: profiles, by: 10_000) {
            _ = try await runtime.services.journeys.enter(
                workspaceID: workspaceID, id: journey.id, profileIDs: (first..<min(first + 10_000, profiles + 1)).map(Int64.init),
                requestKey: "bench")
        }
        let entered = ContinuousClock.now - entering
        let first = ContinuousClock.now
        await steps.runDue()
        let firstSteps = ContinuousClock.now - first
        clock.advance(seconds: 61)
        let second = ContinuousClock.now
        await steps.runDue()
        let secondSteps = ContinuousClock.now - second
        let rawStarted = ContinuousClock.now
        try await rawSteps(runtime.store, workspaceID: workspaceID, now: clock.now())
        let raw = ContinuousClock.now - rawStarted
        print("journeys (\(stepBatch) steps a batch): \(profiles) entries in \(SegmentBench.seconds(entered)) (\(rate(profiles, entered))/s); "
            + "first steps (to the delay) \(rate(profiles, firstSteps)) steps/s (\(percent(raw, firstSteps)) of raw); "
            + "steps after the timer (tag, exit) \(rate(profiles, secondSteps)) steps/s (\(percent(raw, secondSteps)) of raw); "
            + "raw step rows (run update + job delete + job insert) \(rate(profiles, raw)) steps/s")
    }

    /// The rows one step writes, for every run: the run's position updated, a job deleted, a job inserted — in
    /// transactions of 1,000 steps, without reading anything.
    static func rawSteps(_ store: Store, workspaceID: String, now: Instant) async throws {
        let ws = SQLValue.text(workspaceID)
        let runs = try await store.database.read { db in
            try await db.query("SELECT id FROM journey_runs WHERE workspace_id = ? ORDER BY id", ws).map { try $0.int(0) }
        }
        try await store.database.write { db in
            try await db.executeMany(
                "INSERT INTO jobs (workspace_id, kind, job_key, due_at, payload, created_at) VALUES (?, 'raw', ?, ?, '{}', ?)",
                runs.map { [ws, .text("raw-\($0)"), now.sql, now.sql] })
        }
        for start in stride(from: 0, to: runs.count, by: 1_000) {
            let chunk = runs[start..<min(start + 1_000, runs.count)]
            try await store.database.write { db in
                try await db.executeMany(
                    "UPDATE journey_runs SET node = ?, step = ?, status = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                    chunk.map { [.text("done"), .int(3), .text("exited"), now.sql, ws, .int($0)] })
                try await db.executeMany(
                    "DELETE FROM jobs WHERE workspace_id = ? AND kind = 'raw' AND job_key = ?", chunk.map { [ws, .text("raw-\($0)")] })
                try await db.executeMany(
                    "INSERT INTO jobs (workspace_id, kind, job_key, due_at, payload, created_at) VALUES (?, 'raw', ?, ?, '{}', ?)",
                    chunk.map { [ws, .text("raw-next-\($0)"), now.sql, now.sql] })
            }
        }
        try await store.database.write { db in try await db.execute("DELETE FROM jobs WHERE kind = 'raw'") }
    }

    static func percent(_ reference: Duration, _ measured: Duration) -> String {
        String(format: "%.0f %%", 100 * seconds(reference) / seconds(measured))
    }

    static func seed(_ store: Store, workspaceID: String, profiles: Int, history: Int, now: Instant) async throws {
        var random = SplitMix64(seed: 7)
        let ws = SQLValue.text(workspaceID)
        for first in stride(from: 1, through: profiles, by: 5_000) {
            let ids = Array(first..<min(first + 5_000, profiles + 1))
            var profileRows: [[SQLValue]] = [], identityRows: [[SQLValue]] = [], consentRows: [[SQLValue]] = []
            var messageRows: [[SQLValue]] = []
            for id in ids {
                let pid = SQLValue.int(Int64(id))
                profileRows.append([pid, ws, pid, now.sql, now.sql, now.sql])
                identityRows.append([ws, .text("phone"), .text("+86138\(String(format: "%08d", id))"), pid, now.sql])
                consentRows.append([ws, pid, .text("marketing"), .text("sms"), pid, .text("grant"), now.adding(days: -90).sql, .text("n1"), .text("seed")])
                for n in 0..<Int(random.next() % UInt64(history + 1)) {
                    let category = ["service", "content", "marketing"][Int(random.next() % 3)]
                    let at = now.adding(milliseconds: -Int64(random.next() % (30 * 86_400_000)))
                    messageRows.append([
                        ws, .text("seed-\(id)-\(n)"), pid, .text("sms"), .text(category), .text("seed"), .text("{\"text\":\"x\"}"),
                        .text("delivered"), at.sql, at.sql,
                    ])
                }
            }
            try await store.database.write { [profileRows, identityRows, consentRows, messageRows] db in
                try await db.executeMany(
                    "INSERT INTO profiles (id, workspace_id, canonical_id, created_at, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                    profileRows)
                try await db.executeMany(
                    "INSERT INTO identities (workspace_id, type, value, profile_id, first_seen) VALUES (?, ?, ?, ?, ?)", identityRows)
                try await db.executeMany(
                    """
                    INSERT INTO consent_states (workspace_id, profile_id, purpose, channel, entry_id, action, at, notice_version, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, consentRows)
                try await db.executeMany(
                    """
                    INSERT INTO messages (workspace_id, message_key, profile_id, channel, category, origin, content, status,
                        created_at, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, messageRows)
            }
        }
    }

    static func rawWrite(_ store: Store, workspaceID: String, profiles: Int, batch: Int, now: Instant) async throws {
        let ws = SQLValue.text(workspaceID)
        for first in stride(from: 0, to: profiles, by: batch) {
            let range = first..<min(first + batch, profiles)
            try await store.database.write { db in
                try await db.executeMany(
                    """
                    INSERT INTO messages (workspace_id, message_key, profile_id, channel, category, origin, content, status,
                        created_at, decided_at, sent_at)
                    VALUES (?, ?, ?, 'sms', 'marketing', 'raw', '{"text":"x"}', 'sending', ?, ?, ?)
                    """, range.map { [ws, .text("raw-\($0)"), .int(Int64($0 + 1)), now.sql, now.sql, now.sql] })
                try await db.executeMany(
                    """
                    INSERT INTO dispatch_decisions (workspace_id, message_key, profile_id, channel, category, decision, decided_at)
                    VALUES (?, ?, ?, 'sms', 'marketing', 'send', ?)
                    """, range.map { [ws, .text("raw-\($0)"), .int(Int64($0 + 1)), now.sql] })
                try await db.executeMany(
                    "INSERT INTO jobs (workspace_id, kind, job_key, due_at, payload, created_at) VALUES (?, 'raw', ?, ?, '{}', ?)",
                    range.map { [ws, .text("raw-\($0)"), now.sql, now.sql] })
            }
        }
        try await store.database.write { db in
            try await db.execute("DELETE FROM messages WHERE workspace_id = ? AND origin = 'raw'", ws)
            try await db.execute("DELETE FROM dispatch_decisions WHERE workspace_id = ? AND message_key LIKE 'raw-%'", ws)
            try await db.execute("DELETE FROM jobs WHERE kind = 'raw'")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func rate(_ count: Int, _ duration: Duration) -> String { String(format: "%.0f", Double(count) / seconds(duration)) }
}

/// A clock the benchmark moves: journey timers come due without waiting for them.
final class BenchClock: PondCore.Clock {
    private let current: Mutex<Instant>

    init(_ start: Instant) { current = Mutex(start) }

    func now() -> Instant { current.withLock { $0 } }

    func advance(seconds: Int64) { current.withLock { $0 = $0.adding(milliseconds: seconds * 1000) } }
}

extension Instant {
    /// The instant as the store writes it (milliseconds since the epoch).
    fileprivate var sql: SQLValue { .int(millisecondsSinceEpoch) }
}
