import Foundation
import PondCore
import Testing

@testable import PondStore

/// The ledger against a model (the set of ids accepted so far), through settles spread over many appends,
/// rollbacks, restarts in the middle of a settle, and a second writer on the same file.
@Suite("Message-id ledger (SQLite)")
struct MessageIDLedgerTests {
    struct Abort: Error {}

    /// One SQLite file for the test, removed afterwards.
    final class File: Sendable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pond-ledger-\(UUID().uuidString).sqlite").path

        func open(settleEvery: Int) throws -> SQLiteDatabase {
            try SQLiteDatabase(path: path, settleMessageIDsEvery: settleEvery)
        }

        deinit { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    }

    static func row(_ workspace: String, _ messageID: String) -> [SQLValue] {
        [
            .text(workspace), .text(messageID), .text("track"), .text("Viewed"), .null, .text("a1"), .int(1), .int(1),
            .text("test"), .text("web"), .text("{}"),
        ]
    }

    static func append(_ database: SQLiteDatabase, _ keys: [(String, String)]) async throws -> Int {
        try await database.write { db in try await db.appendEvents(Store.insertEventSQL, keys.map { row($0.0, $0.1) }) }
    }

    /// Every stored (workspace, id) once, and every event at or below the watermark settled. Keys are compared as
    /// bytes, as the database does.
    static func checkStored(_ database: SQLiteDatabase, expected: [String]) async throws {
        try await database.read { db in
            let keys = try await db.query("SELECT workspace_id || '/' || message_id FROM events").map { try $0.text(0) }
            #expect(keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
                == expected.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
            let unsettled = try await db.query(
                """
                SELECT COUNT(*) FROM events e
                WHERE e.seq <= (SELECT seq FROM message_id_watermark)
                    AND NOT EXISTS (SELECT 1 FROM message_ids m WHERE m.workspace_id = e.workspace_id AND m.message_id = e.message_id)
                """)
            #expect(try unsettled[0].int(0) == 0)
        }
    }

