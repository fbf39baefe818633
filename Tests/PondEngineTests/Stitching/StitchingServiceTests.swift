import Logging
import PondCore
import PondStore
import PondTestSupport
import Testing

@testable import PondEngine

@Suite("Stitching service")
struct StitchingServiceTests {
    /// Makes the database refuse one identity value, as PostgreSQL refuses text it cannot store: a real failure of
    /// the statement that writes it, every time, and of nothing else.
    static func poison(_ store: Store, value: String) async throws {
        try await store.database.write { db in
            switch db.dialect {
            case .sqlite:
                try await db.execute(
                    """
                    CREATE TRIGGER poison BEFORE INSERT ON identities WHEN NEW.value = '\(value)'
                    BEGIN SELECT RAISE(ABORT, 'value cannot be stored'); END
                    """)
            case .postgres:
                try await db.execute(
                    """
                    CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                        IF NEW.value = '\(value)' THEN RAISE EXCEPTION 'value cannot be stored' USING ERRCODE = '22021'; END IF;
                        RETURN NEW; END $$
                    """)
                try await db.execute("CREATE TRIGGER poison BEFORE INSERT ON identities FOR EACH ROW EXECUTE FUNCTION poison()")
            }
        }
    }

    static func cure(_ store: Store) async throws {
        try await store.database.write { db in try await db.execute("DROP TRIGGER poison\(db.dialect == .postgres ? " ON identities" : "")") }
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    @Test("an event whose data fails every pass is set aside; every other event of every workspace is stitched",
          arguments: TestBackend.available)
    func poisonEventIsSetAside(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let clock = ManualClock()
            for id in ["a", "b"] { try await store.createWorkspace(Workspace(id: id, name: id, createdAt: clock.now())) }
            var a = EventFactory(clock: clock, workspaceID: "a")
            var b = EventFactory(clock: clock, workspaceID: "b")
            var batch: [IncomingEvent] = []
            for index in 0..<30 {
                let email: JSONValue = index == 13 ? "poison@x.com" : .string("a\(index)@x.com")
                batch.append(try a.make(["type": "identify", "userId": .string("a\(index)"), "traits": ["email": email]]))
                if index.isMultiple(of: 2) { batch.append(try b.make(["type": "identify", "userId": .string("b\(index)")])) }
            }
            try await store.append(batch)
            try await Self.poison(store, value: "poison@x.com")
            let service = StitchingService(store: store, batchSize: 8, clock: clock, logger: Self.quietLogger)

            #expect(await service.drain() == 44)
            #expect(try await store.pendingEventCount() == 0)
            let failures = try await store.stitchFailures(workspaceID: "a", limit: 10)
            #expect(failures.count == 1)
            #expect(failures.first?.error.contains("value cannot be stored") == true)
            #expect(try await store.stitchFailures(workspaceID: "b", limit: 10).isEmpty)
            for index in 0..<30 {
                let profile = try await store.profileID(
                    workspaceID: "a", identity: IdentityRules.make(type: "user_id", value: "a\(index)"))
                #expect((profile == nil) == (index == 13), "a\(index)")
            }
            for index in stride(from: 0, to: 30, by: 2) {
                #expect(try await store.profileID(workspaceID: "b", identity: IdentityRules.make(type: "user_id", value: "b\(index)")) != nil)
            }
            #expect(await service.status().stalled == false)

            // Fixed, retried: stitched like any other event.
            try await Self.cure(store)
            #expect(try await store.retryStitchFailures(workspaceID: "b") == 0)
            #expect(try await store.retryStitchFailures(workspaceID: "a") == 1)
            #expect(await service.drain() == 1)
            #expect(try await store.stitchFailures(workspaceID: "a", limit: 10).isEmpty)
            #expect(try await store.profileID(workspaceID: "a", identity: IdentityRules.make(type: "user_id", value: "a13")) != nil)
            #expect(try await store.profileID(workspaceID: "a", identity: IdentityRules.make(type: "email", value: "poison@x.com")) != nil)
        }
    }

    @Test("several poison events in one pass are each found and set aside", arguments: TestBackend.available)
    func severalPoisonEvents(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let clock = ManualClock()
            try await store.createWorkspace(Workspace(id: "a", name: "a", createdAt: clock.now()))
            var a = EventFactory(clock: clock, workspaceID: "a")
            let poisoned: Set<Int> = [0, 7, 8, 19]
            var batch: [IncomingEvent] = []
            for index in 0..<20 {
                let email: JSONValue = poisoned.contains(index) ? "poison@x.com" : .string("a\(index)@x.com")
                batch.append(try a.make(["type": "identify", "userId": .string("a\(index)"), "traits": ["email": email]]))
            }
            try await store.append(batch)
            try await Self.poison(store, value: "poison@x.com")
            let service = StitchingService(store: store, clock: clock, logger: Self.quietLogger)
            #expect(await service.drain() == 16)
            #expect(try await store.stitchFailures(workspaceID: "a", limit: 10).count == 4)
            #expect(try await store.stitchFailureCount() == 4)
            #expect(try await store.pendingEventCount() == 0)
        }
    }

    @Test("failures of the moment mark the stitcher stalled only once they have lasted, and a success clears them")
    func stallNeedsTime() async {
        let health = HealthRecord()
        let start = Instant(millisecondsSinceEpoch: 1_000_000)
        #expect(await health.status(now: start, stallAfter: .seconds(30)).stalled == false)
        await health.failed("no connection", at: start)
        await health.failed("no connection again", at: start.adding(milliseconds: 10_000))
        let early = await health.status(now: start.adding(milliseconds: 29_999), stallAfter: .seconds(30))
        #expect(early == StitchingStatus(stalled: false, lastError: "no connection again", failingSince: start))
        #expect(await health.status(now: start.adding(milliseconds: 30_000), stallAfter: .seconds(30)).stalled)
        await health.succeeded()
        #expect(await health.status(now: start.adding(milliseconds: 60_000), stallAfter: .seconds(30)).stalled == false)
    }

    @Test("deadlocks, lost connections and shutdowns are transient; constraint and data errors are not")
    func transientErrors() {
        #expect(StoreError.isTransient(StoreError.unavailable("deadlock")))
        #expect(StoreError.isTransient(CancellationError()))
        #expect(!StoreError.isTransient(StoreError.database("SQLSTATE 22021: invalid byte sequence")))
    }
}
