extension Store {
    /// Runs `load`, which writes rows straight into the tables (generated benchmark data, say), with the event
    /// log's secondary indexes and triggers set aside, and then builds them once: on SQLite, maintaining a B-tree
    /// row by row over a large random-order load costs many times more than one sorted build at the end.
    /// `event_facts` is filled from the loaded events in the same step, and their message ids are settled
    /// (`MessageIDLedger`), so none is held in memory afterwards: `load` gives every event an id of its own. Unique
    /// indexes stay: they are constraints (`ON CONFLICT` needs them). Elsewhere `load` simply runs.
    public func bulkLoad(_ load: () async throws -> Void) async throws {
        guard dialect == .sqlite else { return try await load() }
        let definitions = try await database.read { db in
            try await db.query(
                """
                SELECT type, name, sql FROM sqlite_master
                WHERE type IN ('index', 'trigger') AND tbl_name = 'events' AND sql IS NOT NULL
                    AND sql NOT LIKE 'CREATE UNIQUE %'
                """
            ).map { (type: try $0.text(0), name: try $0.text(1), sql: try $0.text(2)) }
        }
        try await database.write { db in
            for definition in definitions {
                try await db.execute("DROP \(definition.type == "index" ? "INDEX" : "TRIGGER") \"\(definition.name)\"")
            }
        }
        try await load()
        try await database.write { db in
            try await db.execute(Migrations.sqliteEventFactsBackfill)
            for statement in MessageIDLedger.settleStatements { try await db.execute(statement) }
            for definition in definitions { try await db.execute(definition.sql) }
        }
    }
}
