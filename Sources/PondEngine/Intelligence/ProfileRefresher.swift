import PondCore
import PondStore

/// Re-evaluates queued profiles: auto-tag rules, RFM score, lifecycle stage and dynamic segment memberships, in that
/// order, so that each step sees the previous ones (a segment on "has tag 高频护肤品购买者 and not stage churned" sees
/// the tag and stage this very pass decided).
///
/// Reading and deciding happen outside any write transaction (the SQLite writer is shared with ingestion); the
/// decisions are then applied in one transaction per batch, against the state current at that moment.
struct ProfileRefresher: Sendable {
    let store: Store
    let clock: any Clock

    /// Refreshes one batch of queued profiles. Returns the number of segment enters and exits recorded.
    func refresh(_ queued: [Store.QueuedProfile]) async throws -> Int {
        var changes = 0
        for (workspaceID, entries) in Dictionary(grouping: queued, by: \.workspaceID) {
            let models = try await WorkspaceModels.load(store, workspaceID: workspaceID)
            let now = clock.now()
            var refreshes: [ProfileRefresh] = []
            for entry in entries {
                if let refresh = try await decide(entry.profileID, models, now: now) { refreshes.append(refresh) }
            }
            changes += try await store.applyProfileRefreshes(
                workspaceID: workspaceID, refreshes, dequeue: entries, at: now)
        }
        return changes
    }

    /// What one profile's tags, score, stage and memberships should be now; nil if it is no longer a cluster root.
    func decide(_ profileID: Int64, _ models: WorkspaceModels, now: Instant) async throws -> ProfileRefresh? {
        let workspaceID = models.workspaceID
        guard var facts = try await store.profileFacts(workspaceID: workspaceID, profileID: profileID) else { return nil }
        let stored = Set(try await store.memberships(workspaceID: workspaceID, profileID: profileID).map(\.segmentID))
        let evaluator = models.evaluator
        var refresh = ProfileRefresh(profileID: profileID, reason: "re-evaluated after a change to the profile")

        // The profile's tags as this pass leaves them, so that each rule sees what the rules before it decided.
        var tags = Dictionary(
            try await store.profileTags(workspaceID: workspaceID, profileID: profileID).map { ($0.tag, $0) },
            uniquingKeysWith: { a, _ in a })
        for rule in models.tagRules {
            let holds = evaluator.matches(rule.rule, facts: facts, now: now) { stored.contains($0) }
            let decision = TagRulePolicy.decide(rule, holds: holds, current: tags[rule.tag])
            refresh.record(decision, rule)
            switch decision {
            case .add:
                tags[rule.tag] = ProfileTag(tag: rule.tag, source: .rule, sourceRef: rule.id, taggedAt: now)
                facts.tags.insert(rule.tag)
            case .withdraw, .remove:
                tags[rule.tag] = nil
                facts.tags.remove(rule.tag)
            case .keep:
                break
            }
        }

        let configuration = models.rfm.configuration
        let windowStart = now.adding(days: -configuration.windowDays)
        let summary = facts.events.reduce(nil as OrderSummary?) { summary, event in
            guard configuration.isOrder(eventName: event.name), event.timestamp >= windowStart else { return summary }
            let amount = configuration.amount(in: event.properties)
            return summary?.recording(orderAt: event.timestamp, amount: amount)
                ?? OrderSummary(profileID: profileID, lastOrderAt: event.timestamp, orderCount: 1, totalAmount: amount ?? 0)
        }
        if let summary {
            if let cutPoints = models.rfmState?.cutPoints ?? models.rfm.cutPoints(for: [], now: now),
                let score = models.rfm.score(summary, against: cutPoints, now: now)
            {
                refresh.rfm = .score(score, summary)
                facts.rfm = RFMFacts(
                    recency: score.recency, frequency: score.frequency, monetary: score.monetary, layer: score.layer.id)
            }
        } else {
            refresh.rfm = .clear
            facts.rfm = nil
        }

        let lifecycleConfiguration = models.lifecycle.configuration
        if let inputs = try await store.lifecycleInputs(
            workspaceID: workspaceID, profileID: profileID, orderEvents: configuration.orderEvents,
            activationEvents: lifecycleConfiguration.activationEvents)
        {
            let previous = try await store.profileStage(workspaceID: workspaceID, profileID: profileID)
            let stage = models.stage(profileID: profileID, inputs: inputs, previous: previous, now: now)
            refresh.stage = stage
            facts.stage = stage.stage.rawValue
        }

        for (id, rule) in models.segments {
            let member = evaluator.matches(rule, facts: facts, now: now) { refresh.memberships[$0] ?? stored.contains($0) }
            refresh.memberships[id] = member
        }
        return refresh
    }
}
