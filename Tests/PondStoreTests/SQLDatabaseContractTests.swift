import Foundation
import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// What the `Store` relies on from the `SQLDatabase` seam, held to the same answers on SQLite and Postgres: values
/// round-trip, row counts, `executeMany`, generated keys, transactions that roll back whole, reads that cannot write,
/// and concurrent writes that all land. (What only one backend has — Postgres's URL handling, SQLSTATEs, the bind
/// limit; SQLite's message-id ledger — is tested beside its driver.)
@Suite("SQLDatabase contract")
struct SQLDatabaseContractTests {
    static let insertWorkspace = "INSERT INTO workspaces (id, name, settings, created_at) VALUES (?, ?, '{}', ?)"

    static func count(_ db: any SQLDatabase, _ table: String) async throws -> Int64 {
        try await db.read { try await $0.query("SELECT count(*) FROM \(table)") }[0].int(0)
    }

    @Test("values round-trip", arguments: TestBackend.available)
    func valuesRoundTrip(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let long = String(repeating: "私域运营 pond ✓ ", count: 50_000)
            let text = "中文 🐟 'quoted' \"double\" ? ; \\ end"
            _ = try await db.write { sql in
                try await sql.execute(Self.insertWorkspace, .text(text), .text(long), .int(Int64.max))
                try await sql.execute(
                    "INSERT INTO jobs (workspace_id, kind, job_key, due_at, payload, lease_owner, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    .text(text), "k", "key", .int(Int64.min), "{}", .null, .int(-1))
            }
            let workspace = try await db.read { try await $0.query("SELECT id, name, created_at FROM workspaces") }
            #expect(workspace.map(\.values) == [[.text(text), .text(long), .int(Int64.max)]])
            let job = try await db.read { try await $0.query("SELECT due_at, lease_owner, created_at FROM jobs") }
            #expect(job.map(\.values) == [[.int(Int64.min), .null, .int(-1)]])
            let computed = try await db.read { try await $0.query("SELECT 1.5 * 2, 'a' || ?", .text("值")) }
            #expect(computed[0].values == [.double(3), .text("a值")])
        }
    }

    @Test("row counts: inserts, conflicts, updates, deletes", arguments: TestBackend.available)
    func rowCounts(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let counts = try await db.write { sql in
                let insert = Self.insertWorkspace + " ON CONFLICT (id) DO NOTHING"
                return [
                    try await sql.execute(insert, "w1", "one", 0),
                    try await sql.execute(insert, "w1", "again", 0),
                    try await sql.execute(insert, "w2", "two", 0),
                    try await sql.execute("UPDATE workspaces SET name = upper(name)"),
                    try await sql.execute("DELETE FROM workspaces WHERE id = ?", "w2"),
                ]
            }
            #expect(counts == [1, 0, 1, 2, 1])
        }
    }

    @Test("an insert returns its generated key", arguments: TestBackend.available)
    func generatedKeys(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let ids = try await db.write { sql in
                var ids: [Int64] = []
                for key in ["a", "b"] {
                    let rows = try await sql.query(
                        "INSERT INTO jobs (workspace_id, kind, job_key, due_at, payload, created_at) VALUES ('ws', 'k', ?, 0, '{}', 0) RETURNING id",
                        .text(key))
                    ids.append(try rows[0].int(0))
                }
                return ids
            }
            #expect(ids.count == 2 && ids[1] == ids[0] + 1)
        }
    }

    @Test("executeMany: an upsert with repeated keys ends as row by row would", arguments: TestBackend.available)
    func executeManyUpsert(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let rows: [[SQLValue]] = (0..<300).map { i in ["ws", .int(Int64(i % 7)), "k", .text("v\(i)"), .int(Int64(i))] }
            let changed = try await db.write { sql in
                try await sql.executeMany(
                    """
                    INSERT INTO profile_traits (workspace_id, profile_id, key, value, ts) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace_id, profile_id, key) DO UPDATE SET value = excluded.value, ts = excluded.ts
                    """, rows)
            }
            #expect(changed == 300)
            let traits = try await db.read { try await $0.query("SELECT profile_id, value FROM profile_traits ORDER BY profile_id") }
            #expect(try traits.map { try $0.text(1) } == (293..<300).sorted { $0 % 7 < $1 % 7 }.map { "v\($0)" })
        }
    }

    @Test("executeMany runs an update once per row and counts the rows it changed", arguments: TestBackend.available)
    func executeManyUpdates(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let changed = try await db.write { sql in
                try await sql.executeMany(Self.insertWorkspace, (0..<5).map { [.text("w\($0)"), .text("n\($0)"), 0] })
                return try await sql.executeMany(
                    "UPDATE workspaces SET name = ? WHERE id = ?", [["x", "w1"], ["y", "w2"], ["z", "missing"]])
            }
            #expect(changed == 2)
        }
    }

    @Test("a write that throws leaves nothing", arguments: TestBackend.available)
    func throwingWriteRollsBack(_ backend: TestBackend) async throws {
        struct Abort: Error {}
        try await backend.withDatabase { db in
            await #expect(throws: Abort.self) {
                try await db.write { sql in
                    try await sql.execute(Self.insertWorkspace, "w", "n", 0)
                    throw Abort()
                }
            }
            let remaining = try await Self.count(db, "workspaces")
            #expect(remaining == 0)
        }
    }

    @Test("a write whose statement failed is rolled back whole, even if the failure was caught", arguments: TestBackend.available)
    func swallowedFailureRollsBack(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            await #expect(throws: StoreError.self) {
                try await db.write { sql in
                    try await sql.execute(Self.insertWorkspace, "w", "n", 0)
                    _ = try? await sql.execute(Self.insertWorkspace, "w", "again", 0)
                }
            }
            let remaining = try await Self.count(db, "workspaces")
            #expect(remaining == 0)
        }
    }

    @Test("a read sees committed data and cannot write", arguments: TestBackend.available)
    func readsCannotWrite(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            _ = try await db.write { try await $0.execute(Self.insertWorkspace, "w", "品牌", 42) }
            let rows = try await db.read { try await $0.query("SELECT name, created_at FROM workspaces WHERE id = ?", "w") }
            #expect(rows.map(\.values) == [[.text("品牌"), .int(42)]])
            await #expect(throws: StoreError.self) { try await db.read { try await $0.execute("DELETE FROM workspaces") } }
            let remaining = try await Self.count(db, "workspaces")
            #expect(remaining == 1)
        }
    }

    @Test("concurrent writes from many tasks all land", arguments: TestBackend.available)
    func concurrentWrites(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            _ = try await db.write { try await $0.execute(Self.insertWorkspace, "w", "n", 0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        for i in 0..<25 {
                            try await db.write { sql in
                                try await sql.execute("UPDATE workspaces SET created_at = created_at + 1 WHERE id = 'w'")
                                try await sql.execute(
                                    "INSERT INTO tag_groups (workspace_id, name, description, created_at) VALUES ('w', ?, '', 0)",
                                    .text("t\(task)-\(i)"))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let totals = try await db.read { sql in
                try await sql.query("SELECT (SELECT created_at FROM workspaces), (SELECT count(*) FROM tag_groups)")
            }
            #expect(totals[0].values == [.int(200), .int(200)])
        }
    }
}
