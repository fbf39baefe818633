import PondCore

/// A tag a journey step puts on its profile's cluster root or takes off it.
public struct JourneyTagChange: Sendable, Hashable {
    public var root: Int64
    public var tag: String
    public var adds: Bool
    /// The journey node that asked for it (`<journey>@<version>/<node>`), kept as the tag's `source_ref`.
    public var reference: String

    public init(root: Int64, tag: String, adds: Bool, reference: String) {
        self.root = root
        self.tag = tag
        self.adds = adds
        self.reference = reference
    }
}

/// A trait a journey step sets on its profile's cluster root, recorded in the trait history under `messageID`.
public struct JourneyTraitSet: Sendable, Hashable {
    public var root: Int64
    public var key: String
    public var value: JSONValue
    public var messageID: String

    public init(root: Int64, key: String, value: JSONValue, messageID: String) {
        self.root = root
        self.key = key
        self.value = value
        self.messageID = messageID
    }
}

/// Everything one step writes: the completion of its job and, unless the job found nothing to do (`update` nil),
/// the run's new position, arms, next timer, and the tags and traits its actions changed, in the order they came.
public struct JourneyStepWrite: Sendable {
    public var job: ClaimedJob
    public var run: JourneyRun?
    public var update: JourneyRunUpdate?
    public var tags: [JourneyTagChange]
    public var traits: [JourneyTraitSet]

    public init(job: ClaimedJob, run: JourneyRun?, update: JourneyRunUpdate?, tags: [JourneyTagChange] = [], traits: [JourneyTraitSet] = []) {
        self.job = job
        self.run = run
        self.update = update
        self.tags = tags
        self.traits = traits
    }
}

