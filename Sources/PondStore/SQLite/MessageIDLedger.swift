import Foundation
import PondCore

/// Keeps `messageId` unique per workspace in SQLite's event log without a unique index on `events`.
///
/// SDKs send random UUIDs as message ids, so a unique index on them has nearly every insert land on another page,
/// and SQLite's log holds whole pages: about one 4 KB page written per event, more than the event itself. Here the
/// ids of the newest events are kept in memory and the older ones in `message_ids`. Once `settleThreshold` ids have
/// gathered they are sorted and added to that table ("settled") a slice at a time, one slice with each following
/// append, so every page of the table is written once for many ids and no single commit carries the whole settle.
///
/// What is durable: `message_ids` holds the id of every event with `seq` up to `message_id_watermark.seq` (and
/// maybe some above it, from a settle under way). What is in memory: the ids of the events above the watermark,
/// read back from `events` whenever this process cannot know them — at its first write and after another process
/// (say `pond import` on the same file) moved the watermark — and otherwise kept up by reading the events above
/// the last `seq` seen, which also covers rows inserted by other means. That relies on `events` being append-only
/// with rising `seq`: SQLite gives a new row the largest rowid plus one, and migration 007 refuses deletes.
///
/// Used only by the writer connection inside its transactions (`SQLiteDatabase` serialises them, which is what makes
/// the `@unchecked Sendable` sound). Ids are remembered as they are appended and forgotten again if the transaction
/// rolls back, so memory never claims an id the database does not hold; a finished settle takes effect in memory
/// only once its transaction commits.
final class MessageIDLedger: @unchecked Sendable {
    /// Compared byte for byte, as SQLite compares the stored text: Swift's `String` equality would take `é` and
    /// `e` + U+0301 for the same id.
    struct Key: Hashable {
        var workspaceID: String
        var messageID: String

        static func == (a: Key, b: Key) -> Bool {
            sameBytes(a.messageID, b.messageID) && sameBytes(a.workspaceID, b.workspaceID)
        }

        func hash(into hasher: inout Hasher) {
            Self.combine(workspaceID, into: &hasher)
            Self.combine(messageID, into: &hasher)
        }

        private static func combine(_ text: String, into hasher: inout Hasher) {
            if text.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
                for byte in text.utf8 { hasher.combine(byte) }
            }
            hasher.combine(0xFF as UInt8)  // never a byte of UTF-8: keeps ("ab", "c") apart from ("a", "bc")
        }

