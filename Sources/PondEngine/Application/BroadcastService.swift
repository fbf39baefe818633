import PondCore
import PondStore

/// Broadcasts (群发): one template to every member of a segment on one channel, at once or at a time, through the
/// same dispatcher as every other message — consent, caps, quiet hours and the marketing share apply to each
/// customer as they would to a single send.
///
/// A broadcast runs as a chain of `broadcast.slice` jobs (`BroadcastJob`) reading the audience by profile id, so it
/// never holds the audience in memory, survives a crash at the last committed slice and can be run by any node.
/// Its report counts its messages by status and reason, and the customers it could not render a message for.
public struct BroadcastService: Sendable {
    let definitions: DefinitionContext
    let templates: TemplateService
    let dispatch: DispatchService

    /// The origin of broadcast messages (`MessageTicket.origin`); the broadcast id is their `originRef`.
    public static let origin = "broadcast"
    public static let maximumNameCharacters = 200

    /// Refusal codes of broadcasts that belong to no validator (`DefinitionError.code`).
    public enum Code: String, Sendable, CaseIterable {
        /// The broadcast completed: there is nothing left to cancel.
        case broadcastFinished = "broadcast_finished"
    }

    var store: Store { definitions.store }
    var clock: any Clock { definitions.clock }

    /// A broadcast as a front door asks for it.
    public struct Draft: Sendable {
        public var id: String?
        public var name: String
        public var segmentID: String
        public var templateID: String
        public var channel: String
        /// Nil: the template's. May be stricter than the template's, never laxer.
        public var category: MessageCategory?
        /// Nil, or a time already past: at once.
        public var scheduledAt: Instant?
        public var expiresAt: Instant?
        /// Who asks (the admin key's id, `cli`).
        public var createdBy: String

        public init(
            id: String? = nil, name: String, segmentID: String, templateID: String, channel: String,
            category: MessageCategory? = nil, scheduledAt: Instant? = nil, expiresAt: Instant? = nil, createdBy: String
        ) {
            self.id = id
            self.name = name
            self.segmentID = segmentID
            self.templateID = templateID
            self.channel = channel
            self.category = category
            self.scheduledAt = scheduledAt
            self.expiresAt = expiresAt
            self.createdBy = createdBy
        }
    }

    /// Checks and stores a broadcast and queues its first slice, due when it starts. Refused: a segment or template
    /// that does not exist (`unknown_segment`, `unknown_template`), a channel the template has no body for
    /// (`template_lacks_channel`), a category laxer than the template's, an expiry not after the start, and
    /// variables reading a trigger event without a fallback (a broadcast has no event).
    public func create(workspaceID: String, _ draft: Draft) async throws -> Broadcast {
        let name = draft.name.trimmingASCIIWhitespace()
        guard !name.isEmpty, name.count <= Self.maximumNameCharacters else {
            throw Self.refuse("name", "a broadcast's name is 1 to \(Self.maximumNameCharacters) characters")
        }
        let channel = ChannelID(draft.channel)
        guard channel.isWellFormed else {
            throw Self.refuse("channel", "a channel id is 1 to 32 of a-z, 0-9, _ and -, got \"\(draft.channel)\"")
        }
        let now = clock.now()
        let scheduledAt = draft.scheduledAt.flatMap { $0 > now ? $0 : nil }
        let start = scheduledAt ?? now
        if let expiry = draft.expiresAt, expiry <= start {
            throw Self.refuse("expiresAt", "a broadcast must expire after it starts (\(ISO8601.format(start)))")
        }
        return try await definitions.changing(workspaceID) { catalog in
            guard catalog.segmentIDs.contains(draft.segmentID) else {
                throw Self.refuse(
                    "segmentId", "no segment '\(draft.segmentID)' in this workspace",
                    code: SegmentRuleError.Code.unknownSegment.rawValue)
            }
            guard let stored = try await store.template(workspaceID: workspaceID, id: draft.templateID) else {
                throw Self.refuse(
                    "templateId", "no template '\(draft.templateID)' in this workspace",
                    code: TemplateService.Code.unknownTemplate.rawValue)
            }
            guard let body = stored.template.bodies[channel] else { throw TemplateService.lacksChannel(stored, channel) }
            let category = draft.category ?? stored.template.category
            guard TemplateService.rank(category) >= TemplateService.rank(stored.template.category) else {
                throw Self.refuse(
                    "category",
                    "template '\(stored.id)' is \(stored.template.category.rawValue); a broadcast may send it under a stricter category, not as \(category.rawValue)")
            }
            let noEvent = TemplateVocabulary(traitKeys: [], eventAvailable: false)
            if let variable = body.variables.first(where: { variable in
                if case .event = variable.source { return variable.fallback == nil }
                return false
            }), let problem = noEvent.problem(with: variable) {
                throw Self.refuse(
                    "templateId", "template '\(stored.id)': \(problem); a broadcast has no trigger event (give it a fallback)",
                    code: TemplateError.Code.unknownVariable.rawValue)
            }
            let id = try DefinitionNames.idForSave(
                replacing: nil, given: draft.id, taken: try await store.broadcastIDs(workspaceID: workspaceID), name: name,
                fallback: "broadcast", what: "broadcast")
            let broadcast = Broadcast(
                id: id, name: name, segmentID: draft.segmentID, templateID: stored.id, channel: channel, category: category,
                status: scheduledAt == nil ? .running : .scheduled, scheduledAt: scheduledAt, expiresAt: draft.expiresAt,
                createdAt: now, createdBy: draft.createdBy)
            return try await store.createBroadcast(
                workspaceID: workspaceID, broadcast, firstSlice: BroadcastJob.slice(workspaceID: workspaceID, broadcast, 0, dueAt: start), at: now)
        }
    }

