import Foundation
import Logging
import PondCore
import PondStore

/// Takes runs' next steps when their jobs are due, a batch at a time: loads the batch's runs and what their journeys
/// read of the profiles in a few set queries, asks `JourneyStep` what happens at each node until each run waits or
/// leaves, carries out the actions on the way — every message of the batch in a few dispatcher calls — and writes
/// every run's position, arms, next timer, tags and traits with the jobs' completions in one transaction
/// (`Store.finishJourneySteps`).
///
/// Actions are idempotent by run, step and node: a message's idempotency key is `journey:<run>:<step>:<node>`, so a
/// step run again after a crash (its position not yet written) hands the dispatcher the same keys and nothing is sent
/// twice; tags and traits are written with the position, so they are there exactly when the step is.
///
/// A batch takes at most one step per profile; a profile's other due steps are put off to the next batch.
///
/// A run whose step cannot be taken (its journey version unreadable, an action this server cannot carry out, a tag
/// deleted since the journey was saved) fails alone and is retried with backoff; the rest of the batch commits.
public struct JourneyStepJob: BatchJobHandler {
    public let kind = Store.stepJobKind
    public let batchSize: Int
    let journeys: JourneyService
    let dispatch: DispatchService
    let logger: Logger

    /// More nodes than this without a wait in one step means a definition the validator should have refused.
    static let maximumNodesPerStep = 500

    /// `batchSize` 1 takes one step per transaction, as the runner did before batches (the differential test's
    /// reference); `pond bench dispatch` measured 500 and 1,000 alike on SQLite.
    /// Steps one transaction takes, unless told otherwise (`BENCHMARKS.md`: 500 and 1,000 measure alike).
    public static let defaultBatchSize = 500

    public init(journeys: JourneyService, dispatch: DispatchService, batchSize: Int = defaultBatchSize, logger: Logger) {
        self.journeys = journeys
        self.dispatch = dispatch
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    var store: Store { journeys.definitions.store }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        try await runBatch([job])[0].get()
    }

    public func runBatch(_ jobs: [ClaimedJob]) async -> [Result<JobOutcome, any Error>] {
        var results = [Result<JobOutcome, any Error>](repeating: .success(.completed), count: jobs.count)
        let byWorkspace = Dictionary(grouping: jobs.indices, by: { jobs[$0].job.workspaceID })
        for (workspaceID, indices) in byWorkspace.sorted(by: { $0.key < $1.key }) {
            let answered = await steps(workspaceID, indices.map { jobs[$0] })
            for (index, result) in zip(indices, answered) { results[index] = result }
        }
        return results
    }

    /// One step of a run, from its loading to its write.
    struct Step {
        var job: ClaimedJob
        var run: JourneyRun
        var definition: JourneyDefinition
        var update: JourneyRunUpdate?
        var effects = JourneyStepEffects()
    }

    /// The steps of one workspace's jobs. A store failure shared by the batch (a read, the dispatcher's transaction)
    /// fails the jobs it concerns, to be retried like any failure.
    private func steps(_ workspaceID: String, _ jobs: [ClaimedJob]) async -> [Result<JobOutcome, any Error>] {
        var results = [Result<JobOutcome, any Error>?](repeating: nil, count: jobs.count)
        var writes: [Int: JourneyStepWrite] = [:]
        do {
            let now = journeys.definitions.clock.now()
            var steps = try await load(workspaceID, jobs, writes: &writes, results: &results)
            try await decide(workspaceID, &steps, now: now, writes: &writes, results: &results)
            try await checkTagsAndProfiles(workspaceID, &steps, results: &results)
            await deliver(workspaceID, steps.filter { results[$0.key] == nil }, results: &results)
            for (index, step) in steps where results[index] == nil {
                writes[index] = JourneyStepWrite(
                    job: step.job, run: step.run, update: step.update, tags: step.effects.tags, traits: step.effects.traits)
            }
            try await write(workspaceID, writes.filter { results[$0.key] == nil }, now: now, results: &results)
        } catch {
            for index in results.indices where results[index] == nil { results[index] = .failure(error) }
        }
        return results.map { $0 ?? .success(.completed) }
    }

