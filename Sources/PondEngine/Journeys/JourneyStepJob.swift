import Foundation
import Logging
import PondCore
import PondStore

/// Takes a run's next step when its job is due: loads the run and its profile, asks `JourneyStep` what happens at
/// each node until the run waits or leaves, carries out the actions on the way, and writes where the run stands with
/// the job's completion (`Store.finishJourneyStep`).
///
/// Actions are idempotent by run, step and node: a message's idempotency key is `journey:<run>:<step>:<node>`, so a
/// step run again after a crash (its position not yet written) hands the dispatcher the same keys and nothing is sent
/// twice; tags and traits converge.
public struct JourneyStepJob: JobHandler {
    public let kind = Store.stepJobKind
    let journeys: JourneyService
    let dispatch: DispatchService
    let tagging: TaggingService
    let logger: Logger

    /// More nodes than this without a wait in one step means a definition the validator should have refused.
    static let maximumNodesPerStep = 500

    public init(journeys: JourneyService, dispatch: DispatchService, tagging: TaggingService, logger: Logger) {
        self.journeys = journeys
        self.dispatch = dispatch
        self.tagging = tagging
        self.logger = logger
    }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        let workspaceID = job.job.workspaceID
        let store = journeys.definitions.store
        guard case .int(let runID)? = job.job.payload["run"], case .int(let step)? = job.job.payload["step"],
            let run = try await store.journeyRun(workspaceID: workspaceID, id: runID), run.step == Int(step),
            run.status != .exited
        else { return .done(next: []) }
        let definition = try await journeys.parsed.definition(workspaceID, run.journeyID, version: run.version)
        let now = journeys.definitions.clock.now()
        // A profile's facts (traits, events, tags, scores) are read only for a journey that looks at them: a
        // condition, a goal, an exit rule, a date-trait delay or a message's variables.
        let facts: ProfileFacts
        if Self.readsProfile(definition) {
            guard let loaded = try await store.profileFacts(workspaceID: workspaceID, profileID: run.profileID) else {
                try await store.finishJourneyStep(
                    job, run: run, JourneyRunUpdate(node: run.node, status: .exited, exitReason: "profile_gone"), at: now)
                return .completed
            }
            facts = loaded
        } else {
            facts = ProfileFacts()
        }
        let segments = Self.readsSegments(definition)
            ? Set(try await store.memberships(workspaceID: workspaceID, profileID: run.profileID).map(\.segmentID)) : []
        let workspaceOffset = try await store.workspace(id: workspaceID)?.settings.utcOffsetSeconds ?? WorkspaceSettings.defaultUTCOffsetSeconds
        let context = JourneyStepContext(
            now: now, utcOffsetSeconds: ProfileUTCOffset.seconds(from: facts.traits) ?? workspaceOffset, facts: facts,
            membership: { segments.contains($0) }, runSeed: Self.seed(run.id), enteredAt: run.enteredAt)
        var event: [String: JSONValue]?
        if let seq = run.triggerSeq { event = try await store.eventProperties(workspaceID: workspaceID, seq: seq) }

        var node = run.node
        // A waiting run whose timer fired: a delay's run already stands at the node after it; a wait-for-event
        // run stands at its wait node and takes the timeout edge.
        if run.status == .waiting, run.waitEvent != nil, case .waitForEvent(let wait)? = definition.node(node)?.kind,
            let timeout = wait.onTimeout
        {
            node = timeout
        }
        var arms: [(node: String, arm: String)] = []
        var update: JourneyRunUpdate?
        for _ in 0..<Self.maximumNodesPerStep {
            switch JourneyStep.next(definition, at: node, context: context) {
            case .go(let to, let arm):
                if let arm { arms.append((node, arm)) }
                node = to
            case .perform(let action, let then):
                try await perform(action, workspaceID: workspaceID, run: run, node: node, traits: facts.traits, event: event, now: now)
                node = then
            case .wait(let until, let then):
                update = JourneyRunUpdate(node: then, status: .waiting, dueAt: until, arms: arms)
            case .waitForEvent(let name, _, let timeoutAt, _, _):
                update = JourneyRunUpdate(node: node, status: .waiting, dueAt: timeoutAt, waitEvent: name, arms: arms)
            case .exit(let exit):
                update = Self.exitUpdate(exit, node: node, arms: arms)
            }
            if update != nil { break }
        }
        try await store.finishJourneyStep(
            job, run: run, update ?? Self.exitUpdate(.brokenGraph(node: node), node: node, arms: arms), at: now)
        return .completed
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

