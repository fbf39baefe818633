import PondCore

/// Where a broadcast stands. Stored and returned by the API, so the raw values never change.
public enum BroadcastStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its time.
    case scheduled
    /// Slices are being read and handed to the dispatcher.
    case running
    /// Every member of the audience was read.
    case completed
    /// Stopped before it completed; the messages already decided stay decided.
    case cancelled

    public var isActive: Bool { self == .scheduled || self == .running }
}

/// How far a broadcast got through its audience.
public struct BroadcastProgress: Sendable, Hashable {
    /// The last segment member read (members are read in profile-id order); nil before the first slice.
    public var afterProfile: Int64?
    /// Members read so far, rendered or not.
    public var audienceRead: Int
    public var slices: Int
    /// Members whose message could not be rendered (a variable without a value or fallback): not sent.
    public var renderFailures: Int
    /// Members whose rendered message the dispatcher would refuse (empty, or over its size limit): not sent.
    public var refused: Int
    /// Per variable, how many members lacked it.
    public var missingVariables: [String: Int]
    /// The first few members whose message could not be rendered or was refused, to look at.
    public var failedSample: [Int64]

    public static let maximumFailedSample = 20

    public init(
        afterProfile: Int64? = nil, audienceRead: Int = 0, slices: Int = 0, renderFailures: Int = 0, refused: Int = 0,
        missingVariables: [String: Int] = [:], failedSample: [Int64] = []
    ) {
        self.afterProfile = afterProfile
        self.audienceRead = audienceRead
        self.slices = slices
        self.renderFailures = renderFailures
        self.refused = refused
        self.missingVariables = missingVariables
        self.failedSample = failedSample
    }
}

/// A broadcast (群发): one template sent on one channel to every member of a segment, now or at a time.
public struct Broadcast: Sendable, Hashable {
    public var id: String
    public var name: String
    public var segmentID: String
    public var templateID: String
    public var channel: ChannelID
    public var category: MessageCategory
    public var status: BroadcastStatus
    /// When it starts; nil: at once.
    public var scheduledAt: Instant?
    /// After this its messages are no longer sent (`expired`), even those held by quiet hours or caps.
    public var expiresAt: Instant?
    public var createdAt: Instant
    /// The admin key (or `cli`) that created it.
    public var createdBy: String
    public var startedAt: Instant?
    public var finishedAt: Instant?
    public var cancelledAt: Instant?
    /// The template version it sends, fixed when it starts.
    public var templateVersion: Int?
    /// The segment's size when it started: members who join or leave while it runs make the audience read differ.
    public var audienceEstimate: Int?
    public var progress: BroadcastProgress
    /// Its place in the list (newest first), for paging.
    public var seq: Int64

    public init(
        id: String, name: String, segmentID: String, templateID: String, channel: ChannelID, category: MessageCategory,
        status: BroadcastStatus, scheduledAt: Instant?, expiresAt: Instant?, createdAt: Instant, createdBy: String,
        startedAt: Instant? = nil, finishedAt: Instant? = nil, cancelledAt: Instant? = nil, templateVersion: Int? = nil,
        audienceEstimate: Int? = nil, progress: BroadcastProgress = BroadcastProgress(), seq: Int64 = 0
    ) {
        self.id = id
        self.name = name
        self.segmentID = segmentID
        self.templateID = templateID
        self.channel = channel
        self.category = category
        self.status = status
        self.scheduledAt = scheduledAt
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.cancelledAt = cancelledAt
        self.templateVersion = templateVersion
        self.audienceEstimate = audienceEstimate
        self.progress = progress
        self.seq = seq
    }

    /// The key of the job that reads slice `number` (0 first): one job per slice, so a retried enqueue of a slice
    /// is a no-op.
    public func sliceKey(_ number: Int) -> String { "\(id):\(number)" }
}

