import Foundation
import PondTestSupport
import Testing

@testable import PondStore

private let insertWorkspace = "INSERT INTO workspaces (id, name, settings, created_at) VALUES (?, ?, '{}', ?)"

/// The message of the `StoreError.database` that `body` throws.
private func databaseErrorMessage<T>(
    _ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation
) async -> String {
    do {
        _ = try await body()
        Issue.record("expected a StoreError.database", sourceLocation: sourceLocation)
    } catch StoreError.database(let message) {
        return message
    } catch {
        Issue.record("expected a StoreError.database, got \(error)", sourceLocation: sourceLocation)
    }
    return ""
}

struct PostgresDatabaseTests {
    // MARK: URLs

    @Test func urlWithEverything() throws {
        let url = try PostgresURL("postgresql://pond:p%40ss%3Aword@db.example.com:6543/pond_prod?sslmode=require")
        #expect(url.user == "pond")
        #expect(url.password == "p@ss:word")
        #expect(url.host == "db.example.com")
        #expect(url.port == 6543)
        #expect(url.database == "pond_prod")
        #expect(url.tls == .require)
    }

    @Test func loopbackDefaultsToPlainTCPAndOtherHostsPreferTLS() throws {
        let local = try PostgresURL("postgres://postgres@127.0.0.1/postgres")
        #expect(local.tls == .disable)
        #expect(local.port == 5432)
        #expect(try PostgresURL("postgres://u@localhost:5433/db").tls == .disable)
        #expect(try PostgresURL("postgres://u@[::1]:5433/db").host == "::1")
        #expect(try PostgresURL("postgres://u@db.internal/db").tls == .prefer)
        #expect(try PostgresURL("postgres://u@db.internal/db?sslmode=disable").tls == .disable)
    }

    @Test func startupParametersAreForwardedAndUnknownOnesIgnored() throws {
        let url = try PostgresURL("postgres://u@h/db?application_name=pond&options=-c%20search_path%3Dx&connect_timeout=5")
        #expect(url.startupParameters == ["application_name": "pond", "options": "-c search_path=x"])
        #expect(url.ignoredParameters == ["connect_timeout"])
    }