    /// A number fixed per run for its splits (SplitMix64's finaliser over the id).
    static func seed(_ runID: Int64) -> UInt64 {
        var random = SplitMix64(seed: UInt64(bitPattern: runID))
        return random.next()
    }

    private func perform(
        _ action: JourneyAction, workspaceID: String, run: JourneyRun, node: String, traits: [String: JSONValue],
        event: [String: JSONValue]?, now: Instant
    ) async throws {
        let reference = "\(JourneyService.origin(run.journeyID, version: run.version))/\(node)"
        if let send = SendMessageAction(action) {
            let rendered: (content: MessageContent, category: MessageCategory)
            do {
                rendered = try await journeys.messages.render(
                    workspaceID: workspaceID, templateID: send.template, channel: send.channel, profileID: run.profileID,
                    traits: traits, event: event)
            } catch let error as TemplateRenderError {
                // A message that cannot be written for this customer is not sent; the run goes on.
                logger.info("a journey message was not sent: a variable has no value", metadata: [
                    "journey": "\(run.journeyID)", "node": "\(node)", "missing": "\(error.missing)",
                ])
                return
            } catch let error as DefinitionError {
                // The template was deleted or lost the channel since the journey was saved: trying again cannot
                // help, so the run goes on without the message.
                logger.warning("a journey message was not sent: its template cannot be used", metadata: [
                    "journey": "\(run.journeyID)", "node": "\(node)", "error": "\(error)",
                ])
                return
            }
            let ticket = MessageTicket(
                key: "journey:\(run.id):\(run.step):\(node)", profileID: run.profileID, channel: send.channel,
                category: send.category(template: rendered.category), origin: "journey",
                originRef: JourneyService.origin(run.journeyID, version: run.version), content: rendered.content,
                createdAt: now, expiresAt: send.expiresAt(askedAt: now))
            _ = try await dispatch.send(workspaceID: workspaceID, [ticket])
        } else if let tag = TagAction(action) {
            let origin = TaggingService.Origin(.journey, reference: reference)
            if tag.adds {
                _ = try await tagging.tag(workspaceID: workspaceID, profileID: run.profileID, tags: [tag.tag], origin: origin)
            } else {
                _ = try await tagging.bulk(
                    workspaceID: workspaceID, adding: false, tags: [tag.tag], profileIDs: [run.profileID], identities: [],
                    origin: origin)
            }
        } else if let set = SetTraitAction(action) {
            try await journeys.definitions.store.setTraits(
                workspaceID: workspaceID, profileID: run.profileID, [set.key: set.value],
                messageID: "journey:\(run.id):\(run.step):\(node)", at: now)
        } else if let call = WebhookAction(action) {
            let key = "journey:\(run.id):\(run.step):\(node)"
            let document: JSONValue = [
                "journey": .string(run.journeyID), "version": .int(Int64(run.version)), "node": .string(node),
                "run": .int(run.id), "profileId": .int(run.profileID), "body": call.body ?? .null,
            ]
            try await journeys.definitions.store.enqueue(
                [JourneyWebhookJob.job(workspaceID, key: key, url: call.url, document: document, at: now)], at: now)
        } else {
            throw JourneyActionUnavailable(type: action.type)
        }
    }
}

/// An action a journey names that this server cannot carry out (yet): the step fails and is retried with backoff,
/// the reason kept on its job, rather than skipped as if it had happened.
struct JourneyActionUnavailable: Error, CustomStringConvertible {
    var type: String
    var description: String { "journey action '\(type)' cannot be carried out by this server" }
}