        private static func sameBytes(_ a: String, _ b: String) -> Bool {
            let fast = a.utf8.withContiguousStorageIfAvailable { x in
                b.utf8.withContiguousStorageIfAvailable { y in
                    x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
                }
            }
            return (fast ?? nil) ?? a.utf8.elementsEqual(b.utf8)
        }
    }

    /// A settle under way: the ids of the events in (watermark, `through`], sorted by SQLite into the temporary
    /// table `message_id_settle`, whose rows up to `next` (a rowid) have been added to `message_ids`.
    private struct Settle {
        var through: Int64
        var next: Int64
        var last: Int64
    }

    /// Ids gathered in memory before a settle starts. Larger settles write fewer pages per id; the ids are read back
    /// from `events` at start, so this also bounds that read.
    let settleThreshold: Int
    /// Ids added to `message_ids` per append while a settle is under way: a sixteenth of the threshold, and at least
    /// twice what the append added, so that a settle always finishes before as many new ids have gathered.
    private func sliceSize(appended: Int) -> Int64 { Int64(max(settleThreshold / 16, 2 * appended, 1)) }

    /// `message_id_watermark.seq` as last read or written here; nil when memory must be rebuilt.
    private var watermark: Int64?
    /// The largest `seq` whose id is in memory or at or below the watermark.
    private var seenThrough: Int64 = 0
    /// The ids of the events above the watermark: those of a settle under way, and those since it started.
    private var settling: Set<Key> = []
    private var pending: Set<Key> = []
    private var settle: Settle?

    /// What the current transaction changed, to undo it on rollback or finish it on commit. A rollback after a
    /// change of generation (a rebuild, a settle started or finished) simply has memory rebuilt next time.
    private var synced = false
    private var added: [Key] = []
    private var before: (seenThrough: Int64, settle: Settle?) = (0, nil)
    private var regenerated = false
    private var finished: Settle?

    init(settleThreshold: Int) {
        self.settleThreshold = max(1, settleThreshold)
    }

    /// Settles in one go, from `events`, every id above the watermark: after a bulk load.
    static let settleStatements = [
        """
        INSERT OR IGNORE INTO message_ids (workspace_id, message_id)
        SELECT workspace_id, message_id FROM events WHERE seq > (SELECT seq FROM message_id_watermark)
        ORDER BY workspace_id, message_id
        """,
        "UPDATE message_id_watermark SET seq = (SELECT COALESCE(MAX(seq), 0) FROM events)",
    ]

    /// Inserts the rows of `sql` (an `INSERT INTO events` whose first two values are the workspace and the message
    /// id) whose id the workspace's log does not hold yet, nor an earlier row of the same call. Returns how many
    /// were inserted.
    func append(_ sql: String, _ rows: [[SQLValue]], on connection: SQLiteConnection) throws -> Int {
        guard !rows.isEmpty else { return 0 }
        try sync(connection)
        var candidates: [(key: Key, row: [SQLValue])] = []
        candidates.reserveCapacity(rows.count)
        var inCall = Set<Key>(minimumCapacity: rows.count)
        for row in rows {
            guard let workspaceID = row[0].text, let messageID = row[1].text else {
                throw StoreError.database("event rows start with the workspace and the message id")
            }
            let key = Key(workspaceID: workspaceID, messageID: messageID)
            if !holds(key) && inCall.insert(key).inserted { candidates.append((key, row)) }
        }
        let settled = try settledKeys(among: candidates.map(\.key), connection)
        var fresh: [[SQLValue]] = []
        fresh.reserveCapacity(candidates.count)
        for candidate in candidates where !settled.contains(candidate.key) {
            remember(candidate.key)
            fresh.append(candidate.row)
        }
        let inserted = try connection.executeMany(sql, fresh)
        seenThrough = try maximumSeq(connection)
        try advanceSettle(connection, slice: sliceSize(appended: fresh.count))
        return inserted
    }

    /// Called by the writer when its transaction ends.
    func transactionEnded(committed: Bool) {
        defer {
            synced = false
            regenerated = false
            finished = nil
            added.removeAll(keepingCapacity: true)
        }
        guard synced else { return }
        if committed {
            if let finished, let watermark {
                settling = []
                self.watermark = max(watermark, finished.through)
            }
        } else if regenerated {
            watermark = nil
        } else {
            for key in added { pending.remove(key) }
            (seenThrough, settle) = before
        }
    }

    private func holds(_ key: Key) -> Bool { pending.contains(key) || settling.contains(key) }

    /// Brings memory up to what the database holds. The watermark is read once per transaction (the writer's lock
    /// keeps it from changing under us until the transaction ends); new rows are looked for at every append, since
    /// the same transaction may have inserted events by other statements in between.
    private func sync(_ connection: SQLiteConnection) throws {
        if !synced {
            synced = true
            before = (seenThrough, settle)
            let stored = try connection.query("SELECT seq FROM message_id_watermark", []).first?.int(0) ?? 0
            if stored != watermark { return try rebuild(after: stored, connection) }
        }
        let latest = try maximumSeq(connection)
        if latest > seenThrough {
            try read(after: seenThrough, connection) { remember($0) }
            seenThrough = latest
        } else if latest < seenThrough, let watermark {
            // Rows went away although `events` refuses deletes: start again from what is durable.
            try rebuild(after: watermark, connection)
        }
    }

    private func rebuild(after stored: Int64, _ connection: SQLiteConnection) throws {
        regenerated = true
        settle = nil
        settling = []
        pending = []
        try read(after: stored, connection) { pending.insert($0) }
        watermark = stored
        seenThrough = try maximumSeq(connection)
    }

    /// Starts a settle once enough ids have gathered, and adds the next slice of the one under way.
    private func advanceSettle(_ connection: SQLiteConnection, slice: Int64) throws {
        // A settle finished in this transaction keeps its ids in memory until the commit: nothing more until then.
        guard finished == nil, let watermark else { return }
        if settle == nil && pending.count >= settleThreshold {
            // SQLite sorts the ids (byte order, as the table's key) into a temporary table, numbered in that order.
            _ = try connection.execute(
                "CREATE TEMP TABLE IF NOT EXISTS message_id_settle (workspace_id TEXT NOT NULL, message_id TEXT NOT NULL)", [])
            _ = try connection.execute("DELETE FROM temp.message_id_settle", [])
            _ = try connection.execute(
                """
                INSERT INTO temp.message_id_settle (workspace_id, message_id)
                SELECT workspace_id, message_id FROM events WHERE seq > ? AND seq <= ? ORDER BY workspace_id, message_id
                """, [.int(watermark), .int(seenThrough)])
            let bounds = try connection.query("SELECT MIN(rowid) - 1, MAX(rowid) FROM temp.message_id_settle", [])
            settle = Settle(through: seenThrough, next: bounds.first?[0].int ?? 0, last: bounds.first?[1].int ?? 0)
            settling = pending
            pending = Set(minimumCapacity: settling.count)  // grown once, not by doubling (rehashing every id)
            regenerated = true
        }
        guard var current = settle else { return }
        let end = min(current.last, current.next + slice)
        _ = try connection.execute(
            """
            INSERT OR IGNORE INTO message_ids (workspace_id, message_id)
            SELECT workspace_id, message_id FROM temp.message_id_settle WHERE rowid > ? AND rowid <= ? ORDER BY rowid
            """, [.int(current.next), .int(end)])
        current.next = end
        if end == current.last {
            _ = try connection.execute("UPDATE message_id_watermark SET seq = MAX(seq, ?)", [.int(current.through)])
            _ = try connection.execute("DELETE FROM temp.message_id_settle", [])
            finished = current
            settle = nil
            regenerated = true
        } else {
            settle = current
        }
    }

    private func remember(_ key: Key) {
        guard !settling.contains(key) else { return }
        if pending.insert(key).inserted { added.append(key) }
    }

    /// Which of `keys` are in `message_ids`: one statement per workspace, the ids passed as a JSON array, which
    /// saves a statement run per id. SQLite's `json_each` cuts a string at U+0000, so an id holding one is looked up
    /// by itself.
    private func settledKeys(among keys: [Key], _ connection: SQLiteConnection) throws -> Set<Key> {
        var byWorkspace: [String: [JSONValue]] = [:]
        var found = Set<Key>()
        for key in keys {
            guard key.messageID.utf8.contains(0) else {
                byWorkspace[key.workspaceID, default: []].append(.string(key.messageID))
                continue
            }
            try connection.forEachRow(
                "SELECT 1 FROM message_ids WHERE workspace_id = ? AND message_id = ?",
                [.text(key.workspaceID), .text(key.messageID)]
            ) { _ in found.insert(key) }
        }
        for (workspaceID, ids) in byWorkspace {
            var array: [UInt8] = []
            JSONWriter.write(.array(ids), into: &array)
            try connection.forEachRow(
                """
                SELECT j.value FROM json_each(?) AS j
                WHERE EXISTS (SELECT 1 FROM message_ids m WHERE m.workspace_id = ? AND m.message_id = j.value)
                """,
                [.text(String(decoding: array, as: UTF8.self)), .text(workspaceID)]
            ) { statement in
                found.insert(Key(workspaceID: workspaceID, messageID: SQLiteConnection.value(statement, 0).text ?? ""))
            }
        }
        return found
    }

    private func read(after seq: Int64, _ connection: SQLiteConnection, _ body: (Key) -> Void) throws {
        try connection.forEachRow("SELECT workspace_id, message_id FROM events WHERE seq > ?", [.int(seq)]) { statement in
            body(Key(
                workspaceID: SQLiteConnection.value(statement, 0).text ?? "",
                messageID: SQLiteConnection.value(statement, 1).text ?? ""))
        }
    }

    private func maximumSeq(_ connection: SQLiteConnection) throws -> Int64 {
        try connection.query("SELECT COALESCE(MAX(seq), 0) FROM events", []).first?.int(0) ?? 0
    }
}
