import Foundation
import PondCore
import PondStore

/// The one way a message reaches a customer, whatever asks for it — a journey step, a broadcast, an API call: each
/// hands tickets to `send`, which decides every one through `DispatchRules` (consent, caps, quiet hours, the
/// marketing share) on the customer's facts as they are inside the deciding transaction, logs the decision and
/// queues the hand-over or the timer. Also the workspace's dispatch policy and the decision log.
public struct DispatchService: Sendable {
    let store: Store
    let clock: any Clock

    public static let maximumTicketsPerCall = 1000
    public static let maximumTextLength = 64 * 1024

    public init(store: Store, clock: any Clock) {
        self.store = store
        self.clock = clock
    }

    public func policy(workspaceID: String) async throws -> DispatchPolicy {
        try await store.model(.dispatch, workspaceID: workspaceID, default: DispatchPolicy(), state: Never.self).config
    }

    /// Checks and stores a policy; it governs every decision from the next one on.
    public func savePolicy(workspaceID: String, _ policy: DispatchPolicy) async throws -> DispatchPolicy {
        do {
            try policy.validate()
        } catch {
            throw DefinitionError(.invalid, code: error.code.rawValue, error.message, details: ["path": .string(error.path)])
        }
        try await store.saveModelConfiguration(.dispatch, workspaceID: workspaceID, policy, at: clock.now())
        return policy
    }

    /// Decides and queues messages. All are checked before any is decided, so a bad ticket stores nothing; a key
    /// already decided returns its stored status without deciding again.
    public func send(workspaceID: String, _ tickets: [MessageTicket]) async throws -> [DispatchOutcome] {
        guard tickets.count <= Self.maximumTicketsPerCall else {
            throw DefinitionError(
                .tooLarge, .payloadTooLarge, "at most \(Self.maximumTicketsPerCall) messages per call, got \(tickets.count)")
        }
        for (index, ticket) in tickets.enumerated() { try Self.check(ticket, path: tickets.count == 1 ? "" : "messages[\(index)]") }
        let context = try await decisionContext(workspaceID)
        return try await store.dispatch(
            workspaceID: workspaceID, tickets, workspaceUTCOffsetSeconds: context.offset,
            historyStart: context.rules.historyStart(now: context.now), now: context.now, decide: context.decide)
    }

    /// Decides a deferred message again when its timer fires.
    func decideAgain(_ job: ClaimedJob, key: String) async throws -> DispatchOutcome? {
        let context = try await decisionContext(job.job.workspaceID)
        return try await store.redispatch(
            job, key: key, workspaceUTCOffsetSeconds: context.offset, historyStart: context.rules.historyStart(now: context.now),
            now: context.now, decide: context.decide)
    }

    /// The dispatcher's clock: when a front door stamps a ticket it builds.
    public func now() -> Instant { clock.now() }

    /// What the sandbox channel received, newest first.
    public func sandboxDeliveries(workspaceID: String, profileID: Int64?, before: Int64?, limit: Int) async throws
        -> [SandboxDelivery]
    {
        try await store.sandboxDeliveries(workspaceID: workspaceID, profileID: profileID, before: before, limit: limit)
    }

    public func message(workspaceID: String, key: String) async throws -> StoredMessage {
        guard let message = try await store.message(workspaceID: workspaceID, key: key) else {
            throw DefinitionError.notFound("message '\(key)'")
        }
        return message
    }

    public struct DecisionFilter: Sendable {
        public var profileID: Int64?
        /// `send`, `defer` or `suppress`.
        public var decision: String?
        public var reason: DispatchReason?
        public var origin: String?

        public init(profileID: Int64? = nil, decision: String? = nil, reason: DispatchReason? = nil, origin: String? = nil) {
            self.profileID = profileID
            self.decision = decision
            self.reason = reason
            self.origin = origin
        }
    }

    public func decisions(workspaceID: String, filter: DecisionFilter, before: Int64?, limit: Int) async throws
        -> [DecisionRecord]
    {
        if let decision = filter.decision, !["send", "defer", "suppress"].contains(decision) {
            throw DefinitionError.invalid("'decision' is send, defer or suppress, got '\(decision)'")
        }
        return try await store.decisions(
            workspaceID: workspaceID, profileID: filter.profileID, decision: filter.decision, reason: filter.reason,
            origin: filter.origin, before: before, limit: limit)
    }

    /// The rules in force for a workspace and the instant they decide at.
    struct DecisionContext: Sendable {
        var rules: DispatchRules
        var offset: Int
        var now: Instant

        var decide: Store.Decide {
            { [rules, now] request, facts in rules.decide(request, facts: facts, now: now) }
        }
    }

    func decisionContext(_ workspaceID: String) async throws -> DecisionContext {
        let settings = try await store.workspace(id: workspaceID)?.settings ?? WorkspaceSettings()
        // A stored policy was validated when saved; one that no longer validates (rules tightened since) falls back
        // to the defaults rather than stopping every message.
        let rules = (try? DispatchRules(policy: try await policy(workspaceID: workspaceID))) ?? (try! DispatchRules())
        return DecisionContext(rules: rules, offset: settings.utcOffsetSeconds, now: clock.now())
    }

    static func check(_ ticket: MessageTicket, path: String) throws(DefinitionError) {
        func refuse(_ field: String, _ message: String) -> DefinitionError {
            DefinitionError(
                .invalid, .invalidRequest, message, details: ["path": .string(path.isEmpty ? field : "\(path).\(field)")])
        }
        let key = ticket.key
        guard !key.isEmpty, key.count <= MessageTicket.maximumKeyLength,
            key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else {
            throw refuse("idempotencyKey", "an idempotency key is 1 to \(MessageTicket.maximumKeyLength) printable characters without spaces")
        }
        guard ticket.channel.isWellFormed else {
            throw refuse("channel", "a channel id is 1 to 32 of a-z, 0-9, _ and -, got \"\(ticket.channel.rawValue)\"")
        }
        let content = ticket.content
        guard !content.text.isEmpty || content.providerTemplate != nil else {
            throw refuse("content.text", "a message needs a text (or, for SMS, a provider template)")
        }
        let size = content.text.utf8.count + (content.html?.utf8.count ?? 0) + (content.subject?.utf8.count ?? 0)
        guard size <= Self.maximumTextLength else {
            throw refuse("content", "a message is at most \(Self.maximumTextLength) bytes of text, got \(size)")
        }
        if let expiry = ticket.expiresAt, expiry <= ticket.createdAt {
            throw refuse("expiresAt", "a message must expire after it is asked for")
        }
    }
}
