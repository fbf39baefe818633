import PondCore

/// A profile's run through one version of a journey.
public struct JourneyRun: Sendable, Hashable {
    public var id: Int64
    public var journeyID: String
    public var version: Int
    public var profileID: Int64
    /// The node the run is at: the one it takes next when active, the one it waits at when waiting.
    public var node: String
    /// How many steps it has taken: a step job carries the number it was queued for, so a stale timer (the run was
    /// resumed by its event meanwhile) does nothing.
    public var step: Int
    public var status: JourneyRunStatus
    public var enteredAt: Instant
    /// The event it waits for at a wait-for-event node, and since when (earlier events do not count).
    public var waitEvent: String?
    public var waitSince: Instant?
    /// The event that entered it (its properties fill `{{event.*}}`).
    public var triggerSeq: Int64?
    public var exitReason: String?
}

/// A run to start.
public struct NewJourneyRun: Sendable, Hashable {
    public var journeyID: String
    public var version: Int
    public var profileID: Int64
    public var entryKey: String
    public var dedupeKey: String?
    public var triggerSeq: Int64?
    public var start: String

    public init(journeyID: String, version: Int, profileID: Int64, entryKey: String, dedupeKey: String?, triggerSeq: Int64?, start: String) {
        self.journeyID = journeyID
        self.version = version
        self.profileID = profileID
        self.entryKey = entryKey
        self.dedupeKey = dedupeKey
        self.triggerSeq = triggerSeq
        self.start = start
    }
}

/// Where one step left a run.
public struct JourneyRunUpdate: Sendable, Hashable {
    public var node: String
    public var status: JourneyRunStatus
    /// When a waiting run's timer fires (a delay's end, a wait's timeout).
    public var dueAt: Instant?
    public var waitEvent: String?
    public var exitReason: String?
    public var convertedAfterMilliseconds: Int64?
    /// Arms taken at splits and conditions during the step, by node.
    public var arms: [(node: String, arm: String)]

    public init(
        node: String, status: JourneyRunStatus, dueAt: Instant? = nil, waitEvent: String? = nil, exitReason: String? = nil,
        convertedAfterMilliseconds: Int64? = nil, arms: [(node: String, arm: String)] = []
    ) {
        self.node = node
        self.status = status
        self.dueAt = dueAt
        self.waitEvent = waitEvent
        self.exitReason = exitReason
        self.convertedAfterMilliseconds = convertedAfterMilliseconds
        self.arms = arms
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.node == b.node && a.status == b.status && a.dueAt == b.dueAt && a.waitEvent == b.waitEvent
            && a.exitReason == b.exitReason && a.convertedAfterMilliseconds == b.convertedAfterMilliseconds
            && a.arms.map { "\($0.node)=\($0.arm)" } == b.arms.map { "\($0.node)=\($0.arm)" }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(node) }
}

/// Something a journey listens for that happened: an event (`ref` its log sequence number) or a segment transition.
public struct JourneyInboxItem: Sendable, Hashable {
    public var id: Int64
    public var source: JourneyListener.Source
    public var name: String
    public var profileID: Int64
    public var ref: Int64
    public var at: Instant
}

/// Journey runs, their steps and timers, the inbox of what triggers and resumes them, and their statistics.
///
/// A run's position lives in `journey_runs`, its timer in `jobs` (kind `stepJobKind`, key `run-<id>-<step>`), and a
/// step's new position, arms and next timer are written with the completion of the job that ran it, in one
/// transaction: a crash anywhere resumes every run where its last committed step left it, and a timer fires once.
extension Store {
    public static let stepJobKind = "journey.step"

    static func stepJob(_ workspaceID: String, run: Int64, step: Int, due: Instant) -> NewJob {
        NewJob(
            workspaceID: workspaceID, kind: stepJobKind, key: "run-\(run)-\(step)", dueAt: due,
            payload: ["run": .int(run), "step": .int(Int64(step))])
    }