    /// The batch's runs in one query and their journeys from the cache. A job whose run is gone, finished or moved on
    /// to another step (a stale timer) only completes.
    private func load(
        _ workspaceID: String, _ jobs: [ClaimedJob], writes: inout [Int: JourneyStepWrite],
        results: inout [Result<JobOutcome, any Error>?]
    ) async throws -> [Int: Step] {
        let targets: [(run: Int64, step: Int)?] = jobs.map { job in
            guard case .int(let run)? = job.job.payload["run"], case .int(let step)? = job.job.payload["step"] else { return nil }
            return (run, Int(step))
        }
        let runs = try await store.journeyRuns(workspaceID: workspaceID, ids: targets.compactMap { $0?.run })
        var steps: [Int: Step] = [:]
        var profiles = Set<Int64>()
        for (index, job) in jobs.enumerated() {
            guard let target = targets[index], let run = runs[target.run], run.step == target.step, run.status != .exited else {
                writes[index] = JourneyStepWrite(job: job, run: nil, update: nil)
                continue
            }
            // A profile's second run in the batch waits for the next one, so that it sees what the first did to the
            // profile (tags, traits) as it would one step at a time.
            guard profiles.insert(run.profileID).inserted else {
                results[index] = .success(.later(journeys.definitions.clock.now()))
                continue
            }
            do {
                let definition = try await journeys.parsed.definition(workspaceID, run.journeyID, version: run.version)
                steps[index] = Step(job: job, run: run, definition: definition)
            } catch {
                results[index] = .failure(error)
            }
        }
        return steps
    }

    /// Reads what the journeys look at — profile facts (traits, events, tags, scores) only for journeys with a
    /// condition, a goal, an exit rule, a date-trait or local-time delay or a message; memberships only for rules
    /// naming a segment; the entering event only for messages — then walks each run and performs its actions.
    private func decide(
        _ workspaceID: String, _ steps: inout [Int: Step], now: Instant, writes: inout [Int: JourneyStepWrite],
        results: inout [Result<JobOutcome, any Error>?]
    ) async throws {
        let values = Array(steps.values)
        let facts = try await store.profileFacts(
            workspaceID: workspaceID, roots: values.filter { Self.readsProfile($0.definition) }.map(\.run.profileID))
        let segments = try await store.memberships(
            workspaceID: workspaceID, profileIDs: values.filter { Self.readsSegments($0.definition) }.map(\.run.profileID))
        let events = try await store.eventProperties(
            workspaceID: workspaceID, seqs: values.filter { Self.sendsMessages($0.definition) }.compactMap(\.run.triggerSeq))
        let workspaceOffset =
            try await store.workspace(id: workspaceID)?.settings.utcOffsetSeconds ?? WorkspaceSettings.defaultUTCOffsetSeconds

        for index in steps.keys.sorted() {
            var step = steps[index]!
            let run = step.run
            var profile = ProfileFacts()
            if Self.readsProfile(step.definition) {
                guard let loaded = facts[run.profileID] else {
                    let update = JourneyRunUpdate(node: run.node, status: .exited, exitReason: "profile_gone")
                    writes[index] = JourneyStepWrite(job: step.job, run: run, update: update)
                    steps[index] = nil
                    continue
                }
                profile = loaded
            }
            let memberships = segments[run.profileID] ?? []
            let context = JourneyStepContext(
                now: now, utcOffsetSeconds: ProfileUTCOffset.seconds(from: profile.traits) ?? workspaceOffset, facts: profile,
                membership: { memberships.contains($0) }, runSeed: Self.seed(run.id), enteredAt: run.enteredAt)
            let walk = Self.walk(step.definition, run: run, context: context)
            step.update = walk.update
            do {
                for (action, node) in walk.actions {
                    try await perform(
                        action, workspaceID: workspaceID, run: run, node: node, traits: profile.traits,
                        event: run.triggerSeq.flatMap { events[$0] }, now: now, into: &step.effects)
                }
                steps[index] = step
            } catch {
                results[index] = .failure(error)
                steps[index] = nil
            }
        }
    }

