import ArgumentParser
import Foundation
import Logging
import PondCore
import PondEngine
import PondServer
import PondStore

/// `pond broadcast bench`: one broadcast to a generated segment of (by default) a million customers, into the
/// sandbox channel — how fast slices are read, rendered and decided by the dispatcher, and how fast the hand-overs
/// that follow drain. The customers are written straight into the tables: a name trait, a marketing answer on the
/// sandbox channel for `--consent` percent of them (the rest are suppressed as `no_consent`), and membership of one
/// static segment.
struct BroadcastBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "A broadcast to a generated segment into the sandbox channel, timed.")

    @Option(help: "sqlite:PATH (the file is replaced) or postgres://… (a fresh database is expected).")
    var database: String = "sqlite:/tmp/pond-broadcast.sqlite"
    @Option(help: "Customers in the segment.") var profiles: Int = 1_000_000
    @Option(help: "Percent of them with a marketing grant on the sandbox channel.") var consent: Int = 80
    @Option(help: "Customers per slice (1 to 1000).") var sliceSize: Int = DispatchService.maximumTicketsPerCall

    static let workspaceID = "ws_broadcast_bench"

    func validate() throws {
        guard profiles >= 1, (0...100).contains(consent) else { throw ValidationError("--profiles ≥ 1, --consent 0…100") }
        guard (1...DispatchService.maximumTicketsPerCall).contains(sliceSize) else {
            throw ValidationError("--slice-size must be 1 to \(DispatchService.maximumTicketsPerCall)")
        }
    }

    func run() async throws {
        var configured = Logger(label: "pond-bench")
        configured.logLevel = .warning
        let logger = configured
        if database.hasPrefix("sqlite:") {
            let path = String(database.dropFirst("sqlite:".count))
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let (profiles, consent, sliceSize) = (self.profiles, self.consent, self.sliceSize)
        // Monday noon in Shanghai: no quiet hours in the way.
        let clock = FixedClock(now: ISO8601.parse("2026-03-02T12:00:00+08:00")!)
        try await DatabaseURL.withStore(database, durability: .normal, logger: logger) { store in
            var started = ContinuousClock.now
            try await Self.seed(store, profiles: profiles, consent: consent, now: clock.now())
            print("seeded \(profiles) customers in \(Self.seconds(ContinuousClock.now - started))")

            let runtime = PondRuntime(store: store, clock: clock, sweepOnStart: false, logger: logger)
            _ = try await runtime.services.templates.save(
                workspaceID: Self.workspaceID, id: "bench",
                definition: ["name": "会员日", "category": "marketing", "bodies": ["sandbox": ["text": "{{name|亲爱的会员}}，会员日全场 8 折，退订 {{links.unsubscribe}}"]]],
                replacing: nil)
            let broadcast = try await runtime.services.broadcasts.create(
                workspaceID: Self.workspaceID,
                .init(id: "bench", name: "bench", segmentID: "all", templateID: "bench", channel: "sandbox", createdBy: "bench"))
            started = ContinuousClock.now
            let runner = BroadcastRunner(runtime: runtime, sliceSize: sliceSize, owner: "bench")
            let every = max(1, profiles / sliceSize / 20)
            let sliced = try await runner.run(workspaceID: Self.workspaceID, id: broadcast.id, deliver: false) { current in
                if current.progress.slices % every == 0 || !current.status.isActive {
                    print(BroadcastRunner.progressLine(current) + " (\(Self.seconds(ContinuousClock.now - started)))")
                }
            }
            let slicing = ContinuousClock.now - started
            started = ContinuousClock.now
            await runtime.jobs.runDue()
            let delivering = ContinuousClock.now - started
            let report = try await runtime.services.broadcasts.report(workspaceID: Self.workspaceID, sliced.broadcast)
            print(BroadcastRunner.describe(sliced.broadcast, report))
            print(
                "slices: \(Self.seconds(slicing)) (\(Self.rate(profiles, slicing)) customers/s read, rendered and decided)")
            print(
                "hand-overs: \(Self.seconds(delivering)) (\(Self.rate(report.byStatus[.delivered] ?? 0, delivering)) messages/s into the sandbox)")
        }
    }

    /// Customers `1…profiles`, each a cluster of one with a `name` trait, `consent` percent with a marketing grant
    /// on the sandbox channel, all in the static segment `all`.
    static func seed(_ store: Store, profiles: Int, consent: Int, now: Instant) async throws {
        try await store.createWorkspace(Workspace(id: workspaceID, name: "broadcast bench", createdAt: now))
        try await store.saveSegment(
            SegmentDefinition(id: "all", name: "all", kind: .static, rule: nil, createdAt: now, updatedAt: now),
            workspaceID: workspaceID)
        var rng = SplitMix64(seed: 20261203)
        let ws = SQLValue.text(workspaceID)
        let at = SQLValue.int(now.adding(days: -30).millisecondsSinceEpoch)
        for start in stride(from: 1, through: profiles, by: 20_000) {
            var profileRows: [[SQLValue]] = []
            var traitRows: [[SQLValue]] = []
            var consentRows: [[SQLValue]] = []
            var memberRows: [[SQLValue]] = []
            for id in start..<min(start + 20_000, profiles + 1) {
                let profile = SQLValue.int(Int64(id))
                profileRows.append([profile, ws, profile, at, at, at])
                if !rng.chance(10) { traitRows.append([ws, profile, .text("\"会员\(id)\""), at]) }
                if rng.int(100) < consent { consentRows.append([ws, profile, profile, at]) }
                memberRows.append([ws, profile, at])
            }
            let (p, t, c, m) = (profileRows, traitRows, consentRows, memberRows)
            try await store.database.write { db in
                try await db.executeMany(
                    "INSERT INTO profiles (id, workspace_id, canonical_id, created_at, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)", p)
                try await db.executeMany(
                    "INSERT INTO profile_traits (workspace_id, profile_id, key, value, ts) VALUES (?, ?, 'name', ?, ?)", t)
                try await db.executeMany(
                    """
                    INSERT INTO consent_states (workspace_id, profile_id, purpose, channel, entry_id, action, at, notice_version,
                        source, evidence)
                    VALUES (?, ?, 'marketing', 'sandbox', ?, 'grant', ?, 'privacy-2026-01', 'bench', NULL)
                    """, c)
                try await db.executeMany(
                    "INSERT INTO segment_members (workspace_id, segment_id, profile_id, since) VALUES (?, 'all', ?, ?)", m)
            }
        }
        try await store.database.write { db in
            if db.dialect == .postgres {
                try await db.execute("SELECT setval(pg_get_serial_sequence('profiles', 'id'), (SELECT MAX(id) FROM profiles))")
            }
            try await db.execute("ANALYZE")
        }
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    static func rate(_ count: Int, _ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds > 0 ? String(format: "%.0f", Double(count) / seconds) : "∞"
    }
}