    /// Starts runs, each due to take its first step now; a run whose entry or dedupe key the journey already has is
    /// not started (nil in its place). A run whose entry key comes again later in `runs` is started once, for the first.
    public func enterJourneyRuns(workspaceID: String, _ runs: [NewJourneyRun], at now: Instant) async throws -> [Int64?] {
        guard !runs.isEmpty else { return [] }
        let ids = try await database.write { db in
            var started: [String: Int64] = [:]
            var jobs: [NewJob] = []
            var seen = Set<String>()
            let firsts = runs.filter { seen.insert("\($0.journeyID)\u{0}\($0.entryKey)").inserted }
            // One statement per 500 runs; the ids come back by entry key (unique per journey).
            for chunk in firsts.chunked(500) {
                let rows = chunk.map { run -> [SQLValue] in
                    [.text(workspaceID), .text(run.journeyID), .int(Int64(run.version)), .int(run.profileID), .text(run.entryKey),
                     SQLValue(run.dedupeKey), SQLValue(run.triggerSeq), .text(run.start), now.sql, now.sql]
                }
                for row in try await db.query(
                    """
                    INSERT INTO journey_runs (workspace_id, journey_id, version, profile_id, entry_key, dedupe_key, trigger_seq,
                        node, step, status, entered_at, updated_at)
                    VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, 0, 'active', ?, ?)", count: chunk.count).joined(separator: ", "))
                    ON CONFLICT DO NOTHING RETURNING id, journey_id, entry_key
                    """, rows.flatMap { $0 })
                {
                    let id = try row.int(0)
                    started["\(try row.text(1))\u{0}\(try row.text(2))"] = id
                    jobs.append(Self.stepJob(workspaceID, run: id, step: 0, due: now))
                }
            }
            _ = try await Self.enqueue(db, jobs, at: now)
            var given = Set<String>()
            return runs.map { run -> Int64? in
                let key = "\(run.journeyID)\u{0}\(run.entryKey)"
                guard given.insert(key).inserted else { return nil }
                return started[key]
            }
        }
        if ids.contains(where: { $0 != nil }) { jobsQueued.signal() }
        return ids
    }

    /// What `JourneyEntry.decide` needs for the profiles given: each one's runs of the journey and how many of them
    /// exited (profiles without runs are absent), and — when `countingRuns`, for a journey with a cap — the
    /// journey's runs in progress (0 otherwise: counting them reads every run of the journey).
    public func journeyEntryFacts(workspaceID: String, journeyID: String, profileIDs: [Int64], countingRuns: Bool) async throws
        -> (profiles: [Int64: (runs: Int, exited: Int)], runsInProgress: Int)
    {
        try await database.read { db in
            let ws = SQLValue.text(workspaceID)
            var profiles: [Int64: (runs: Int, exited: Int)] = [:]
            for chunk in Array(Set(profileIDs)).chunked(500) {
                for row in try await db.query(
                    """
                    SELECT profile_id, COUNT(*), COALESCE(SUM(CASE WHEN status = 'exited' THEN 1 ELSE 0 END), 0) FROM journey_runs
                    WHERE workspace_id = ? AND journey_id = ? AND profile_id IN (\(placeholders(chunk.count))) GROUP BY profile_id
                    """, [ws, .text(journeyID)] + chunk.map(SQLValue.int))
                {
                    profiles[try row.int(0)] = (Int(try row.int(1)), Int(try row.int(2)))
                }
            }
            guard countingRuns else { return (profiles, 0) }
            let running = try await db.query(
                "SELECT COUNT(*) FROM journey_runs WHERE workspace_id = ? AND journey_id = ? AND status <> 'exited'", ws,
                .text(journeyID))[0].int(0)
            return (profiles, Int(running))
        }
    }

    public func journeyRun(workspaceID: String, id: Int64) async throws -> JourneyRun? {
        try await database.read { db in
            try await db.query("SELECT \(Self.runColumns) FROM journey_runs WHERE workspace_id = ? AND id = ?", .text(workspaceID), .int(id))
                .first.map(Self.decodeRun)
        }
    }

