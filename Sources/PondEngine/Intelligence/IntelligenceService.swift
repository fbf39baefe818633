import Logging
import PondCore
import PondStore
import ServiceLifecycle

/// Keeps tags, RFM layers, lifecycle stages and segment memberships current.
///
/// Two paths, as operators need both: in real time, every profile stitching (or a manual tag) touched is
/// re-evaluated within milliseconds from the durable `profile_work` queue; on a schedule, the time-driven parts are
/// recomputed in full — RFM quantiles over the whole population, dormancy and churn as days pass, auto-tag rules and
/// segments whose conditions depend on "now" (`in the last 90 days`, birthdays).
public final class IntelligenceService: Service, Sendable {
    public let store: Store
    private let clock: any Clock
    private let refresher: ProfileRefresher
    private let sweepInterval: Duration
    private let batchSize: Int
    private let sweepOnStart: Bool
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(
        store: Store, clock: any Clock = SystemClock(), sweepInterval: Duration = .seconds(3600), sweepOnStart: Bool = true,
        batchSize: Int = 100, logger: Logger
    ) {
        self.sweepOnStart = sweepOnStart
        self.store = store
        self.clock = clock
        refresher = ProfileRefresher(store: store, clock: clock)
        self.sweepInterval = sweepInterval
        self.batchSize = batchSize
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        store.profileWorkQueued.subscribe { [wake] in wake.yield() }
    }