/// What one slice of a broadcast did, added to its progress when the slice's job completes.
public struct BroadcastSliceResult: Sendable, Hashable {
    public var read: Int
    public var lastProfileID: Int64?
    public var renderFailures: Int
    public var refused: Int
    public var missingVariables: [String: Int]
    public var failed: [Int64]
    /// The slice read fewer members than it asked for: the audience is done.
    public var finished: Bool

    public init(
        read: Int, lastProfileID: Int64?, renderFailures: Int = 0, refused: Int = 0, missingVariables: [String: Int] = [:],
        failed: [Int64] = [], finished: Bool
    ) {
        self.read = read
        self.lastProfileID = lastProfileID
        self.renderFailures = renderFailures
        self.refused = refused
        self.missingVariables = missingVariables
        self.failed = failed
        self.finished = finished
    }
}

/// What a broadcast fixes when its first slice runs: the template it sends and the audience's size then.
public struct BroadcastStart: Sendable, Hashable {
    public var template: MessageTemplate
    public var templateVersion: Int
    public var audienceEstimate: Int
    public var at: Instant

    public init(template: MessageTemplate, templateVersion: Int, audienceEstimate: Int, at: Instant) {
        self.template = template
        self.templateVersion = templateVersion
        self.audienceEstimate = audienceEstimate
        self.at = at
    }
}

/// Broadcasts and their progress. A broadcast runs as a chain of `broadcast.slice` jobs: each reads the next slice
/// of the audience after the stored cursor, hands it to the dispatcher, and then — in one transaction with its own
/// completion — moves the cursor, adds to the progress and enqueues the next slice. A crash between the hand-over
/// and that commit runs the slice again from the same cursor, and the messages' idempotency keys make the
/// repeated hand-over decide nothing twice.
extension Store {
    public static let broadcastSliceJobKind = "broadcast.slice"