    static func refuse(
        _ path: String, _ message: String, code: String = DefinitionError.Code.invalidRequest.rawValue
    ) -> DefinitionError {
        DefinitionError(.invalid, code: code, message, details: ["path": .string(path)])
    }

    public func broadcast(workspaceID: String, id: String) async throws -> Broadcast {
        guard let broadcast = try await store.broadcast(workspaceID: workspaceID, id: id) else {
            throw DefinitionError.notFound("broadcast '\(id)'")
        }
        return broadcast
    }

    /// Newest first, before list position `before` (`Broadcast.seq`).
    public func broadcasts(workspaceID: String, status: BroadcastStatus?, before: Int64?, limit: Int) async throws -> [Broadcast] {
        try await store.broadcasts(workspaceID: workspaceID, status: status, before: before, limit: limit)
    }

    /// Stops a scheduled or running broadcast: no further slice is read. Messages already decided stay as they are
    /// (those held by quiet hours or caps still go out when their time comes). Cancelling a cancelled broadcast
    /// changes nothing; a completed one is refused (`broadcast_finished`).
    public func cancel(workspaceID: String, id: String) async throws -> Broadcast {
        guard let broadcast = try await store.cancelBroadcast(workspaceID: workspaceID, id: id, at: clock.now()) else {
            throw DefinitionError.notFound("broadcast '\(id)'")
        }
        if broadcast.status == .completed {
            throw DefinitionError(
                .conflict, code: Code.broadcastFinished.rawValue, "broadcast '\(id)' completed; there is nothing to cancel")
        }
        return broadcast
    }

    /// What became of a broadcast's messages.
    public struct Report: Sendable, Hashable {
        /// Messages the dispatcher decided, by where they stand now.
        public var byStatus: [MessageStatus: Int]
        /// Suppressed and deferred messages by the reason of their last decision.
        public var byReason: [DispatchReason: Int]
        /// Every message decided.
        public var messages: Int
        /// Customers read from the audience whose message could not be rendered or would be refused: never sent.
        public var renderFailures: Int
        public var refused: Int
        public var missingVariables: [String: Int]
        public var failedSample: [Int64]
    }

    public func report(workspaceID: String, _ broadcast: Broadcast) async throws -> Report {
        var report = Report(
            byStatus: [:], byReason: [:], messages: 0, renderFailures: broadcast.progress.renderFailures,
            refused: broadcast.progress.refused, missingVariables: broadcast.progress.missingVariables,
            failedSample: broadcast.progress.failedSample)
        for row in try await store.messageCounts(workspaceID: workspaceID, origin: Self.origin, originRef: broadcast.id) {
            report.byStatus[row.status, default: 0] += row.count
            if let reason = row.reason { report.byReason[reason, default: 0] += row.count }
            report.messages += row.count
        }
        return report
    }
}
