import Foundation
import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// The job and timer queue: due work is claimed once under a lease, taken over when a lease runs out, completed only
/// by the worker that still holds it — on both backends, and across two nodes on one Postgres.
@Suite("Job queue")
struct JobQueueContractTests {
    static let start = Instant(millisecondsSinceEpoch: 1_800_000_000_000)

    static func job(_ key: String, dueIn seconds: Int64, kind: String = "step") -> NewJob {
        NewJob(workspaceID: "ws", kind: kind, key: key, dueAt: start.adding(milliseconds: seconds * 1000), payload: ["key": .string(key)])
    }

    @Test("enqueueing a key twice keeps one job; claims take due jobs only, earliest first", arguments: TestBackend.available)
    func claimsDueJobs(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.enqueue([Self.job("b", dueIn: 20), Self.job("a", dueIn: 10), Self.job("c", dueIn: 3600)], at: Self.start) == 3)
            #expect(try await store.enqueue([Self.job("a", dueIn: 99), Self.job("other", dueIn: 0, kind: "broadcast")], at: Self.start) == 1)
            #expect(try await store.jobCount(workspaceID: "ws") == 4)

            let now = Self.start.adding(milliseconds: 30_000)
            #expect(try await store.nextJobDue(kinds: ["step"], now: now) == Self.start.adding(milliseconds: 10_000))
            let claimed = try await store.claimJobs(kinds: ["step"], owner: "n1", now: now, lease: .seconds(60), limit: 10)
            #expect(claimed.map(\.job.key) == ["a", "b"], "not c (due in an hour), not the other kind")
            #expect(claimed[0].job.payload == ["key": "a"])
            #expect(claimed.allSatisfy { $0.attempts == 1 && $0.leaseUntil == now.adding(.seconds(60)) })
            #expect(try await store.claimJobs(kinds: ["step"], owner: "n2", now: now, lease: .seconds(60), limit: 10).isEmpty)
            #expect(try await store.nextJobDue(kinds: ["step"], now: now) == Self.start.adding(milliseconds: 3_600_000), "claimed jobs are skipped")

