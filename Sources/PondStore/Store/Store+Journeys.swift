import PondCore

/// A journey as stored: its versions are kept apart (`journeyVersion`).
public struct StoredJourney: Sendable, Hashable {
    public var id: String
    public var name: String
    public var status: JourneyStatus
    public var latestVersion: Int
    /// The version new runs enter, once the journey was started.
    public var activeVersion: Int?
    public var createdAt: Instant
    public var updatedAt: Instant
}

/// What a journey's runs wait for, so the stitcher and the intelligence service copy just these into the inbox.
public struct JourneyListener: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        case event
        case segmentEntered = "segment_entered"
        case segmentExited = "segment_exited"
    }

    public var source: Source
    public var name: String

    public init(_ source: Source, _ name: String) {
        self.source = source
        self.name = name
    }
}

/// Journeys' definitions: versions are appended, never edited; the status says whether new profiles enter.
extension Store {
    /// Appends a version (creating the journey, as a draft, for its first). An active journey's new profiles enter
    /// the new version from now on; runs in progress stay on theirs; it listens with `listeners` and its trigger job
    /// becomes `triggerJob` (nil: its trigger needs none). Returns the version number.
    public func saveJourneyVersion(
        workspaceID: String, id: String, name: String, definition: String, listeners: [JourneyListener], triggerJob: NewJob?,
        at: Instant
    ) async throws -> Int {
        let version = try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            let current = try await db.query(
                "SELECT latest_version, status FROM journeys WHERE workspace_id = ? AND id = ?", ws, .text(id)
            ).first
            let version = Int(try current?.int(0) ?? 0) + 1
            if current == nil {
                try await db.execute(
                    """
                    INSERT INTO journeys (workspace_id, id, name, status, latest_version, active_version, created_at, updated_at)
                    VALUES (?, ?, ?, 'draft', 1, NULL, ?, ?)
                    """, ws, .text(id), .text(name), at.sql, at.sql)
            } else {
                let active = try current?.text(1) == JourneyStatus.active.rawValue
                try await db.execute(
                    """
                    UPDATE journeys SET name = ?, latest_version = ?, updated_at = ?,
                        active_version = CASE WHEN ? = 1 THEN ? ELSE active_version END
                    WHERE workspace_id = ? AND id = ?
                    """, .text(name), .int(Int64(version)), at.sql, .int(active ? 1 : 0), .int(Int64(version)), ws, .text(id))
                if active {
                    try await Self.replaceListeners(db, workspaceID, id, listeners)
                    try await Self.replaceTriggerJob(db, workspaceID, journeyID: id, triggerJob, at: at)
                }
            }
            try await db.execute(
                "INSERT INTO journey_versions (workspace_id, journey_id, version, definition, created_at) VALUES (?, ?, ?, ?, ?)",
                ws, .text(id), .int(Int64(version)), .text(definition), at.sql)
            return version
        }
        if triggerJob != nil { jobsQueued.signal() }
        return version
    }

    /// Starts (the latest version), pauses or resumes a journey, with what it then listens for and, when active, its
    /// trigger job (a paused journey has none). Nil when there is no such journey.
    public func setJourneyStatus(
        workspaceID: String, id: String, _ status: JourneyStatus, listeners: [JourneyListener], triggerJob: NewJob?, at: Instant
    ) async throws -> StoredJourney? {
        let journey = try await database.write { db -> StoredJourney? in
            let ws = SQLValue.text(workspaceID)
            let changed = try await db.execute(
                """
                UPDATE journeys SET status = ?, updated_at = ?,
                    active_version = CASE WHEN ? = 'active' THEN latest_version ELSE active_version END
                WHERE workspace_id = ? AND id = ?
                """, .text(status.rawValue), at.sql, .text(status.rawValue), ws, .text(id))
            guard changed > 0 else { return nil }
            try await Self.replaceListeners(db, workspaceID, id, listeners)
            try await Self.replaceTriggerJob(db, workspaceID, journeyID: id, status == .active ? triggerJob : nil, at: at)
            return try await Self.journey(db, workspaceID, id)
        }
        if triggerJob != nil { jobsQueued.signal() }
        return journey
    }

    public func journey(workspaceID: String, id: String) async throws -> StoredJourney? {
        try await database.read { db in try await Self.journey(db, workspaceID, id) }
    }

    public func journeys(workspaceID: String) async throws -> [StoredJourney] {
        try await database.read { db in
            try await db.query("SELECT \(Self.journeyColumns) FROM journeys WHERE workspace_id = ? ORDER BY id", .text(workspaceID))
                .map(Self.decodeJourney)
        }
    }

    /// The definition (JSON text) of one version.
    public func journeyVersion(workspaceID: String, id: String, version: Int) async throws -> String? {
        try await database.read { db in
            try await db.query(
                "SELECT definition FROM journey_versions WHERE workspace_id = ? AND journey_id = ? AND version = ?",
                .text(workspaceID), .text(id), .int(Int64(version))
            ).first?.text(0)
        }
    }

    public func journeyVersions(workspaceID: String, id: String) async throws -> [(version: Int, createdAt: Instant)] {
        try await database.read { db in
            try await db.query(
                "SELECT version, created_at FROM journey_versions WHERE workspace_id = ? AND journey_id = ? ORDER BY version",
                .text(workspaceID), .text(id)
            ).map { (Int(try $0.int(0)), try $0.instant(1)) }
        }
    }

    /// Workspaces with an active journey: where the trigger processor and the schedulers look.
    public func workspacesWithActiveJourneys() async throws -> [String] {
        try await database.read { db in
            try await db.query("SELECT DISTINCT workspace_id FROM journeys WHERE status = 'active' ORDER BY workspace_id")
                .map { try $0.text(0) }
        }
    }

    private static func replaceListeners(_ db: any SQLExecutor, _ workspaceID: String, _ id: String, _ listeners: [JourneyListener])
        async throws
    {
        let ws = SQLValue.text(workspaceID)
        try await db.execute("DELETE FROM journey_listeners WHERE workspace_id = ? AND journey_id = ?", ws, .text(id))
        try await db.executeMany(
            "INSERT INTO journey_listeners (workspace_id, source, name, journey_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            Set(listeners).map { [ws, .text($0.source.rawValue), .text($0.name), .text(id)] })
    }

    static let journeyColumns = "id, name, status, latest_version, active_version, created_at, updated_at"

    static func journey(_ db: any SQLExecutor, _ workspaceID: String, _ id: String) async throws -> StoredJourney? {
        try await db.query(
            "SELECT \(journeyColumns) FROM journeys WHERE workspace_id = ? AND id = ?", .text(workspaceID), .text(id)
        ).first.map(decodeJourney)
    }

    static func decodeJourney(_ row: SQLRow) throws -> StoredJourney {
        guard let status = JourneyStatus(rawValue: try row.text(2)) else { throw StoreError.corrupt("journey status \(row[2])") }
        return StoredJourney(
            id: try row.text(0), name: try row.text(1), status: status, latestVersion: Int(try row.int(3)),
            activeVersion: row[4].int.map(Int.init), createdAt: try row.instant(5), updatedAt: try row.instant(6))
    }
}