    /// Runs of a cluster (any member id) waiting for `event`.
    public func runsWaiting(workspaceID: String, profileID: Int64, event: String) async throws -> [JourneyRun] {
        try await database.read { db in
            let root = try await Self.root(db, workspaceID, profileID) ?? profileID
            return try await db.query(
                """
                SELECT \(Self.runColumns) FROM journey_runs
                WHERE workspace_id = ? AND profile_id = ? AND status = 'waiting' AND wait_event = ?
                """, .text(workspaceID), .int(root), .text(event)
            ).map(Self.decodeRun)
        }
    }

    /// Moves a waiting run on to `node` now (its event arrived), if it is still at step `step`: its timeout timer
    /// then finds the run moved on and does nothing.
    public func resumeJourneyRun(workspaceID: String, run: JourneyRun, to node: String, at now: Instant) async throws -> Bool {
        let resumed = try await database.write { db in
            let changed = try await db.execute(
                """
                UPDATE journey_runs SET node = ?, step = ?, status = 'active', wait_event = NULL, wait_since = NULL, updated_at = ?
                WHERE workspace_id = ? AND id = ? AND step = ? AND status = 'waiting'
                """, .text(node), .int(Int64(run.step + 1)), now.sql, .text(workspaceID), .int(run.id), .int(Int64(run.step)))
            guard changed == 1 else { return false }
            _ = try await Self.enqueue(db, [Self.stepJob(workspaceID, run: run.id, step: run.step + 1, due: now)], at: now)
            return true
        }
        if resumed { jobsQueued.signal() }
        return resumed
    }

    /// A cluster's runs, newest first.
    public func journeyRuns(workspaceID: String, profileID: Int64) async throws -> [JourneyRun] {
        try await database.read { db in
            let root = try await Self.root(db, workspaceID, profileID) ?? profileID
            return try await db.query(
                "SELECT \(Self.runColumns) FROM journey_runs WHERE workspace_id = ? AND profile_id = ? ORDER BY id DESC",
                .text(workspaceID), .int(root)
            ).map(Self.decodeRun)
        }
    }

    static let runColumns =
        "id, journey_id, version, profile_id, node, step, status, entered_at, wait_event, wait_since, trigger_seq, exit_reason"

    static func decodeRun(_ row: SQLRow) throws -> JourneyRun {
        guard let status = JourneyRunStatus(rawValue: try row.text(6)) else { throw StoreError.corrupt("run status \(row[6])") }
        return JourneyRun(
            id: try row.int(0), journeyID: try row.text(1), version: Int(try row.int(2)), profileID: try row.int(3),
            node: try row.text(4), step: Int(try row.int(5)), status: status, enteredAt: try row.instant(7),
            waitEvent: row[8].text, waitSince: row.optionalInstant(9), triggerSeq: row[10].int, exitReason: row[11].text)
    }

    // MARK: - The inbox

    /// Copies, in the stitching transaction that attributed them, the events some journey listens for into the
    /// inbox. Cheap when nothing listens: one join against an empty table per pass.
    static func feedJourneyInbox(_ db: any SQLExecutor, _ workspaceID: String, seqs: [Int64]) async throws {
        for chunk in seqs.chunked(1000) where !chunk.isEmpty {
            try await db.execute(
                """
                INSERT INTO journey_inbox (workspace_id, source, name, profile_id, ref, at)
                SELECT DISTINCT e.workspace_id, 'event', e.event, e.profile_id, e.seq, e.ts FROM events e
                JOIN journey_listeners l ON l.workspace_id = e.workspace_id AND l.source = 'event' AND l.name = e.event
                WHERE e.workspace_id = ? AND e.type = 'track' AND e.profile_id <> 0 AND e.seq IN (\(placeholders(chunk.count)))
                """, [.text(workspaceID)] + chunk.map(SQLValue.int))
        }
    }

