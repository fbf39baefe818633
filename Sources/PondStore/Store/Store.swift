import PondCore

/// Everything Pond persists, written once over the `SQLDatabase` seam so SQLite and Postgres behave alike.
///
/// Operations are grouped by concern in `Store+*.swift`. Each public method is one transaction: it either happens
/// whole or not at all.
public final class Store: Sendable {
    public let database: any SQLDatabase
    /// Signalled after each commit that queued profiles for re-evaluation (`profile_work`).
    public let profileWorkQueued = ChangeSignal()
    /// Signalled after each commit that queued jobs due now or later (`jobs`): job runners wake and claim.
    public let jobsQueued = ChangeSignal()

    public init(database: any SQLDatabase) {
        self.database = database
    }

    /// A write transaction that may queue profile work: its consumers are woken once it has committed.
    func writeQueuingProfileWork<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let result = try await database.write(body)
        profileWorkQueued.signal()
        return result
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

extension Store {
    /// Serialises changes to definitions (tags, tag rules, segments, scoring configuration) across every `pond`
    /// process sharing the database. Saving one checks the others first (no cycle between segments, nothing
    /// deleted that a rule still names) and then writes; two changes interleaving those steps could each pass
    /// their check and together break it — two segments saved at once on two nodes, each naming the other, make a
    /// cycle neither saw. Definition changes are rare, so one lock for all workspaces costs nothing noticeable.
    public func withDefinitionLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await database.withLock(7242003, body)
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
