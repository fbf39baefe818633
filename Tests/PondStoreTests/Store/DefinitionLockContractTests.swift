import Foundation
import PondCore
import PondTestSupport
import Testing

@testable import PondStore

/// The definition lock holds a check-then-write together across transactions — and, on Postgres, across `pond`
/// processes: two nodes saving definitions at once must not both pass a check that only one may pass.
@Suite("Definition lock")
struct DefinitionLockContractTests {
    /// Read a value, let time pass, write it back plus one: any two holders interleaving lose an increment.
    static func increment(_ store: Store) async throws {
        try await store.withDefinitionLock {
            let current = try await store.database.read { db in
                try await db.query("SELECT name FROM workspaces WHERE id = 'counter'").first?.text(0)
            }
            try await Task.sleep(for: .milliseconds(2))
            _ = try await store.database.write { db in
                try await db.execute("UPDATE workspaces SET name = ? WHERE id = 'counter'", .text(String(Int(current ?? "0")! + 1)))
            }
        }
    }

    static func makeCounter(_ store: Store) async throws {
        _ = try await store.database.write { db in
            try await db.execute("INSERT INTO workspaces (id, name, settings, created_at) VALUES ('counter', '0', '{}', 0)")
        }
    }

    static func count(_ store: Store) async throws -> String? {
        try await store.database.read { db in try await db.query("SELECT name FROM workspaces WHERE id = 'counter'").first?.text(0) }
    }

    @Test("holders in one process never interleave", arguments: TestBackend.available)
    func oneProcess(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await Self.makeCounter(store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<30 { group.addTask { try await Self.increment(store) } }
                try await group.waitForAll()
            }
            #expect(try await Self.count(store) == "30")
        }
    }

    @Test("two nodes sharing one Postgres never interleave", .enabled(if: TestDatabases.postgresConfigured))
    func twoNodes() async throws {
        try await TestDatabases.withTwoPostgresNodes { first, second in
            let nodes = [Store(database: first), Store(database: second)]
            try await Self.makeCounter(nodes[0])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 { group.addTask { try await Self.increment(nodes[index % 2]) } }
                try await group.waitForAll()
            }
            #expect(try await Self.count(nodes[1]) == "40")
        }
    }
}