    /// Asks for the queue to be drained soon; cheap, and repeated calls coalesce.
    public func notify() { wake.yield() }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [self] in
                    if sweepOnStart { await sweepAll() }
                    while (try? await Task.sleep(for: sweepInterval)) != nil { await sweepAll() }
                }
                group.addTask { [wake] in
                    while (try? await Task.sleep(for: .seconds(1))) != nil { wake.yield() }
                }
                for await _ in wakeups { await drain() }
                group.cancelAll()
            }
        } onGracefulShutdown: { [wake] in
            wake.finish()
        }
    }

    /// Re-evaluates queued profiles until the queue is empty, or the service is shutting down (each batch is one
    /// transaction; the rest stays queued). Returns the segment enters and exits recorded. Errors are logged; the
    /// entries stay queued for the next attempt.
    @discardableResult
    public func drain() async -> Int {
        var changes = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let queued = try await store.queuedProfiles(limit: batchSize)
                if queued.isEmpty { return changes }
                changes += try await refresher.refresh(queued)
            } catch {
                logger.error("profile re-evaluation failed; will retry", metadata: ["error": "\(error)"])
                return changes
            }
        }
        return changes
    }

    private func sweepAll() async {
        do {
            for workspace in try await store.workspaces() where !Task.isShuttingDownGracefully && !Task.isCancelled {
                _ = try await runScheduled(workspaceID: workspace.id)
            }
        } catch {
            logger.error("scheduled re-evaluation failed; will retry", metadata: ["error": "\(error)"])
        }
    }

    public struct ScheduledRun: Sendable {
        public var scoredProfiles = 0
        public var layerChanges = 0
        public var stageChanges = 0
        public var tagChanges = 0
        public var segmentChanges = 0
        public var backfilled = 0
    }

    /// Everything time-driven for one workspace, in dependency order: RFM, lifecycle, auto-tag rules, segments.
    public func runScheduled(workspaceID: String) async throws -> ScheduledRun {
        var report = ScheduledRun()
        let rfm = try await runRFM(workspaceID: workspaceID)
        report.scoredProfiles = rfm.scored
        report.layerChanges = rfm.layerChanges
        let lifecycle = try await runLifecycle(workspaceID: workspaceID)
        report.stageChanges = lifecycle.stageChanges
        report.backfilled = lifecycle.backfilled
        report.tagChanges = try await sweepTagRules(workspaceID: workspaceID)
        await drain()
        report.segmentChanges = try await evaluateSegments(workspaceID: workspaceID)
        return report
    }

    /// A full RFM run: ranks every buyer in the window and stores scores, layer changes and the new cut points.
    /// `moved` lists the profiles whose score or layer changed (new and dropped ones included).
    public func runRFM(workspaceID: String) async throws -> (scored: Int, layerChanges: Int, moved: [Int64]) {
        let models = try await WorkspaceModels.load(store, workspaceID: workspaceID)
        let now = clock.now()
        let configuration = models.rfm.configuration
        // The stored scores are read while the orders are: they only decide what to rewrite.
        async let existing = store.rfmScores(workspaceID: workspaceID)
        let summaries = try await store.orderSummaries(workspaceID: workspaceID, configuration: configuration, now: now)
        let run = models.rfm.run(summaries, now: now)
        let changes = try await store.applyRFMRun(
            workspaceID: workspaceID, run: run, existing: try await existing, configuration: configuration)
        return (run.scored.count, changes.layerChanges, changes.moved)
    }

    /// Re-derives the dormancy window from the brand's repurchase rhythm and moves every profile along as time
    /// passes (dormant, churned, out of won back), refreshing churn risk. Profiles never evaluated are queued first.
    public func runLifecycle(workspaceID: String) async throws -> (stageChanges: Int, backfilled: Int) {
        let now = clock.now()
        let current = try await store.model(
            .lifecycle, workspaceID: workspaceID, default: LifecycleConfiguration(), state: LifecycleState.self)
        var backfilled = 0
        if current.state == nil {
            backfilled = try await store.queueAllProfiles(workspaceID: workspaceID, at: now)
            await drain()
        }
        let stages = try await store.profileStages(workspaceID: workspaceID)
        // A buyer's usual interval is their mean gap between orders; the brand's rhythm is the median of those.
        let intervals = stages.compactMap { stage -> Double? in
            let inputs = stage.inputs
            guard inputs.orderCount >= 2, let first = inputs.firstOrderAt, let last = inputs.lastOrderAt else { return nil }
            return Double(last.millisecondsSinceEpoch - first.millisecondsSinceEpoch) / 86_400_000
                / Double(inputs.orderCount - 1)
        }
        let median = RepurchaseInterval.median(intervals)
        let state = LifecycleState(
            dormantAfterDays: current.config.dormancy.dormantAfterDays(medianIntervalDays: median),
            medianRepurchaseDays: median, computedAt: now)
        try await store.saveLifecycleState(workspaceID: workspaceID, configuration: current.config, state: state)

        let models = try await WorkspaceModels.load(store, workspaceID: workspaceID)
        var changed: [StoredStage] = []
        var previous: [Int64: LifecycleStage] = [:]
        for stored in stages {
            let next = models.stage(profileID: stored.profileID, inputs: stored.inputs, previous: stored, now: now)
            let riskMoved = abs((next.churnRisk ?? -1) - (stored.churnRisk ?? -1)) >= 0.005
            guard next.stage != stored.stage || riskMoved else { continue }
            changed.append(next)
            previous[stored.profileID] = stored.stage
        }
        for chunk in stride(from: 0, to: changed.count, by: 5000) {
            try await store.saveStages(
                workspaceID: workspaceID, Array(changed[chunk..<min(chunk + 5000, changed.count)]), previous: previous,
                at: now)
        }
        let moved = changed.filter { previous[$0.profileID] != $0.stage }.map(\.profileID)
        try await store.queueProfiles(workspaceID: workspaceID, moved, at: now)
        return (moved.count, backfilled)
    }

    /// Applies every enabled auto-tag rule to the whole workspace (catching "no purchase in 90 days" as days pass)
    /// and queues the profiles whose tags changed. Returns the number of tag changes.
    public func sweepTagRules(workspaceID: String) async throws -> Int {
        let models = try await WorkspaceModels.load(store, workspaceID: workspaceID)
        let now = clock.now()
        var refreshes: [Int64: ProfileRefresh] = [:]
        func refresh(_ id: Int64) -> ProfileRefresh {
            refreshes[id] ?? ProfileRefresh(profileID: id, reason: "scheduled auto-tag sweep")
        }
        var count = 0
        for rule in models.tagRules {
            let matching = try await store.matchingProfiles(rule.rule, models: models, now: now)
            let holders = try await store.tagHolders(workspaceID: workspaceID, tag: rule.tag)
            // Only matching profiles and holders can be decided anything but `keep`.
            for id in matching.union(holders.keys) {
                let decision = TagRulePolicy.decide(rule, holds: matching.contains(id), current: holders[id])
                guard decision != .keep else { continue }
                var r = refresh(id)
                r.record(decision, rule)
                refreshes[id] = r
                count += 1
            }
        }
        let batch = Array(refreshes.values)
        for chunk in stride(from: 0, to: batch.count, by: 1000) {
            try await store.applyProfileRefreshes(
                workspaceID: workspaceID, Array(batch[chunk..<min(chunk + 1000, batch.count)]), dequeue: [], at: now)
        }
        try await store.queueProfiles(workspaceID: workspaceID, refreshes.keys, at: now)
        return count
    }

    /// Recomputes every dynamic segment in full, in dependency order. Returns the enters and exits recorded.
    public func evaluateSegments(workspaceID: String) async throws -> Int {
        let models = try await WorkspaceModels.load(store, workspaceID: workspaceID)
        var changes = 0
        for (id, rule) in models.segments {
            let result = try await evaluate(id, rule, models, reason: "scheduled re-evaluation")
            changes += result.entered + result.exited
        }
        return changes
    }

    /// Recomputes one dynamic segment in full (after it is created or its rule changes).
    public func evaluateSegment(workspaceID: String, id: String, reason: String) async throws -> (entered: Int, exited: Int) {
        let models = try await WorkspaceModels.load(store, workspaceID: workspaceID)
        guard let rule = models.segments.first(where: { $0.id == id })?.rule else { return (0, 0) }
        return try await evaluate(id, rule, models, reason: reason)
    }

    /// The members a rule would have now, without saving anything: for previews.
    public func preview(workspaceID: String, rule: SegmentRule) async throws -> Set<Int64> {
        let models = try await WorkspaceModels.load(store, workspaceID: workspaceID)
        return try await store.matchingProfiles(rule, models: models, now: clock.now())
    }

    private func evaluate(_ id: String, _ rule: SegmentRule, _ models: WorkspaceModels, reason: String) async throws -> (
        entered: Int, exited: Int
    ) {
        let now = clock.now()
        let members = try await store.matchingProfiles(rule, models: models, now: now)
        return try await store.replaceSegmentMembers(
            workspaceID: models.workspaceID, segmentID: id, members: members, at: now, reason: reason)
    }
}