    /// Where a run goes from where it stands, and the actions on the way, in order: `JourneyStep.next` at each node
    /// until the run waits or leaves. Pure.
    static func walk(_ definition: JourneyDefinition, run: JourneyRun, context: JourneyStepContext)
        -> (update: JourneyRunUpdate, actions: [(action: JourneyAction, node: String)])
    {
        var node = run.node
        // A waiting run whose timer fired: a delay's run already stands at the node after it; a wait-for-event
        // run stands at its wait node and takes the timeout edge.
        if run.status == .waiting, run.waitEvent != nil, case .waitForEvent(let wait)? = definition.node(node)?.kind,
            let timeout = wait.onTimeout
        {
            node = timeout
        }
        var arms: [(node: String, arm: String)] = []
        var actions: [(action: JourneyAction, node: String)] = []
        for _ in 0..<maximumNodesPerStep {
            switch JourneyStep.next(definition, at: node, context: context) {
            case .go(let to, let arm):
                if let arm { arms.append((node, arm)) }
                node = to
            case .perform(let action, let then):
                actions.append((action, node))
                node = then
            case .wait(let until, let then):
                return (JourneyRunUpdate(node: then, status: .waiting, dueAt: until, arms: arms), actions)
            case .waitForEvent(let name, _, let timeoutAt, _, _):
                return (JourneyRunUpdate(node: node, status: .waiting, dueAt: timeoutAt, waitEvent: name, arms: arms), actions)
            case .exit(let exit):
                return (exitUpdate(exit, node: node, arms: arms), actions)
            }
        }
        return (exitUpdate(.brokenGraph(node: node), node: node, arms: arms), actions)
    }

    /// Writes the batch in one transaction. Should that transaction fail, each step is written alone, so that a step
    /// whose own data the database refuses fails by itself.
    private func write(
        _ workspaceID: String, _ writes: [Int: JourneyStepWrite], now: Instant, results: inout [Result<JobOutcome, any Error>?]
    ) async throws {
        guard !writes.isEmpty else { return }
        let ordered = writes.sorted { $0.key < $1.key }
        var lost: Set<Int64>
        do {
            lost = try await store.finishJourneySteps(workspaceID: workspaceID, ordered.map(\.value), at: now)
        } catch where ordered.count > 1 {
            lost = []
            for (index, write) in ordered {
                do {
                    lost.formUnion(try await store.finishJourneySteps(workspaceID: workspaceID, [write], at: now))
                } catch {
                    results[index] = .failure(error)
                }
            }
        }
        for (index, write) in ordered where results[index] == nil {
            results[index] = lost.contains(write.job.id) ? .failure(JobLeaseLost(jobID: write.job.id)) : .success(.completed)
        }
    }

    static func exitUpdate(_ exit: JourneyExit, node: String, arms: [(node: String, arm: String)]) -> JourneyRunUpdate {
        switch exit {
        case .completed: return JourneyRunUpdate(node: node, status: .exited, exitReason: "completed", arms: arms)
        case .converted(let after):
            return JourneyRunUpdate(node: node, status: .exited, exitReason: "converted", convertedAfterMilliseconds: after, arms: arms)
        case .exitCondition: return JourneyRunUpdate(node: node, status: .exited, exitReason: "exit_condition", arms: arms)
        case .noDate: return JourneyRunUpdate(node: node, status: .exited, exitReason: "no_date", arms: arms)
        case .brokenGraph: return JourneyRunUpdate(node: node, status: .exited, exitReason: "broken_graph", arms: arms)
        }
    }

    /// Whether any step of the journey reads the profile: rules, date traits, message variables, the profile's own
    /// time zone for a local-time delay.
    static func readsProfile(_ definition: JourneyDefinition) -> Bool {
        if definition.goal != nil || definition.exitWhen != nil { return true }
        return definition.nodes.contains { node in
            switch node.kind {
            case .condition, .delay(.untilDateTrait, _), .delay(.untilTimeOfDay, _): return true
            case .action(let action, _): return action.type == SendMessageAction.type
            case .delay(.duration, _), .waitForEvent, .split, .exit: return false
            }
        }
    }

    /// Whether a rule of the journey names a segment (`in segment`), so memberships must be read.
    static func readsSegments(_ definition: JourneyDefinition) -> Bool {
        var rules: [SegmentRule] = [definition.goal?.rule, definition.exitWhen].compactMap { $0 }
        for node in definition.nodes {
            if case .condition(let rule, _, _) = node.kind { rules.append(rule) }
        }
        return rules.contains { !$0.referencedSegments.isEmpty }
    }

    /// Whether the journey sends messages, whose `{{event.*}}` variables read the event that entered the run.
    static func sendsMessages(_ definition: JourneyDefinition) -> Bool {
        definition.nodes.contains { node in
            if case .action(let action, _) = node.kind { return action.type == SendMessageAction.type }
            return false
        }
    }

    /// A number fixed per run for its splits (SplitMix64's finaliser over the id).
    static func seed(_ runID: Int64) -> UInt64 {
        var random = SplitMix64(seed: UInt64(bitPattern: runID))
        return random.next()
    }
}
