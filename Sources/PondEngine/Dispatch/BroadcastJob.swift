import PondCore
import PondStore

/// Reads one slice of a broadcast's audience and hands it to the dispatcher.
///
/// A slice is the next `sliceSize` segment members after the broadcast's cursor, in profile-id order. Each member's
/// message is rendered from the template (the version fixed when the broadcast started) with the member's traits;
/// a member whose message cannot be rendered (a variable with neither value nor fallback) or would be refused by
/// the dispatcher is counted, not sent. The rest go to `DispatchService.send` in one call under the key
/// `broadcast:<id>:<profileId>`. Then, in one transaction with the job's completion, the cursor and progress are
/// saved and the next slice is queued (`Store.finishBroadcastSlice`).
///
/// A crash after the hand-over and before that commit leaves the job to run again once its lease runs out: it
/// reads the same slice from the same cursor, and the dispatcher returns the messages it decided the first time
/// without deciding them again. Members who joined the segment behind the cursor meanwhile are not reached; those
/// ahead of it are. A cancelled broadcast's slice completes without reading anything.
///
/// The next slice is due at once, behind whatever is due already — among it the hand-overs of the slices before —
/// so a large broadcast neither starves the queue of other work (a journey's order notice) nor decides far ahead
/// of what its channel takes.
public struct BroadcastJob: JobHandler {
    public let kind = Store.broadcastSliceJobKind
    let broadcasts: BroadcastService
    let sliceSize: Int

    /// `sliceSize`: members per slice, at most what one dispatcher call takes.
    public init(broadcasts: BroadcastService, sliceSize: Int = DispatchService.maximumTicketsPerCall) {
        self.broadcasts = broadcasts
        self.sliceSize = max(1, min(sliceSize, DispatchService.maximumTicketsPerCall))
    }

    /// The job of slice `number` of a broadcast.
    static func slice(workspaceID: String, _ broadcast: Broadcast, _ number: Int, dueAt: Instant) -> NewJob {
        NewJob(
            workspaceID: workspaceID, kind: Store.broadcastSliceJobKind, key: broadcast.sliceKey(number), dueAt: dueAt,
            payload: ["broadcast": .string(broadcast.id), "slice": .int(Int64(number))])
    }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        guard let slice = try await handOver(job) else { return .done(next: []) }
        if case .later(let due) = slice { return .later(due) }
        guard case .read(let work) = slice else { return .done(next: []) }
        try await finish(job, work)
        return .completed
    }

    /// What the first half of a slice leaves for the second.
    public enum Slice: Sendable {
        /// Read and handed to the dispatcher; `finish` records it.
        case read(SliceWork)
        /// A scheduled broadcast whose time has not come.
        case later(Instant)
    }

    public struct SliceWork: Sendable {
        let broadcastID: String
        let number: Int
        let result: BroadcastSliceResult
        let start: BroadcastStart?
        let next: NewJob?
    }

    /// The first half of a slice: reads it, renders it and hands it to the dispatcher. Nil when there is nothing
    /// to do (the broadcast is gone, finished, cancelled, or this slice was recorded already). What a crash before
    /// `finish` leaves behind is exactly this: messages decided, cursor not moved.
    public func handOver(_ job: ClaimedJob) async throws -> Slice? {
        let store = broadcasts.store
        let workspaceID = job.job.workspaceID
        guard case .string(let id)? = job.job.payload["broadcast"], case .int(let number)? = job.job.payload["slice"],
            let broadcast = try await store.broadcast(workspaceID: workspaceID, id: id), broadcast.status.isActive,
            broadcast.progress.slices == Int(number)
        else { return nil }
        let now = broadcasts.clock.now()
        if let at = broadcast.scheduledAt, at > now { return .later(at) }

        var start: BroadcastStart?
        let template: MessageTemplate
        if let fixed = try await store.broadcastTemplate(workspaceID: workspaceID, id: id) {
            template = fixed
        } else {
            // Deleting a template a scheduled broadcast sends is refused, so it is there; if not, the job fails and
            // is retried, with the reason kept on the job.
            guard let stored = try await store.template(workspaceID: workspaceID, id: broadcast.templateID) else {
                throw StoreError.notFound("template '\(broadcast.templateID)' of broadcast '\(id)'")
            }
            let estimate = try await store.segment(workspaceID: workspaceID, id: broadcast.segmentID)?.memberCount ?? 0
            template = stored.template
            start = BroadcastStart(template: template, templateVersion: stored.version, audienceEstimate: estimate, at: now)
        }

        let members = try await store.segmentMembers(
            workspaceID: workspaceID, segmentID: broadcast.segmentID, after: broadcast.progress.afterProfile, limit: sliceSize
        ).map(\.profileID)
        let traits = try await store.profileTraits(workspaceID: workspaceID, profileIDs: members)
        let renderer = try await broadcasts.templates.renderer(workspaceID: workspaceID)
        var result = BroadcastSliceResult(read: members.count, lastProfileID: members.last, finished: members.count < sliceSize)
        // The instant the messages were asked for: the broadcast's start, so an expiry is measured from it however
        // late a slice runs.
        let askedAt = broadcast.scheduledAt ?? broadcast.createdAt
        var tickets: [MessageTicket] = []
        tickets.reserveCapacity(members.count)
        for member in members {
            let content: MessageContent?
            do {
                content = try renderer.content(
                    template, channel: broadcast.channel, category: broadcast.category, profileID: member,
                    traits: traits[member] ?? [:])
            } catch {
                result.renderFailures += 1
                for name in error.missing { result.missingVariables[name, default: 0] += 1 }
                result.failed.append(member)
                continue
            }
            guard let content else {
                throw StoreError.corrupt("template of broadcast '\(id)' has no body for \(broadcast.channel.rawValue)")
            }
            let ticket = MessageTicket(
                key: "broadcast:\(id):\(member)", profileID: member, channel: broadcast.channel, category: broadcast.category,
                origin: BroadcastService.origin, originRef: id, content: content, createdAt: askedAt,
                expiresAt: broadcast.expiresAt)
            do {
                try DispatchService.check(ticket, path: "")
            } catch {
                result.refused += 1
                result.failed.append(member)
                continue
            }
            tickets.append(ticket)
        }
        if !tickets.isEmpty { _ = try await broadcasts.dispatch.send(workspaceID: workspaceID, tickets) }
        let next = result.finished ? nil : Self.slice(workspaceID: workspaceID, broadcast, Int(number) + 1, dueAt: now)
        return .read(SliceWork(broadcastID: id, number: Int(number), result: result, start: start, next: next))
    }

    /// The second half: saves the cursor and progress, queues the next slice and completes the job, in one
    /// transaction.
    public func finish(_ job: ClaimedJob, _ work: SliceWork) async throws {
        try await broadcasts.store.finishBroadcastSlice(
            job, broadcastID: work.broadcastID, slice: work.number, work.result, start: work.start, next: work.next,
            at: broadcasts.clock.now())
    }
}