    @Test("a random mix of resends, rollbacks and restarts stores each id once", arguments: [3, 40])
    func randomHistory(settleEvery: Int) async throws {
        let file = File()
        var random = SplitMix64(seed: UInt64(settleEvery))
        var database = try file.open(settleEvery: settleEvery)
        var accepted = Set<String>()
        var settles = 0
        for _ in 0..<400 {
            let keys = (0..<Int.random(in: 1...12, using: &random)).map { _ in
                ("ws_\(Int.random(in: 0..<2, using: &random))", "id-\(Int.random(in: 0..<600, using: &random))")
            }
            let fresh = Set(keys.map { "\($0.0)/\($0.1)" }).subtracting(accepted)
            switch Int.random(in: 0..<10, using: &random) {
            case 0:
                // Restart: whatever the writer had in memory is gone, as after kill -9.
                database = try file.open(settleEvery: settleEvery)
            case 1:
                await #expect(throws: Abort.self) {
                    try await database.write { db in
                        try await db.appendEvents(Store.insertEventSQL, keys.map { Self.row($0.0, $0.1) })
                        throw Abort()
                    }
                }
            default:
                let before = try await database.read { try await $0.query("SELECT seq FROM message_id_watermark")[0].int(0) }
                #expect(try await Self.append(database, keys) == fresh.count)
                accepted.formUnion(fresh)
                let after = try await database.read { try await $0.query("SELECT seq FROM message_id_watermark")[0].int(0) }
                if after > before { settles += 1 }
            }
        }
        #expect(settles > 3)
        try await Self.checkStored(database, expected: Array(accepted))
    }

    @Test("two writers on one file (pond serve and pond import) never store the same id twice")
    func twoWriters() async throws {
        let file = File()
        let first = try file.open(settleEvery: 7)
        let second = try file.open(settleEvery: 11)
        var random = SplitMix64(seed: 99)
        var accepted = Set<String>()
        for step in 0..<300 {
            let keys = (0..<Int.random(in: 1...8, using: &random)).map { _ in ("ws", "id-\(Int.random(in: 0..<400, using: &random))") }
            let fresh = Set(keys.map { "\($0.0)/\($0.1)" }).subtracting(accepted)
            #expect(try await Self.append(step.isMultiple(of: 3) ? second : first, keys) == fresh.count)
            accepted.formUnion(fresh)
        }
        try await Self.checkStored(first, expected: Array(accepted))
    }

    @Test("rows inserted past the ledger (plain statements in the same or an earlier transaction) count as held")
    func rowsFromOtherStatements() async throws {
        let file = File()
        let database = try file.open(settleEvery: 1000)
        #expect(try await Self.append(database, [("ws", "a")]) == 1)
        try await database.write { db in try await db.executeMany(Store.insertEventSQL, [Self.row("ws", "b")]) }
        let count = try await database.write { db in
            try await db.executeMany(Store.insertEventSQL, [Self.row("ws", "c")])
            return try await db.appendEvents(Store.insertEventSQL, [Self.row("ws", "b"), Self.row("ws", "c"), Self.row("ws", "d")])
        }
        #expect(count == 1)
        try await Self.checkStored(database, expected: ["ws/a", "ws/b", "ws/c", "ws/d"])
    }

    @Test("ids of any spelling are found again once settled")
    func oddIDs() async throws {
        let file = File()
        let odd = [
            "with \"quotes\"", "back\\slash", "tab\tnew\nline", "nul\u{0}inside", "\u{1}\u{1f}", "中文-ид-😀",
            "e\u{301}", "é", String(repeating: "x", count: 600), "",
        ]
        var database = try file.open(settleEvery: 2)
        for id in odd { #expect(try await Self.append(database, [("ws", id)]) == 1) }
        database = try file.open(settleEvery: 2)
        #expect(try await Self.append(database, odd.map { ("ws", $0) }) == 0)
        #expect(try await Self.append(database, odd.map { ("ws_other", $0) }) == odd.count)
        try await Self.checkStored(database, expected: odd.map { "ws/\($0)" } + odd.map { "ws_other/\($0)" })
        let settled = try await database.read { try await $0.query("SELECT COUNT(*) FROM message_ids WHERE workspace_id = 'ws'")[0].int(0) }
        #expect(settled == Int64(odd.count))
    }

    @Test("events are append-only on SQLite: a delete is refused")
    func deletesAreRefused() async throws {
        let file = File()
        let database = try file.open(settleEvery: 1000)
        #expect(try await Self.append(database, [("ws", "a")]) == 1)
        await #expect(throws: StoreError.self) {
            try await database.write { db in try await db.execute("DELETE FROM events") }
        }
        #expect(try await Self.append(database, [("ws", "a"), ("ws", "b")]) == 1)
    }

    @Test("a file written before the ledger keeps refusing the ids it holds")
    func migratesExistingLog() async throws {
        let file = File()
        let connection = try SQLiteConnection(path: file.path, readOnly: false)
        try connection.exec("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        let earlier = Migrations.sqlite.prefix { $0.name != "007_message_id_ledger" }
        for migration in earlier {
            try connection.exec(migration.sql)
            _ = try connection.execute("INSERT INTO schema_migrations VALUES (?, 0)", [.text(migration.name)])
        }
        let sql = Store.insertEventSQL + " ON CONFLICT (workspace_id, message_id) DO NOTHING"
        _ = try connection.executeMany(sql, [Self.row("ws", "old-1"), Self.row("ws", "old-2"), Self.row("ws_b", "old-1")])
        let database = try file.open(settleEvery: 1000)
        #expect(try await Self.append(database, [("ws", "old-2"), ("ws_b", "old-1"), ("ws", "new"), ("ws_b", "old-2")]) == 2)
        try await Self.checkStored(database, expected: ["ws/old-1", "ws/old-2", "ws_b/old-1", "ws/new", "ws_b/old-2"])
        let settled = try await database.read { try await $0.query("SELECT COUNT(*) FROM message_ids")[0].int(0) }
        #expect(settled == 3)
    }
}
