import Foundation
import Logging
import PondCore
import PondStore

/// What a step's actions do, gathered while the batch is decided and carried out together: messages go to the
/// dispatcher in as few calls as it takes, tags and traits are written with the step.
struct JourneyStepEffects: Sendable {
    var tickets: [MessageTicket] = []
    /// On the run's profile until `checkTagsAndProfiles` puts them on its cluster root.
    var tags: [JourneyTagChange] = []
    var traits: [JourneyTraitSet] = []
}

extension JourneyStepJob {
    /// What each action does; the one place a `JourneyAction` is mapped to its effect. Idempotent by run, step and
    /// node: a message is keyed `journey:<run>:<step>:<node>`, so does its trait history entry.
    func perform(
        _ action: JourneyAction, workspaceID: String, run: JourneyRun, node: String, traits: [String: JSONValue],
        event: [String: JSONValue]?, now: Instant, into effects: inout JourneyStepEffects
    ) async throws {
        let origin = JourneyService.origin(run.journeyID, version: run.version)
        let key = "journey:\(run.id):\(run.step):\(node)"
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
                key: key, profileID: run.profileID, channel: send.channel, category: send.category(template: rendered.category),
                origin: "journey", originRef: origin, content: rendered.content, createdAt: now,
                expiresAt: send.expiresAt(askedAt: now))
            try DispatchService.check(ticket, path: "")
            effects.tickets.append(ticket)
        } else if let tag = TagAction(action) {
            effects.tags.append(
                JourneyTagChange(root: run.profileID, tag: tag.tag.trimmingASCIIWhitespace(), adds: tag.adds, reference: "\(origin)/\(node)"))
        } else if let set = SetTraitAction(action) {
            effects.traits.append(JourneyTraitSet(root: run.profileID, key: set.key, value: set.value, messageID: key))
        } else if let call = WebhookAction(action) {
            // Queued at once, keyed like a message: a step taken again queues nothing twice, and the run does not
            // wait for the brand's endpoint (`JourneyWebhookJob`).
            let document: JSONValue = [
                "journey": .string(run.journeyID), "version": .int(Int64(run.version)), "node": .string(node),
                "run": .int(run.id), "profileId": .int(run.profileID), "body": call.body ?? .null,
            ]
            try await store.enqueue([JourneyWebhookJob.job(workspaceID, key: key, url: call.url, document: document, at: now)], at: now)
        } else {
            throw JourneyActionUnavailable(type: action.type)
        }
    }

    /// Puts tag and trait changes on cluster roots and refuses what `TaggingService` would: a tag no longer defined
    /// (`unknown_tag`) or a profile that is gone fails the step, to be retried. A trait for a profile that is gone is
    /// dropped, as `Store.setTraits` drops it.
    func checkTagsAndProfiles(_ workspaceID: String, _ steps: inout [Int: Step], results: inout [Result<JobOutcome, any Error>?])
        async throws
    {
        let changing = steps.filter { !$0.value.effects.tags.isEmpty || !$0.value.effects.traits.isEmpty }
        guard !changing.isEmpty else { return }
        let defined = try await store.existingTags(
            workspaceID: workspaceID, names: Set(changing.values.flatMap { $0.effects.tags.map(\.tag) }))
        let roots = try await store.rootProfileIDs(workspaceID: workspaceID, profileIDs: changing.values.map(\.run.profileID))
        for (index, checked) in changing {
            var step = checked
            let root = roots[step.run.profileID]
            if let unknown = step.effects.tags.first(where: { !defined.contains($0.tag) }) {
                results[index] = .failure(DefinitionError.unknownTag(unknown.tag))
            } else if !step.effects.tags.isEmpty, root == nil {
                results[index] = .failure(DefinitionError.notFound("profile \(step.run.profileID)"))
            }
            guard results[index] == nil else {
                steps[index] = nil
                continue
            }
            step.effects.tags = step.effects.tags.map { JourneyTagChange(root: root!, tag: $0.tag, adds: $0.adds, reference: $0.reference) }
            step.effects.traits = root.map { root in
                step.effects.traits.map { JourneyTraitSet(root: root, key: $0.key, value: $0.value, messageID: $0.messageID) }
            } ?? []
            steps[index] = step
        }
    }

    /// Hands every message of the batch to the dispatcher, at most `DispatchService.maximumTicketsPerCall` a call,
    /// before any step is written: a step whose position is then lost to a crash is taken again and hands over the same
    /// keys, which the dispatcher answers from what it stored. A call that fails fails the steps whose messages it
    /// held.
    func deliver(_ workspaceID: String, _ steps: [Int: Step], results: inout [Result<JobOutcome, any Error>?]) async {
        var calls: [(tickets: [MessageTicket], steps: [Int])] = []
        for index in steps.keys.sorted() {
            let tickets = steps[index]!.effects.tickets
            guard !tickets.isEmpty else { continue }
            if calls.isEmpty || calls[calls.count - 1].tickets.count + tickets.count > DispatchService.maximumTicketsPerCall {
                calls.append(([], []))
            }
            calls[calls.count - 1].tickets += tickets
            calls[calls.count - 1].steps.append(index)
        }
        for call in calls {
            do {
                _ = try await dispatch.send(workspaceID: workspaceID, call.tickets)
            } catch {
                for index in call.steps { results[index] = .failure(error) }
            }
        }
    }
}

/// An action a journey names that this server cannot carry out (yet): the step fails and is retried with backoff,
/// the reason kept on its job, rather than skipped as if it had happened.
struct JourneyActionUnavailable: Error, CustomStringConvertible {
    var type: String
    var description: String { "journey action '\(type)' cannot be carried out by this server" }
}