            try await store.completeJob(claimed[0], enqueueing: [Self.job("a-next", dueIn: 40)], at: now)
            #expect(try await store.jobCount(workspaceID: "ws") == 4)
            await #expect(throws: JobLeaseLost(jobID: claimed[0].id)) { try await store.completeJob(claimed[0], at: now) }
        }
    }

    @Test("a lease that runs out is taken over, and the first worker can no longer complete or retry", arguments: TestBackend.available)
    func leasesRunOut(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.enqueue([Self.job("a", dueIn: 0)], at: Self.start)
            let first = try #require(try await store.claimJobs(kinds: ["step"], owner: "n1", now: Self.start, lease: .seconds(30), limit: 1).first)
            let later = Self.start.adding(.seconds(31))
            let second = try #require(try await store.claimJobs(kinds: ["step"], owner: "n2", now: later, lease: .seconds(30), limit: 1).first)
            #expect(second.id == first.id && second.attempts == 2)

            // n1 wakes up late: its completion and whatever it enqueues with it are refused together.
            await #expect(throws: JobLeaseLost(jobID: first.id)) {
                try await store.completeJob(first, enqueueing: [Self.job("from-n1", dueIn: 0)], at: later)
            }
            await #expect(throws: JobLeaseLost(jobID: first.id)) { try await store.retryJob(first, dueAt: later, error: "late") }
            #expect(try await store.jobCount(workspaceID: "ws") == 1)

            try await store.retryJob(second, dueAt: later.adding(.seconds(300)), error: "channel timed out")
            #expect(try await store.claimJobs(kinds: ["step"], owner: "n2", now: later, lease: .seconds(30), limit: 1).isEmpty)
            let third = try #require(
                try await store.claimJobs(kinds: ["step"], owner: "n3", now: later.adding(.seconds(300)), lease: .seconds(30), limit: 1).first)
            #expect(third.attempts == 3)
            try await store.completeJob(third, at: later)
            #expect(try await store.jobCount(workspaceID: "ws") == 0)
        }
    }

    /// Random enqueues, claims by three workers, completions, retries and the passing of time, against a model of
    /// what the queue must do: every claim returns exactly the jobs the model says are claimable, in order.
    @Test("claims, completions and retries agree with a model of the queue", arguments: TestBackend.available)
    func agreesWithModel(_ backend: TestBackend) async throws {
        struct Modelled {
            var key: String
            var order: Int
            var due: Instant
            var owner: String?
            var leaseUntil: Instant?
            var attempts = 0
        }
        try await backend.withStore { store in
            var random = SplitMix64(seed: 0x5EED_0B5)
            var model: [String: Modelled] = [:]
            var held: [String: ClaimedJob] = [:]
            var now = Self.start
            var order = 0
            for step in 0..<300 {
                switch random.int(10) {
                case 0...2:
                    let key = "k\(random.int(40))"
                    let due = now.adding(milliseconds: Int64(random.int(120)) * 1000 - 30_000)
                    let added = try await store.enqueue([NewJob(workspaceID: "ws", kind: "step", key: key, dueAt: due)], at: now)
                    #expect(added == (model[key] == nil ? 1 : 0), "step \(step): enqueue \(key)")
                    if model[key] == nil {
                        order += 1
                        model[key] = Modelled(key: key, order: order, due: due)
                    }
                case 3...5:
                    let owner = "n\(random.int(3))"
                    let limit = 1 + random.int(4)
                    let claimable = model.values.filter { $0.due <= now && ($0.leaseUntil.map { $0 <= now } ?? true) }
                        .sorted { ($0.due, $0.order) < ($1.due, $1.order) }.prefix(limit)
                    let claimed = try await store.claimJobs(kinds: ["step"], owner: owner, now: now, lease: .seconds(45), limit: limit)
                    #expect(claimed.map(\.job.key) == claimable.map(\.key), "step \(step): claim by \(owner)")
                    for job in claimed {
                        model[job.job.key]?.owner = owner
                        model[job.job.key]?.leaseUntil = now.adding(.seconds(45))
                        model[job.job.key]?.attempts += 1
                        #expect(job.attempts == model[job.job.key]?.attempts)
                        held["\(owner)/\(job.job.key)/\(job.attempts)"] = job
                    }
                case 6...7:
                    guard let (name, job) = held.randomElement(using: &random) else { continue }
                    held[name] = nil
                    let current = model[job.job.key]
                    let stillOurs = current?.owner == job.owner && current?.attempts == job.attempts
                    do {
                        if random.chance(70) {
                            try await store.completeJob(job, at: now)
                            model[job.job.key] = nil
                        } else {
                            let due = now.adding(.seconds(Int64(random.int(60))))
                            try await store.retryJob(job, dueAt: due, error: "boom")
                            model[job.job.key]?.due = due
                            model[job.job.key]?.owner = nil
                            model[job.job.key]?.leaseUntil = nil
                        }
                        #expect(stillOurs, "step \(step): \(name) finished a job it no longer held")
                    } catch is JobLeaseLost {
                        #expect(!stillOurs, "step \(step): \(name) lost a job it still held")
                    }
                default:
                    now = now.adding(.seconds(Int64(1 + random.int(40))))
                }
            }
            #expect(try await store.jobCount(workspaceID: "ws") == model.count)
        }
    }

    @Test("two nodes on one Postgres claim every job exactly once", .enabled(if: TestDatabases.postgresConfigured))
    func twoNodes() async throws {
        try await TestDatabases.withTwoPostgresNodes { first, second in
            let nodes = [Store(database: first), Store(database: second)]
            try await nodes[0].enqueue((0..<400).map { Self.job("j\($0)", dueIn: 0) }, at: Self.start)
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for (index, node) in nodes.enumerated() {
                    for worker in 0..<3 {
                        group.addTask {
                            var keys: [String] = []
                            while true {
                                let claimed = try await node.claimJobs(
                                    kinds: ["step"], owner: "n\(index)-\(worker)", now: Self.start, lease: .seconds(60), limit: 7)
                                if claimed.isEmpty { return keys }
                                for job in claimed { try await node.completeJob(job, at: Self.start) }
                                keys += claimed.map(\.job.key)
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claims.count == 400)
            #expect(Set(claims).count == 400)
            #expect(try await nodes[1].jobCount(workspaceID: "ws") == 0)
        }
    }
}
