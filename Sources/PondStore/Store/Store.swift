import PondCore

/// Everything Pond persists, written once over the `SQLDatabase` seam so SQLite and Postgres behave alike.
///
/// Operations are grouped by concern in `Store+*.swift`. Each public method is one transaction: it either happens
/// whole or not at all.
public final class Store: Sendable {
    public let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    var dialect: SQLDialect { database.dialect }

    /// Serialises identity-graph changes across `pond` processes sharing one Postgres (SQLite has one writer
    /// anyway). Stitching reads a slice of the graph and writes a plan computed from it; two nodes doing that
    /// at once could each merge half of the same customer.
    func lockIdentityGraph(_ db: any SQLExecutor) async throws {
        if dialect == .postgres {
            try await db.execute("SELECT pg_advisory_xact_lock(7242001)")
        }
    }
}

/// `?, ?, ?` for an IN list of `count` values.
func placeholders(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ", ")
}

extension Instant {
    var sql: SQLValue { .int(millisecondsSinceEpoch) }
}

extension SQLRow {
    func instant(_ index: Int) throws -> Instant { Instant(millisecondsSinceEpoch: try int(index)) }

    func optionalInstant(_ index: Int) -> Instant? {
        values[index].int.map(Instant.init(millisecondsSinceEpoch:))
    }
}
