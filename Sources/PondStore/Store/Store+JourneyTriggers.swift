import PondCore

/// A profile carrying a date trait a sweep may enter: the member row it was read from, its cluster and the stored
/// value (JSON text).
public struct DateTraitCandidate: Sendable, Hashable {
    public var memberID: Int64
    public var root: Int64
    public var value: JSONValue
}

/// What the time-based triggers read and queue: a journey's trigger job (kind `triggerJobKind`, key
/// `trigger-<journey>`, one per journey), which sweeps date traits or fires a schedule and queues its own next run, and
/// the entry jobs a date-trait sweep queues for the exact moment each profile's occurrence comes (`entryJobKind`).
///
/// Both are jobs, so a sweep or an entry interrupted by a crash runs again after its lease, and an entry queued for
/// next Tuesday waits as a key range of `jobs_due`, never a scan.
extension Store {
    public static let triggerJobKind = "journey.trigger"
    public static let entryJobKind = "journey.enter"

    public static func triggerJobKey(_ journeyID: String) -> String { "trigger-\(journeyID)" }

    /// Replaces a journey's pending trigger job (its run may be under way: the lease is taken from it, so the old
    /// run cannot complete and its last writes roll back), or removes it when `job` is nil.
    static func replaceTriggerJob(_ db: any SQLExecutor, _ workspaceID: String, journeyID: String, _ job: NewJob?, at now: Instant)
        async throws
    {
        guard let job else {
            try await db.execute(
                "DELETE FROM jobs WHERE workspace_id = ? AND kind = ? AND job_key = ?", .text(workspaceID), .text(triggerJobKind),
                .text(triggerJobKey(journeyID)))
            return
        }
        try await db.execute(
            """
            INSERT INTO jobs (workspace_id, kind, job_key, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, kind, job_key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload,
                lease_owner = NULL, lease_until = NULL, attempts = 0, last_error = NULL
            """, .text(job.workspaceID), .text(job.kind), .text(job.key), job.dueAt.sql, .text(JSONWriter.string(job.payload)),
            now.sql)
    }

    /// Profiles whose `trait` may fall on one of `monthDays` (`MM-DD`): a `"YYYY-MM-DD…"` or `"MM-DD"` string with one
    /// of them as its month and day, in member-id order after `after`. A narrowing in SQL; the caller decides each
    /// candidate exactly (`DateTraitSchedule.occurrence`). Every member of a cluster with the trait is a candidate:
    /// which value the cluster holds is checked when its entry comes due.
    public func dateTraitCandidates(
        workspaceID: String, trait: String, monthDays: [String], after: Int64?, limit: Int
    ) async throws -> [DateTraitCandidate] {
        guard !monthDays.isEmpty else { return [] }
        let days = monthDays.map(SQLValue.text)
        return try await database.read { db in
            try await db.query(
                """
                SELECT t.profile_id, p.canonical_id, t.value FROM profile_traits t
                JOIN profiles p ON p.workspace_id = t.workspace_id AND p.id = t.profile_id
                WHERE t.workspace_id = ? AND t.profile_id > ? AND t.key = ?
                    AND (substr(t.value, 7, 5) IN (\(placeholders(days.count)))
                        OR (length(t.value) = 7 AND substr(t.value, 2, 5) IN (\(placeholders(days.count)))))
                ORDER BY t.profile_id LIMIT ?
                """, [.text(workspaceID), .int(after ?? Int64.min), .text(trait)] + days + days + [.int(Int64(limit))]
            ).compactMap { row in
                guard let value = try? JSONParser.parseStored(try row.text(2)) else { return nil }
                return DateTraitCandidate(memberID: try row.int(0), root: try row.int(1), value: value)
            }
        }
    }

    /// The value of one trait for each cluster (`roots`): the newest any member holds, as a profile view shows it.
    public func clusterTrait(workspaceID: String, roots: [Int64], key: String) async throws -> [Int64: JSONValue] {
        guard !roots.isEmpty else { return [:] }
        return try await database.read { db in
            var latest: [Int64: (value: JSONValue, ts: Int64)] = [:]
            for chunk in Array(Set(roots)).chunked(500) {
                for row in try await db.query(
                    """
                    SELECT p.canonical_id, t.value, t.ts FROM profiles p
                    JOIN profile_traits t ON t.workspace_id = p.workspace_id AND t.profile_id = p.id AND t.key = ?
                    WHERE p.workspace_id = ? AND p.canonical_id IN (\(placeholders(chunk.count)))
                    """, [.text(key), .text(workspaceID)] + chunk.map(SQLValue.int))
                {
                    let root = try row.int(0), ts = try row.int(2)
                    guard let value = try? JSONParser.parseStored(try row.text(1)) else { continue }
                    if let current = latest[root], current.ts >= ts { continue }
                    latest[root] = (value, ts)
                }
            }
            return latest.mapValues(\.value)
        }
    }
}
