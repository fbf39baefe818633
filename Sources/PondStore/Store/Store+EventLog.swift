import PondCore

/// A message on its way into the event log, with where it came from.
public struct IncomingEvent: Sendable {
    public var workspaceID: String
    public var source: String
    public var channel: String
    public var message: TrackingMessage

    public init(workspaceID: String, source: String, channel: String, message: TrackingMessage) {
        self.workspaceID = workspaceID
        self.source = source
        self.channel = channel
        self.message = message
    }
}

/// The append-only event log: the durable record behind every 200 of the tracking API.
extension Store {
    public static let insertEventSQL = """
        INSERT INTO events (workspace_id, message_id, type, event, user_id, anonymous_id, ts, received_at, source,
            channel, payload)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Appends events in one transaction and returns how many were new. A `messageId` already in the workspace's
    /// log is skipped (`SQLExecutor.appendEvents`), which is what makes SDK retries (and resends after a crash)
    /// harmless.
    @discardableResult
    public func append(_ events: [IncomingEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let rows = events.map(Self.eventRow)
        return try await database.write { db in
            try await db.appendEvents(Self.insertEventSQL, rows)
        }
    }

    /// Appends with `sql`, an `INSERT INTO events` of rows that already belong to a profile (Pond's own timeline
    /// entries, loaded data), and gives the new rows their `event_facts`. Ingested events arrive unattached
    /// and get their facts when stitching attaches them. Postgres covers attached inserts with a trigger, whose
    /// `WHEN` it tests before calling anything; SQLite would set up a trigger program per inserted row, ingested
    /// or not, so there (migration 006) the facts of the rows just inserted are copied in the same transaction.
    static func insertAttachedEvents(_ db: any SQLExecutor, _ sql: String, _ rows: [[SQLValue]]) async throws {
        guard db.dialect == .sqlite else {
            try await db.appendEvents(sql, rows)
            return
        }
        // One writer at a time on SQLite, and new rowids are above the largest: the rows after `last` are ours.
        let last = try await db.query("SELECT COALESCE(MAX(seq), 0) FROM events").first?.int(0) ?? 0
        try await db.appendEvents(sql, rows)
        try await db.execute(Migrations.sqliteEventFactsAfter, .int(last))
    }

    public static func eventRow(_ e: IncomingEvent) -> [SQLValue] {
        let m = e.message
        return [
            .text(e.workspaceID), .text(m.messageID), .text(m.type.rawValue), SQLValue(m.event), SQLValue(m.userID),
            SQLValue(m.anonymousID), m.timestamp.sql, m.receivedAt.sql, .text(e.source), .text(e.channel),
            .text(m.payloadJSON),
        ]
    }

    /// Events accepted but not yet stitched to a profile (the processor's backlog).
    public func pendingEventCount() async throws -> Int {
        try await database.read { db in
            Int(try await db.query("SELECT COUNT(*) FROM events WHERE profile_id IS NULL").first?.int(0) ?? 0)
        }
    }

    public func eventCount(workspaceID: String) async throws -> Int {
        try await database.read { db in
            Int(try await db.query("SELECT COUNT(*) FROM events WHERE workspace_id = ?", .text(workspaceID)).first?.int(0) ?? 0)
        }
    }
}