    /// The same for segment transitions, in the transaction that recorded them.
    static func feedJourneyInbox(_ db: any SQLExecutor, _ workspaceID: String, changes: [SegmentChange], at: Instant) async throws {
        guard !changes.isEmpty else { return }
        let ws = SQLValue.text(workspaceID)
        let listened = Set(try await db.query(
            "SELECT source, name FROM journey_listeners WHERE workspace_id = ? AND source IN ('segment_entered', 'segment_exited')", ws
        ).map { "\(try $0.text(0)) \(try $0.text(1))" })
        guard !listened.isEmpty else { return }
        let rows: [[SQLValue]] = changes.compactMap { change in
            let source = change.entered ? JourneyListener.Source.segmentEntered : .segmentExited
            guard listened.contains("\(source.rawValue) \(change.segmentID)") else { return nil }
            return [ws, .text(source.rawValue), .text(change.segmentID), .int(change.profileID), at.sql, at.sql]
        }
        // A transition has no sequence number of its own here; its time stands in as the reference.
        try await db.executeMany(
            "INSERT INTO journey_inbox (workspace_id, source, name, profile_id, ref, at) VALUES (?, ?, ?, ?, ?, ?)", rows)
    }

    /// The oldest items of the inbox, of every workspace.
    public func journeyInbox(limit: Int) async throws -> [(workspaceID: String, item: JourneyInboxItem)] {
        try await database.read { db in
            try await db.query(
                "SELECT workspace_id, id, source, name, profile_id, ref, at FROM journey_inbox ORDER BY id LIMIT ?", .int(Int64(limit))
            ).map { row in
                guard let source = JourneyListener.Source(rawValue: try row.text(2)) else {
                    throw StoreError.corrupt("inbox source \(row[2])")
                }
                return (
                    try row.text(0),
                    JourneyInboxItem(
                        id: try row.int(1), source: source, name: try row.text(3), profileID: try row.int(4), ref: try row.int(5),
                        at: try row.instant(6)))
            }
        }
    }

    public func removeFromJourneyInbox(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await database.write { db in
            for chunk in ids.chunked(500) {
                try await db.execute("DELETE FROM journey_inbox WHERE id IN (\(placeholders(chunk.count)))", chunk.map(SQLValue.int))
            }
        }
    }

    /// The properties of a logged event, by sequence number.
    public func eventProperties(workspaceID: String, seq: Int64) async throws -> [String: JSONValue]? {
        try await database.read { db in
            guard let payload = try await db.query(
                "SELECT payload FROM events WHERE workspace_id = ? AND seq = ?", .text(workspaceID), .int(seq)
            ).first?.text(0) else { return nil }
            return (try? JSONParser.parseStored(payload))?["properties"]?.objectValue ?? [:]
        }
    }

    // MARK: - Statistics

    /// Runs of a journey per version by status and node, with exits by reason and conversions.
    public func journeyRunCounts(workspaceID: String, journeyID: String) async throws
        -> [(version: Int, status: JourneyRunStatus, node: String, exitReason: String?, count: Int, convertedAfter: Int64)]
    {
        try await database.read { db in
            try await db.query(
                """
                SELECT version, status, node, exit_reason, COUNT(*), COALESCE(SUM(converted_after), 0) FROM journey_runs
                WHERE workspace_id = ? AND journey_id = ? GROUP BY version, status, node, exit_reason
                ORDER BY version, status, node, exit_reason
                """, .text(workspaceID), .text(journeyID)
            ).map { row in
                guard let status = JourneyRunStatus(rawValue: try row.text(1)) else { throw StoreError.corrupt("run status \(row[1])") }
                return (Int(try row.int(0)), status, try row.text(2), row[3].text, Int(try row.int(4)), try row.int(5))
            }
        }
    }

    /// Runs per split arm (and condition branch), per version, with how many of them converted.
    public func journeyArmCounts(workspaceID: String, journeyID: String) async throws
        -> [(version: Int, node: String, arm: String, runs: Int, converted: Int)]
    {
        try await database.read { db in
            try await db.query(
                """
                SELECT r.version, a.node, a.arm, COUNT(*), SUM(CASE WHEN r.exit_reason = 'converted' THEN 1 ELSE 0 END)
                FROM journey_run_arms a JOIN journey_runs r ON r.workspace_id = a.workspace_id AND r.id = a.run_id
                WHERE a.workspace_id = ? AND r.journey_id = ? GROUP BY r.version, a.node, a.arm ORDER BY r.version, a.node, a.arm
                """, .text(workspaceID), .text(journeyID)
            ).map { (Int(try $0.int(0)), try $0.text(1), try $0.text(2), Int(try $0.int(3)), Int(try $0.int(4))) }
        }
    }
}
