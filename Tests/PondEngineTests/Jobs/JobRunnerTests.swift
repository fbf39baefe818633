import Foundation
import Logging
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Synchronization
import Testing

@Suite("Job runner")
struct JobRunnerTests {
    /// Records every run; fails the first attempt of keys starting with `flaky`, puts off keys starting with `later`
    /// once, and chains `chain-N` to `chain-N+1` up to 3.
    final class Recorder: JobHandler {
        let kind = "step"
        let clock: ManualClock
        let runs = Mutex<[String]>([])

        init(clock: ManualClock) { self.clock = clock }

        func run(_ job: ClaimedJob) async throws -> JobOutcome {
            let key = job.job.key
            runs.withLock { $0.append(key) }
            if key.hasPrefix("flaky"), job.attempts == 1 { throw CocoaError(.fileReadUnknown) }
            if key.hasPrefix("later"), job.attempts == 1 { return .later(clock.now().adding(.seconds(30))) }
            if key.hasPrefix("chain-"), let n = Int(key.dropFirst(6)), n < 3 {
                return .done(next: [NewJob(workspaceID: "ws", kind: kind, key: "chain-\(n + 1)", dueAt: clock.now().adding(.seconds(10)))])
            }
            return .done(next: [])
        }
    }

    static func runner(_ store: Store, _ clock: ManualClock, _ handler: Recorder, owner: String = "n1") -> JobRunner {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return JobRunner(store: store, clock: clock, owner: owner, handlers: [handler], batchSize: 7, logger: logger)
    }

    static func job(_ key: String, at: Instant) -> NewJob { NewJob(workspaceID: "ws", kind: "step", key: key, dueAt: at) }

    @Test("due jobs run, failures come back after a backoff, put-off jobs when asked, follow-ups when due", arguments: TestBackend.available)
    func runsDueJobs(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let clock = ManualClock()
            let handler = Recorder(clock: clock)
            let runner = Self.runner(store, clock, handler)
            let now = clock.now()
            try await store.enqueue(
                [Self.job("plain", at: now), Self.job("flaky", at: now), Self.job("later", at: now), Self.job("chain-1", at: now),
                 Self.job("future", at: now.adding(.seconds(3600)))], at: now)

            #expect(await runner.runDue() == 4)
            #expect(handler.runs.withLock { $0 }.sorted() == ["chain-1", "flaky", "later", "plain"])
            clock.advance(milliseconds: 2_000)
            #expect(await runner.runDue() == 1, "the flaky job, 2 s after its first attempt")
            clock.advance(milliseconds: 10_000)
            #expect(await runner.runDue() == 1, "chain-2, 10 s after chain-1")
            clock.advance(milliseconds: 20_000)
            #expect(await runner.runDue() == 2, "chain-3 and the put-off job, 30 s after it was put off")
            #expect(handler.runs.withLock { $0 }.count == 8, "four, then flaky, chain-2, chain-3 and later again")
            #expect(try await store.jobCount(workspaceID: "ws") == 1, "only the job due in an hour is left")
        }
    }

    @Test("two runners on one store run each job once", arguments: TestBackend.available)
    func twoRunners(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let clock = ManualClock()
            let handler = Recorder(clock: clock)
            try await store.enqueue((0..<150).map { Self.job("j\($0)", at: clock.now()) }, at: clock.now())
            let runners = [Self.runner(store, clock, handler, owner: "n1"), Self.runner(store, clock, handler, owner: "n2")]
            async let first = runners[0].runDue()
            async let second = runners[1].runDue()
            #expect(await first + second == 150)
            let runs = handler.runs.withLock { $0 }
            #expect(runs.count == 150 && Set(runs).count == 150)
        }
    }

    @Test func backoffDoublesUpToAnHour() {
        #expect(JobRunner.backoff(attempt: 1) == .seconds(2))
        #expect(JobRunner.backoff(attempt: 3) == .seconds(8))
        #expect(JobRunner.backoff(attempt: 40) == .seconds(3600))
    }
}
