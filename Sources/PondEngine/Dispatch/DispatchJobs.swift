import PondCore
import PondStore

/// The timer of a deferred message: decides it again when it is due. The decision and the timer's completion commit
/// together, so a timer fires once: run again after a crash, it finds the message decided and does nothing.
public struct DecideAgainJob: JobHandler {
    public let kind = Store.decideJobKind
    let dispatch: DispatchService

    public init(dispatch: DispatchService) { self.dispatch = dispatch }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        _ = try await dispatch.decideAgain(job, key: job.job.key)
        return .completed
    }
}

/// Hands a message the dispatcher let go to its channel, once.
///
/// Just before the hand-over it reads the customer's consent on the channel again: a revocation that committed after
/// the decision still stops the message (`suppressed`, logged as a decision of its own), so a withdrawal takes
/// effect at once even for messages already queued. A channel over its send rate puts the message back in the queue
/// for its slot. A transient failure is tried again with backoff (the provider's `Retry-After` when it gives one)
/// until `maximumAttempts`, then recorded as failed with the reason; a permanent one is recorded at once. The
/// outcome and the job's completion commit together; a crash between the hand-over and that commit hands the
/// message over again under the same idempotency key, which the channel recognises.
public struct DeliveryJob: JobHandler {
    public let kind = Store.deliverJobKind
    let dispatch: DispatchService
    let channels: any DeliveryChannels
    let rate: SendRate
    let maximumAttempts: Int

    public init(dispatch: DispatchService, channels: any DeliveryChannels, rate: SendRate, maximumAttempts: Int = 8) {
        self.dispatch = dispatch
        self.channels = channels
        self.rate = rate
        self.maximumAttempts = maximumAttempts
    }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        let workspaceID = job.job.workspaceID
        let store = dispatch.store
        guard let context = try await store.deliveryContext(workspaceID: workspaceID, key: job.job.key),
            context.message.status == .sending
        else { return .done(next: []) }
        let message = context.message
        let decision = try await dispatch.decisionContext(workspaceID)
        if let refusal = decision.rules.consentRefusal(message.ticket.request, consent: context.consent) {
            try await store.finishDelivery(job, key: job.job.key, .suppressed(refusal), at: decision.now)
            return .completed
        }
        if let slot = rate.reserve(workspaceID: workspaceID, channel: message.ticket.channel, now: decision.now) {
            return .later(slot)
        }
        let result: DeliveryResult
        switch await channels.deliver(message, workspaceID: workspaceID) {
        case .accepted(let providerID): result = .delivered(providerID: providerID)
        case .permanent(let reason): result = .failed(reason)
        case .transient(let reason, let retryAfter):
            guard job.attempts >= maximumAttempts else {
                let now = dispatch.clock.now()
                return .later(now.adding(retryAfter ?? JobRunner.backoff(attempt: job.attempts)))
            }
            result = .failed("\(reason) (gave up after \(job.attempts) attempts)")
        }
        let now = dispatch.clock.now()
        var receiptCheckAt: Instant?
        if case .delivered = result, await channels.reportsDelivery(on: message.ticket.channel, workspaceID: workspaceID) {
            receiptCheckAt = now.adding(DeliveryReceiptJob.polls[0])
        }
        try await store.finishDelivery(job, key: job.job.key, result, receiptCheckAt: receiptCheckAt, at: now)
        return .completed
    }
}

/// Asks the provider for the delivery report of a message it accepted — an SMS is accepted by the provider at
/// once and reaches the phone (or not) when the operator says so — after 1 minute, then 5, 30 and 120 minutes and
/// 12 hours, and records it (`Store.recordReceipt`): delivered, or failed after all (the message then stops
/// counting towards caps). No report by the last poll is recorded as `unknown`.
public struct DeliveryReceiptJob: JobHandler {
    public let kind = Store.receiptJobKind
    let dispatch: DispatchService
    let channels: any DeliveryChannels

    /// When to ask, counted from the hand-over.
    static let polls: [Duration] = [.seconds(60), .seconds(300), .seconds(1800), .seconds(7200), .seconds(43_200)]

    public init(dispatch: DispatchService, channels: any DeliveryChannels) {
        self.dispatch = dispatch
        self.channels = channels
    }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        let store = dispatch.store
        guard let message = try await store.message(workspaceID: job.job.workspaceID, key: job.job.key),
            message.status == .delivered, message.receipt == nil
        else { return .done(next: []) }
        let now = dispatch.clock.now()
        switch await channels.report(on: message, workspaceID: job.job.workspaceID) {
        case .notReported: return .done(next: [])
        case .delivered(let at): try await store.recordReceipt(job, key: job.job.key, .delivered(at: at), at: now)
        case .failed(let code): try await store.recordReceipt(job, key: job.job.key, .failed(code: code), at: now)
        case .pending, .unavailable:
            let handedOver = message.finishedAt ?? now
            guard let next = Self.polls.map({ handedOver.adding($0) }).first(where: { $0 > now }) else {
                try await store.recordReceipt(job, key: job.job.key, .unknown, at: now)
                return .completed
            }
            return .later(next)
        }
        return .completed
    }
}
