import PondCore

/// A piece of work due at a time: a journey step, a timer, a broadcast slice, a retry of a delivery.
public struct NewJob: Sendable, Equatable {
    public var workspaceID: String
    /// What runs it (`journey.step`, `broadcast.slice`, …).
    public var kind: String
    /// Unique per workspace and kind: enqueueing the same key again is a no-op, so a retried enqueue never doubles
    /// the work (the run and step of a journey, say).
    public var key: String
    public var dueAt: Instant
    public var payload: JSONValue

    public init(workspaceID: String, kind: String, key: String, dueAt: Instant, payload: JSONValue = .object([:])) {
        self.workspaceID = workspaceID
        self.kind = kind
        self.key = key
        self.dueAt = dueAt
        self.payload = payload
    }
}

/// A job claimed by one worker until `leaseUntil`.
public struct ClaimedJob: Sendable, Equatable {
    public var id: Int64
    public var job: NewJob
    /// How many times the job has been claimed, this claim included: a job that keeps failing (or keeps killing
    /// the node that runs it) can be told apart.
    public var attempts: Int
    public var owner: String
    public var leaseUntil: Instant
}

/// The lease of a job ran out and another worker claimed it, or the job is gone: whatever this worker was about to
/// write with its completion must not be written (the transaction that found this rolls back).
public struct JobLeaseLost: Error, Sendable, Equatable {
    public var jobID: Int64

    public init(jobID: Int64) { self.jobID = jobID }
}

/// The durable job and timer queue, on both backends alike.
///
/// A job is claimed under a lease (`lease_owner`, `lease_until`): it is invisible to other claims until the lease
/// runs out, so a node that dies mid-work has its jobs taken over once their leases expire, and several `pond`
/// processes on one Postgres take disjoint jobs (`FOR UPDATE SKIP LOCKED`; SQLite has one writer). A job is done only
/// when its completion commits, checked against the lease in the same transaction, so a worker whose lease was
/// taken over cannot complete it a second time. Claims read the `jobs_due` index from its start: timers due months
/// from now cost a key range, never a scan.
extension Store {
    /// Adds jobs; keys already queued are left as they are. Returns how many were added.
    @discardableResult
    public func enqueue(_ jobs: [NewJob], at now: Instant) async throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        let added = try await database.write { db in try await Self.enqueue(db, jobs, at: now) }
        jobsQueued.signal()
        return added
    }

    static func enqueue(_ db: any SQLExecutor, _ jobs: [NewJob], at now: Instant) async throws -> Int {
        try await db.executeMany(
            """
            INSERT INTO jobs (workspace_id, kind, job_key, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, kind, job_key) DO NOTHING
            """,
            jobs.map {
                [.text($0.workspaceID), .text($0.kind), .text($0.key), $0.dueAt.sql, .text(JSONWriter.string($0.payload)), now.sql]
            })
    }

    /// Claims up to `limit` jobs of `kinds` due at `now` whose lease is free or expired, earliest due first, for
    /// `owner` until `now + lease`.
    public func claimJobs(kinds: [String], owner: String, now: Instant, lease: Duration, limit: Int) async throws
        -> [ClaimedJob]
    {
        guard !kinds.isEmpty, limit > 0 else { return [] }
        let until = now.adding(lease)
        let skipLocked = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await database.write { db in
            try await db.query(
                """
                UPDATE jobs SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM jobs WHERE due_at <= ? AND kind IN (\(placeholders(kinds.count)))
                        AND (lease_until IS NULL OR lease_until <= ?)
                    ORDER BY due_at, id LIMIT ?\(skipLocked))
                RETURNING id, workspace_id, kind, job_key, due_at, payload, attempts
                """,
                [.text(owner), until.sql, now.sql] + kinds.map(SQLValue.text) + [now.sql, .int(Int64(limit))]
            ).map { row in
                ClaimedJob(
                    id: try row.int(0),
                    job: NewJob(
                        workspaceID: try row.text(1), kind: try row.text(2), key: try row.text(3), dueAt: try row.instant(4),
                        payload: try JSONParser.parseStored(try row.text(5))),
                    attempts: Int(try row.int(6)), owner: owner, leaseUntil: until)
            }.sorted { ($0.job.dueAt, $0.id) < ($1.job.dueAt, $1.id) }
        }
    }

    /// Completes a claimed job and enqueues what follows from it (the next step, a timer), in one transaction.
    /// Throws `JobLeaseLost`, changing nothing, when the claim is no longer this worker's.
    public func completeJob(_ claimed: ClaimedJob, enqueueing next: [NewJob] = [], at now: Instant) async throws {
        try await database.write { db in
            try await Self.completeJob(db, claimed)
            _ = try await Self.enqueue(db, next, at: now)
        }
        if !next.isEmpty { jobsQueued.signal() }
    }

    /// For store operations that complete a job together with their own writes.
    static func completeJob(_ db: any SQLExecutor, _ claimed: ClaimedJob) async throws {
        let deleted = try await db.execute(
            "DELETE FROM jobs WHERE id = ? AND lease_owner = ? AND attempts = ?", .int(claimed.id), .text(claimed.owner),
            .int(Int64(claimed.attempts)))
        guard deleted == 1 else { throw JobLeaseLost(jobID: claimed.id) }
    }

    /// Gives a claimed job back, due again at `dueAt`, with the error that made it fail (nil for a job that is
    /// only put off, which keeps the last error). Throws `JobLeaseLost` when the claim is no longer this worker's.
    public func retryJob(_ claimed: ClaimedJob, dueAt: Instant, error: String?) async throws {
        try await database.write { db in
            let updated = try await db.execute(
                """
                UPDATE jobs SET due_at = ?, lease_owner = NULL, lease_until = NULL, last_error = COALESCE(?, last_error)
                WHERE id = ? AND lease_owner = ? AND attempts = ?
                """, dueAt.sql, SQLValue(error.map { String($0.prefix(2000)) }), .int(claimed.id), .text(claimed.owner),
                .int(Int64(claimed.attempts)))
            guard updated == 1 else { throw JobLeaseLost(jobID: claimed.id) }
        }
    }

    /// When the earliest unclaimed job of `kinds` is due (or the earliest whose lease ran out by `now`), or nil
    /// when none is: how long a worker may sleep. Read from the start of `jobs_due`, past the jobs claimed now.
    public func nextJobDue(kinds: [String], now: Instant) async throws -> Instant? {
        guard !kinds.isEmpty else { return nil }
        return try await database.read { db in
            try await db.query(
                """
                SELECT due_at FROM jobs WHERE kind IN (\(placeholders(kinds.count)))
                    AND (lease_until IS NULL OR lease_until <= ?)
                ORDER BY due_at, id LIMIT 1
                """, kinds.map(SQLValue.text) + [now.sql]
            ).first?.optionalInstant(0)
        }
    }

    /// Jobs queued in a workspace, claimed or not.
    public func jobCount(workspaceID: String) async throws -> Int {
        try await database.read { db in
            Int(try await db.query("SELECT COUNT(*) FROM jobs WHERE workspace_id = ?", .text(workspaceID)).first?.int(0) ?? 0)
        }
    }
}