    /// Stores a new broadcast and enqueues its first slice (due when it starts), in one transaction.
    public func createBroadcast(workspaceID: String, _ broadcast: Broadcast, firstSlice: NewJob, at now: Instant) async throws
        -> Broadcast
    {
        let created = try await database.write { db in
            try await db.execute(
                """
                INSERT INTO broadcasts (workspace_id, id, name, segment_id, template_id, channel, category, status,
                    scheduled_at, expires_at, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, .text(workspaceID), .text(broadcast.id), .text(broadcast.name), .text(broadcast.segmentID),
                .text(broadcast.templateID), .text(broadcast.channel.rawValue), .text(broadcast.category.rawValue),
                .text(broadcast.status.rawValue), SQLValue(broadcast.scheduledAt?.millisecondsSinceEpoch),
                SQLValue(broadcast.expiresAt?.millisecondsSinceEpoch), broadcast.createdAt.sql, .text(broadcast.createdBy))
            _ = try await Self.enqueue(db, [firstSlice], at: now)
            guard let created = try await Self.broadcast(db, workspaceID, broadcast.id) else {
                throw StoreError.corrupt("broadcast \(broadcast.id) vanished")
            }
            return created
        }
        jobsQueued.signal()
        return created
    }

    public func broadcast(workspaceID: String, id: String) async throws -> Broadcast? {
        try await database.read { db in try await Self.broadcast(db, workspaceID, id) }
    }

    /// The template a started broadcast sends, as it was when it started; nil before it starts.
    public func broadcastTemplate(workspaceID: String, id: String) async throws -> MessageTemplate? {
        try await database.read { db in
            guard let text = try await db.query(
                "SELECT template FROM broadcasts WHERE workspace_id = ? AND id = ?", .text(workspaceID), .text(id)
            ).first?[0].text else { return nil }
            return try Self.decodeTemplateDefinition(text, id: "of broadcast \(id)")
        }
    }

    /// Broadcasts newest first, before list position `before`; of one status when given.
    public func broadcasts(workspaceID: String, status: BroadcastStatus?, before: Int64?, limit: Int) async throws -> [Broadcast] {
        try await database.read { db in
            var sql = "SELECT \(Self.broadcastColumns) FROM broadcasts WHERE workspace_id = ?"
            var binds: [SQLValue] = [.text(workspaceID)]
            if let status {
                sql += " AND status = ?"
                binds.append(.text(status.rawValue))
            }
            if let before {
                sql += " AND seq < ?"
                binds.append(.int(before))
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            binds.append(.int(Int64(limit)))
            return try await db.query(sql, binds).map(Self.decodeBroadcast)
        }
    }

    public func broadcastIDs(workspaceID: String) async throws -> Set<String> {
        try await database.read { db in
            Set(try await db.query("SELECT id FROM broadcasts WHERE workspace_id = ?", .text(workspaceID)).map { try $0.text(0) })
        }
    }

    /// The scheduled and running broadcasts that send a template.
    public func activeBroadcasts(workspaceID: String, templateID: String) async throws -> [Broadcast] {
        try await database.read { db in
            try await db.query(
                """
                SELECT \(Self.broadcastColumns) FROM broadcasts
                WHERE workspace_id = ? AND template_id = ? AND status IN ('scheduled', 'running') ORDER BY seq
                """, .text(workspaceID), .text(templateID)
            ).map(Self.decodeBroadcast)
        }
    }

    /// Records what slice `number` of a broadcast did and completes its job, in one transaction: moves the cursor,
    /// adds to the progress, and enqueues `next` unless the slice finished the audience. `start` is what the first
    /// slice fixes. A broadcast cancelled meanwhile (or a slice already recorded) only has the job completed.
    /// Throws `JobLeaseLost`, changing nothing, when the job is no longer this worker's.
    @discardableResult
    public func finishBroadcastSlice(
        _ job: ClaimedJob, broadcastID: String, slice number: Int, _ result: BroadcastSliceResult, start: BroadcastStart?,
        next: NewJob?, at now: Instant
    ) async throws -> Bool {
        let workspaceID = job.job.workspaceID
        let recorded = try await database.write { db in
            try await Self.completeJob(db, job)
            let ws = SQLValue.text(workspaceID)
            guard let row = try await db.query(
                """
                SELECT missing_variables, failed_sample FROM broadcasts
                WHERE workspace_id = ? AND id = ? AND status IN ('scheduled', 'running') AND slices = ?
                """, ws, .text(broadcastID), .int(Int64(number))
            ).first else { return false }
            var missing = try Self.decodeCounts(try row.text(0))
            for (name, count) in result.missingVariables { missing[name, default: 0] += count }
            var sample = try Self.decodeIDs(try row.text(1))
            sample += result.failed.prefix(max(0, BroadcastProgress.maximumFailedSample - sample.count))
            // The status and slice are checked again here: on Postgres a cancel may commit between the read above
            // and this write, which then waits for it and finds the row no longer running.
            let updated = try await db.execute(
                """
                UPDATE broadcasts SET status = ?, after_profile = COALESCE(?, after_profile),
                    audience_read = audience_read + ?, slices = slices + 1, render_failures = render_failures + ?,
                    refused = refused + ?, missing_variables = ?, failed_sample = ?,
                    started_at = COALESCE(started_at, ?), template = COALESCE(template, ?),
                    template_version = COALESCE(template_version, ?), audience_estimate = COALESCE(audience_estimate, ?),
                    finished_at = ?
                WHERE workspace_id = ? AND id = ? AND status IN ('scheduled', 'running') AND slices = ?
                """,
                .text((result.finished ? BroadcastStatus.completed : .running).rawValue), SQLValue(result.lastProfileID),
                .int(Int64(result.read)), .int(Int64(result.renderFailures)), .int(Int64(result.refused)),
                .text(JSONWriter.string(.object(missing.mapValues { .int(Int64($0)) }))),
                .text(JSONWriter.string(.array(sample.map(JSONValue.int)))), SQLValue(start?.at.millisecondsSinceEpoch),
                SQLValue(start.map { JSONWriter.string($0.template.json) }), SQLValue(start.map { Int64($0.templateVersion) }),
                SQLValue(start.map { Int64($0.audienceEstimate) }), result.finished ? now.sql : .null, ws, .text(broadcastID),
                .int(Int64(number)))
            guard updated == 1 else { return false }
            if !result.finished, let next { _ = try await Self.enqueue(db, [next], at: now) }
            return true
        }
        if recorded, !result.finished, next != nil { jobsQueued.signal() }
        return recorded
    }

    /// Cancels a scheduled or running broadcast and drops its pending slice job, in one transaction; a slice running
    /// right now finds it cancelled when it completes. Returns the broadcast as it is after (unchanged when it had
    /// already finished), or nil when there is none.
    public func cancelBroadcast(workspaceID: String, id: String, at now: Instant) async throws -> Broadcast? {
        try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            guard let broadcast = try await Self.broadcast(db, workspaceID, id) else { return nil }
            guard broadcast.status.isActive else { return broadcast }
            try await db.execute(
                """
                UPDATE broadcasts SET status = 'cancelled', cancelled_at = ?, finished_at = ?
                WHERE workspace_id = ? AND id = ? AND status IN ('scheduled', 'running')
                """, now.sql, now.sql, ws, .text(id))
            try await db.execute(
                """
                DELETE FROM jobs WHERE workspace_id = ? AND kind = ? AND job_key = ?
                    AND (lease_until IS NULL OR lease_until <= ?)
                """, ws, .text(Self.broadcastSliceJobKind), .text(broadcast.sliceKey(broadcast.progress.slices)), now.sql)
            return try await Self.broadcast(db, workspaceID, id)
        }
    }

    // MARK: - Reading

    static let broadcastColumns = """
        id, name, segment_id, template_id, channel, category, status, scheduled_at, expires_at, created_at, created_by,
        started_at, finished_at, cancelled_at, template_version, audience_estimate, after_profile, audience_read, slices,
        render_failures, refused, missing_variables, failed_sample, seq
        """

    static func broadcast(_ db: any SQLExecutor, _ workspaceID: String, _ id: String) async throws -> Broadcast? {
        try await db.query(
            "SELECT \(broadcastColumns) FROM broadcasts WHERE workspace_id = ? AND id = ?", .text(workspaceID), .text(id)
        ).first.map(decodeBroadcast)
    }

    static func decodeBroadcast(_ row: SQLRow) throws -> Broadcast {
        let id = try row.text(0)
        guard let category = MessageCategory(rawValue: try row.text(5)), let status = BroadcastStatus(rawValue: try row.text(6))
        else { throw StoreError.corrupt("broadcast \(id) has category \(row[5]) and status \(row[6])") }
        return Broadcast(
            id: id, name: try row.text(1), segmentID: try row.text(2), templateID: try row.text(3),
            channel: ChannelID(try row.text(4)), category: category, status: status, scheduledAt: row.optionalInstant(7),
            expiresAt: row.optionalInstant(8), createdAt: try row.instant(9), createdBy: try row.text(10),
            startedAt: row.optionalInstant(11), finishedAt: row.optionalInstant(12), cancelledAt: row.optionalInstant(13),
            templateVersion: row[14].int.map(Int.init), audienceEstimate: row[15].int.map(Int.init),
            progress: BroadcastProgress(
                afterProfile: row[16].int, audienceRead: Int(try row.int(17)), slices: Int(try row.int(18)),
                renderFailures: Int(try row.int(19)), refused: Int(try row.int(20)),
                missingVariables: try decodeCounts(try row.text(21)), failedSample: try decodeIDs(try row.text(22))),
            seq: try row.int(23))
    }

    static func decodeCounts(_ text: String) throws -> [String: Int] {
        guard case .object(let members) = try JSONParser.parseStored(text) else { throw StoreError.corrupt("counts \(text)") }
        return members.compactMapValues { value in
            if case .int(let count) = value { return Int(count) }
            return nil
        }
    }

    static func decodeIDs(_ text: String) throws -> [Int64] {
        guard case .array(let items) = try JSONParser.parseStored(text) else { throw StoreError.corrupt("ids \(text)") }
        return items.compactMap { item in
            if case .int(let id) = item { return id }
            return nil
        }
    }
}
