import PondCore

/// A stitching pass that failed after reading its events: which events it held, and why it failed.
public struct StitchPassError: Error, Sendable, CustomStringConvertible {
    /// The pass's events in log order.
    public var seqs: [Int64]
    public var underlying: any Error

    public var description: String { "stitching \(seqs.count) events failed: \(underlying)" }
}

/// An event stitching set aside, and why.
public struct StitchFailure: Sendable, Equatable {
    public var seq: Int64
    public var messageID: String
    public var error: String
    public var failedAt: Instant
}

/// Events set aside from stitching.
///
/// Stitching takes events in log order, so one event that cannot be stitched — its data makes a statement fail
/// every time — would hold back every later event of every workspace. `StitchingService` finds such an event and
/// sets it aside here: parked like an event without identities (no longer pending), with the error kept for the
/// operator, who can queue it again once the cause is fixed. The error text is the store's, which names
/// statements and SQLSTATEs but never bound values.
extension Store {
    /// Sets event `seq` aside if it is still pending; false if it is not (another node stitched or set it aside).
    @discardableResult
    public func setAsideFromStitching(seq: Int64, error: String, at: Instant) async throws -> Bool {
        // A NUL would make the error itself unstorable on Postgres.
        let error = String(error.unicodeScalars.filter { $0 != "\0" }.prefix(2_000))
        return try await database.write { db in
            try await self.lockIdentityGraph(db)
            guard
                let row = try await db.query(
                    "SELECT workspace_id, message_id FROM events WHERE seq = ? AND profile_id IS NULL", .int(seq)
                ).first
            else { return false }
            let ws = SQLValue.text(try row.text(0))
            try await db.execute(
                "UPDATE events SET profile_id = ? WHERE workspace_id = ? AND seq = ?", .int(Self.parkedProfileID), ws, .int(seq))
            try await db.execute(
                """
                INSERT INTO stitch_failures (workspace_id, seq, message_id, error, failed_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, seq) DO UPDATE SET error = excluded.error, failed_at = excluded.failed_at
                """, ws, .int(seq), .text(try row.text(1)), .text(error), at.sql)
            return true
        }
    }

    /// A workspace's set-aside events in log order, `limit` after `seq` `after`.
    public func stitchFailures(workspaceID: String, after: Int64 = 0, limit: Int) async throws -> [StitchFailure] {
        try await database.read { db in
            try await db.query(
                """
                SELECT seq, message_id, error, failed_at FROM stitch_failures WHERE workspace_id = ? AND seq > ?
                ORDER BY seq LIMIT ?
                """, .text(workspaceID), .int(after), .int(Int64(limit))
            ).map {
                StitchFailure(seq: try $0.int(0), messageID: try $0.text(1), error: try $0.text(2), failedAt: try $0.instant(3))
            }
        }
    }

    /// How many events are set aside, in every workspace (for `/metrics`).
    public func stitchFailureCount() async throws -> Int {
        try await database.read { db in
            Int(try await db.query("SELECT COUNT(*) FROM stitch_failures").first?.int(0) ?? 0)
        }
    }

    /// Makes a workspace's set-aside events pending again; returns how many.
    public func retryStitchFailures(workspaceID: String) async throws -> Int {
        try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            try await db.execute(
                """
                UPDATE events SET profile_id = NULL WHERE workspace_id = ? AND profile_id = ?
                    AND seq IN (SELECT seq FROM stitch_failures WHERE workspace_id = ?)
                """, ws, .int(Self.parkedProfileID), ws)
            return try await db.execute("DELETE FROM stitch_failures WHERE workspace_id = ?", ws)
        }
    }
}