/// Journey steps taken many at a time: what a batch reads in a handful of set queries, and the one transaction that
/// records a batch of steps.
extension Store {
    /// Runs by id (those of the workspace that exist).
    public func journeyRuns(workspaceID: String, ids: [Int64]) async throws -> [Int64: JourneyRun] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            var runs: [Int64: JourneyRun] = [:]
            for chunk in Array(Set(ids)).chunked(500) {
                for row in try await db.query(
                    "SELECT \(Self.runColumns) FROM journey_runs WHERE workspace_id = ? AND id IN (\(placeholders(chunk.count)))",
                    [.text(workspaceID)] + chunk.map(SQLValue.int))
                {
                    let run = try Self.decodeRun(row)
                    runs[run.id] = run
                }
            }
            return runs
        }
    }

    /// The properties of logged events, by sequence number (an event that is gone has none).
    public func eventProperties(workspaceID: String, seqs: [Int64]) async throws -> [Int64: [String: JSONValue]] {
        guard !seqs.isEmpty else { return [:] }
        return try await database.read { db in
            var properties: [Int64: [String: JSONValue]] = [:]
            for chunk in Array(Set(seqs)).chunked(500) {
                for row in try await db.query(
                    "SELECT seq, payload FROM events WHERE workspace_id = ? AND seq IN (\(placeholders(chunk.count)))",
                    [.text(workspaceID)] + chunk.map(SQLValue.int))
                {
                    properties[try row.int(0)] = (try? JSONParser.parseStored(try row.text(1)))?["properties"]?.objectValue ?? [:]
                }
            }
            return properties
        }
    }

    /// Records a batch of steps in one transaction: each job is completed against its lease, and only the steps whose
    /// job was still this worker's are written — a job whose lease ran out is dropped without a trace, for its new
    /// holder to run, while the others commit. Returns the ids of the jobs dropped that way.
    ///
    /// A step whose run moved on since it was read (a wait's event resumed it) completes its job and writes nothing
    /// else, as a stale timer does. Tags and traits are written here, with the positions, so that a crash leaves a
    /// step with all of its effects or none (messages, decided earlier by the dispatcher, are idempotent by key).
    /// Tag changes are applied in the order the steps made them: consecutive changes alike (the same direction and
    /// node) become one statement group.
    public func finishJourneySteps(workspaceID: String, _ steps: [JourneyStepWrite], at now: Instant) async throws -> Set<Int64> {
        guard !steps.isEmpty else { return [] }
        let ws = SQLValue.text(workspaceID)
        let owner = steps[0].job.owner
        let lockRows = dialect == .postgres ? " FOR UPDATE" : ""
        let outcome = try await database.write { db in
            // The jobs still held under these claims (locked on Postgres until the commit), then deleted together.
            var held: [Int64: Int] = [:]
            for chunk in steps.map(\.job).chunked(500) {
                for row in try await db.query(
                    """
                    SELECT id, attempts FROM jobs WHERE lease_owner = ? AND id IN (\(placeholders(chunk.count)))\(lockRows)
                    """, [.text(owner)] + chunk.map { SQLValue.int($0.id) })
                {
                    held[try row.int(0)] = Int(try row.int(1))
                }
            }
            let kept = steps.filter { held[$0.job.id] == $0.job.attempts && $0.job.owner == owner }
            let lost = Set(steps.map(\.job.id)).subtracting(kept.map(\.job.id))
            for chunk in kept.map(\.job.id).chunked(500) {
                try await db.execute("DELETE FROM jobs WHERE id IN (\(placeholders(chunk.count)))", chunk.map(SQLValue.int))
            }

            // Runs still at the step each job was queued for.
            let moving = kept.filter { $0.run != nil && $0.update != nil }
            var current: [Int64: Int] = [:]
            for chunk in moving.map({ $0.run!.id }).chunked(500) {
                for row in try await db.query(
                    "SELECT id, step FROM journey_runs WHERE workspace_id = ? AND id IN (\(placeholders(chunk.count)))\(lockRows)",
                    [ws] + chunk.map(SQLValue.int))
                {
                    current[try row.int(0)] = Int(try row.int(1))
                }
            }
            let taken = moving.filter { current[$0.run!.id] == $0.run!.step }
            try await db.executeMany(
                """
                UPDATE journey_runs SET node = ?, step = ?, status = ?, updated_at = ?, wait_event = ?,
                    wait_since = ?, exited_at = ?, exit_reason = ?, converted_after = ?
                WHERE workspace_id = ? AND id = ?
                """,
                taken.map { step -> [SQLValue] in
                    let update = step.update!, run = step.run!
                    return [
                        .text(update.node), .int(Int64(run.step + 1)), .text(update.status.rawValue), now.sql,
                        SQLValue(update.waitEvent), update.waitEvent == nil ? .null : now.sql,
                        update.status == .exited ? now.sql : .null, SQLValue(update.exitReason),
                        SQLValue(update.convertedAfterMilliseconds), ws, .int(run.id),
                    ]
                })
            try await db.executeMany(
                """
                INSERT INTO journey_run_arms (workspace_id, run_id, node, arm) VALUES (?, ?, ?, ?)
                ON CONFLICT (workspace_id, run_id, node) DO UPDATE SET arm = excluded.arm
                """,
                taken.flatMap { step in
                    step.update!.arms.map { arm -> [SQLValue] in [ws, .int(step.run!.id), .text(arm.node), .text(arm.arm)] }
                })
            let next: [NewJob] = taken.compactMap { step -> NewJob? in
                let update = step.update!, run = step.run!
                switch update.status {
                case .active: return Self.stepJob(workspaceID, run: run.id, step: run.step + 1, due: now)
                case .waiting: return update.dueAt.map { Self.stepJob(workspaceID, run: run.id, step: run.step + 1, due: $0) }
                case .exited: return nil
                }
            }
            _ = try await Self.enqueue(db, next, at: now)

            let touched = try await Self.applyJourneyEffects(db, workspaceID, tags: taken.flatMap(\.tags), traits: taken.flatMap(\.traits), at: now)
            return (lost: lost, queued: !next.isEmpty, touched: touched)
        }
        if outcome.queued { jobsQueued.signal() }
        if outcome.touched { profileWorkQueued.signal() }
        return outcome.lost
    }

    /// Tag changes (each a `Tag Added`/`Tag Removed` timeline entry, as `TaggingService` writes them) and trait sets
    /// (latest wins, each in the trait history), with the touched roots queued for re-evaluation. Returns whether any
    /// root was queued.
    static func applyJourneyEffects(
        _ db: any SQLExecutor, _ workspaceID: String, tags: [JourneyTagChange], traits: [JourneyTraitSet], at now: Instant
    ) async throws -> Bool {
        var queued = Set<Int64>()
        var start = tags.startIndex
        while start < tags.endIndex {
            let first = tags[start]
            var end = start + 1
            while end < tags.endIndex, tags[end].adds == first.adds, tags[end].reference == first.reference { end += 1 }
            let pairs = tags[start..<end].map { ($0.root, $0.tag) }
            let changed =
                first.adds
                ? try await addTags(db, workspaceID, pairs, source: .journey, sourceRef: first.reference, at: now)
                : try await removeTags(
                    db, workspaceID, pairs, reason: ["source": .string(TagSource.journey.rawValue), "sourceRef": .string(first.reference)],
                    at: now)
            queued.formUnion(changed.map(\.0))
            start = end
        }
        let ws = SQLValue.text(workspaceID)
        try await db.executeMany(
            """
            INSERT INTO profile_traits (workspace_id, profile_id, key, value, ts) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, profile_id, key) DO UPDATE SET value = excluded.value, ts = excluded.ts
            """, traits.map { [ws, .int($0.root), .text($0.key), .text(JSONWriter.string($0.value)), now.sql] })
        try await db.executeMany(
            "INSERT INTO trait_history (workspace_id, profile_id, key, value, ts, message_id) VALUES (?, ?, ?, ?, ?, ?)",
            traits.map { [ws, .int($0.root), .text($0.key), .text(JSONWriter.string($0.value)), now.sql, .text($0.messageID)] })
        queued.formUnion(traits.map(\.root))
        try await queueProfileWork(db, workspaceID, queued, at: now)
        return !queued.isEmpty
    }
}