    @Test(arguments: [
        "mysql://u:pw@h/db",
        "postgres://h/db",
        "postgres://:secret-pw@h/db",
        "postgres://u:secret-pw@h:99999/db",
        "postgres://u:secret-pw@h:port/db",
        "postgres://u:secret-pw@/db",
        "postgres://u:secret-pw@h/db?sslmode=sometimes",
        "u:secret-pw@h/db",
    ])
    func invalidURLsAreRejectedWithoutEchoingThePassword(_ string: String) {
        do {
            _ = try PostgresURL(string)
            Issue.record("accepted \(string)")
        } catch StoreError.invalidURL(let message) {
            #expect(!message.isEmpty)
            #expect(!message.contains("secret-pw"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func descriptionHidesThePassword() throws {
        let url = try PostgresURL("postgres://pond:secret-pw@h/db")
        #expect(!"\(url)".contains("secret-pw"))
        #expect("\(url)".contains("pond:***@h"))
    }

    // MARK: Statement rewriting

    @Test func placeholdersAreNumberedOutsideLiteralsAndComments() {
        let statement = PostgresStatement("SELECT ?, '?', \"a?\", $$ ? $$, E'\\'?' -- ?\n /* ? */ FROM t WHERE a = ?")
        #expect(statement.sql == "SELECT $1, '?', \"a?\", $$ ? $$, E'\\'?' -- ?\n /* ? */ FROM t WHERE a = $2")
        #expect(statement.parameterCount == 2)
        #expect(statement.rows == nil)
    }

    @Test func singleRowInsertWidensToManyRows() throws {
        let statement = PostgresStatement(
            "INSERT INTO t (a, b) VALUES (?, lower(?)) ON CONFLICT (a) DO NOTHING;")
        let rows = try #require(statement.rows)
        #expect(rows.sql(rowCount: 2)
            == "INSERT INTO t (a, b) VALUES ($1, lower($2)), ($3, lower($4)) ON CONFLICT (a) DO NOTHING")
        #expect(!rows.updatesOnConflict)
        #expect(PostgresStatement("INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = excluded.a").rows?
            .updatesOnConflict == true)
    }

    @Test(arguments: [
        "INSERT INTO t (a) VALUES (?), (?)",
        "INSERT INTO t (a) SELECT ?",
        "INSERT INTO t (a) VALUES ((SELECT max(a) FROM t) + ?)",
        "INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET b = ?",
        "UPDATE t SET a = ? WHERE b = ?",
        "INSERT INTO t (a) VALUES (1)",
    ])
    func statementsThatDifferRowByRowAreNotWidened(_ sql: String) {
        #expect(PostgresStatement(sql).rows == nil)
    }

    @Test func scriptsSplitOnSemicolonsOutsideLiterals() {
        let script = """
            CREATE TABLE a (x TEXT DEFAULT ';');
            -- a comment; still a comment
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;

            """
        #expect(PostgresStatement.split(script) == [
            "CREATE TABLE a (x TEXT DEFAULT ';')",
            "-- a comment; still a comment\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
        ])
    }

    // MARK: Against a server

    @Suite(.enabled(if: TestDatabases.postgresConfigured, "set POND_TEST_POSTGRES_URL to run the PostgreSQL tests"))
    struct Server {
        @Test func migratingTwiceChangesNothing() async throws {
            try await TestDatabases.withPostgres { db, _ in
                try await db.migrate()
                let names = try await db.read { try await $0.query("SELECT name FROM schema_migrations ORDER BY name") }
                #expect(try names.map { try $0.text(0) } == Migrations.postgres.map(\.name))
                let events = try await db.read { try await $0.query("SELECT count(*) FROM events") }
                #expect(try events[0].int(0) == 0)
            }
        }

        @Test func nodesMigratingAtOnceApplyEachMigrationOnce() async throws {
            try await TestDatabases.withPostgres(migrated: false) { db, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 { group.addTask { try await db.migrate() } }
                    try await group.waitForAll()
                }
                let count = try await db.read { try await $0.query("SELECT count(*) FROM schema_migrations") }
                #expect(try count[0].int(0) == Int64(Migrations.postgres.count))
            }
        }

        @Test func everyValueKindRoundTrips() async throws {
            try await TestDatabases.withPostgres(migrated: false) { db, _ in
                let long = String(repeating: "私域运营 pond ✓ ", count: 100_000)
                let text = "中文 🐟 'quoted' \"double\" ? ; \\ end"
                try await db.write { sql in
                    try await sql.execute("""
                        CREATE TABLE kinds (i BIGINT, d DOUBLE PRECISION, t TEXT, n BIGINT, small SMALLINT,
                            four INTEGER, r REAL, num NUMERIC(12, 3), flag BOOLEAN, vc VARCHAR(40), j JSONB, l TEXT)
                        """)
                    try await sql.execute(
                        "INSERT INTO kinds VALUES (?, ?, ?, ?, ?, ?, ?, ?, true, ?, CAST(? AS jsonb), ?)",
                        .int(Int64.max), .double(-2.5e-7), .text(text), .null, .int(-12), .int(Int64(Int32.min)),
                        .double(1.5), .double(1234.5), .text("变长"), .text("{\"k\": [1, \"值\"]}"), .text(long))
                }
                let rows = try await db.read { try await $0.query("SELECT * FROM kinds") }
                let values = try #require(rows.first).values
                #expect(values[0] == .int(Int64.max))
                #expect(values[1] == .double(-2.5e-7))
                #expect(values[2] == .text(text))
                #expect(values[3] == .null)
                #expect(values[4] == .int(-12))
                #expect(values[5] == .int(Int64(Int32.min)))
                #expect(values[6] == .double(1.5))
                #expect(values[7] == .double(1234.5))
                #expect(values[8] == .int(1))
                #expect(values[9] == .text("变长"))
                #expect(values[10] == .text("{\"k\": [1, \"值\"]}"))
                #expect(values[11] == .text(long))

                let untyped = try await db.read {
                    try await $0.query("SELECT ?, ?, ?, CAST(? AS TEXT) IS NULL", .null, .int(7), .text("x"), .null)
                }
                #expect(untyped[0].values == [.null, .int(7), .text("x"), .int(1)])
                // A null is sent without a type so that it fits any column; where nothing around it gives it one,
                // the statement has to (the CAST above).
                let message = await databaseErrorMessage { try await db.read { try await $0.query("SELECT ? IS NULL", .null) } }
                #expect(message.contains("SQLSTATE 42P18"))
            }
        }

        @Test func executeManyInsertsAThousandRowsAndCountsDuplicatesOnce() async throws {
            try await TestDatabases.withPostgres { db, _ in
                // Rows 900…999 repeat the message ids of rows 0…99. Nulls and values share columns across rows:
                // each row's untyped null must still take its column's type.
                let rows: [[SQLValue]] = (0..<1000).map { i in
                    ["ws", .text("m\(i % 900)"), "track", i.isMultiple(of: 2) ? .null : .text("e\(i)"),
                     i.isMultiple(of: 3) ? .null : .int(Int64(i)), .int(Int64(i)), .int(Int64(i)), .text("payload-\(i)")]
                }
                let insert = """
                    INSERT INTO events (workspace_id, message_id, type, event, profile_id, ts, received_at, source,
                        channel, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'api', 'server', ?) ON CONFLICT (workspace_id, message_id) DO NOTHING
                    """
                #expect(try await db.write { try await $0.executeMany(insert, rows) } == 900)
                #expect(try await db.write { try await $0.executeMany(insert, rows) } == 0)
                let stored = try await db.read { sql in
                    try await sql.query("""
                        SELECT count(*), min(ts), max(ts), max(payload), count(event), count(profile_id)
                        FROM events WHERE workspace_id = ?
                        """, "ws")
                }
                #expect(stored[0].values == [.int(900), .int(0), .int(899), .text("payload-99"), .int(450), .int(600)])
            }
        }

        @Test func executeManySplitsBatchesAtTheBindLimit() async throws {
            try await TestDatabases.withPostgres(migrated: false) { db, _ in
                let columns = (0..<80).map { "c\($0)" }
                let rows: [[SQLValue]] = (0..<1000).map { i in columns.indices.map { .int(Int64(i * 100 + $0)) } }
                let changed = try await db.write { sql in
                    try await sql.execute("CREATE TABLE wide (\(columns.map { "\($0) BIGINT" }.joined(separator: ", ")))")
                    return try await sql.executeMany(
                        """
                        INSERT INTO wide (\(columns.joined(separator: ", ")))
                        VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
                        """,
                        rows)
                }
                #expect(changed == 1000)
                let sum = try await db.read { try await $0.query("SELECT count(*), sum(c79) FROM wide") }
                #expect(sum[0].values == [.int(1000), .double(Double((0..<1000).reduce(0) { $0 + $1 * 100 + 79 }))])
            }
        }

        @Test func aWriteThatSwallowsAFailedStatementIsStillRolledBack() async throws {
            try await TestDatabases.withPostgres { db, _ in
                let message = await databaseErrorMessage {
                    try await db.write { sql in
                        try await sql.execute(insertWorkspace, "w", "n", 0)
                        _ = try? await sql.execute("INSERT INTO workspaces (id) VALUES ('w')")
                    }
                }
                #expect(message.contains("rolled back"))
                let count = try await db.read { try await $0.query("SELECT count(*) FROM workspaces") }
                #expect(try count[0].int(0) == 0)
            }
        }

        @Test func aReadSeesCommittedDataAndCannotWrite() async throws {
            try await TestDatabases.withPostgres { db, _ in
                _ = try await db.write { try await $0.execute(insertWorkspace, "w", "品牌", 42) }
                let rows = try await db.read { try await $0.query("SELECT name, created_at FROM workspaces WHERE id = ?", "w") }
                #expect(rows.map(\.values) == [[.text("品牌"), .int(42)]])
                let message = await databaseErrorMessage {
                    try await db.read { try await $0.execute("DELETE FROM workspaces") }
                }
                #expect(message.contains("SQLSTATE 25006"))
            }
        }

        @Test func serverErrorsNameTheSQLStateButNeverTheValues() async throws {
            try await TestDatabases.withPostgres { db, _ in
                let missing = await databaseErrorMessage {
                    try await db.read { try await $0.query("SELECT * FROM no_such_table") }
                }
                #expect(missing.contains("SQLSTATE 42P01"))
                #expect(missing.contains("no_such_table"))

                let badInput = await databaseErrorMessage {
                    try await db.read { try await $0.query("SELECT CAST(? AS bigint)", "13800138000-secret") }
                }
                #expect(badInput.contains("SQLSTATE 22P02"))
                #expect(!badInput.contains("13800138000"))

                let duplicate = await databaseErrorMessage {
                    try await db.write { sql in
                        for _ in 0..<2 {
                            try await sql.execute(insertWorkspace, "key-secret", "n", 0)
                        }
                    }
                }
                #expect(duplicate.contains("SQLSTATE 23505"))
                #expect(!duplicate.contains("key-secret"))

                let arity = await databaseErrorMessage {
                    try await db.read { try await $0.query("SELECT ?", .int(1), .int(2)) }
                }
                #expect(arity.contains("takes 1 values but was given 2"))
            }
        }
    }
}
