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
        try await store.finishDelivery(job, key: job.job.key, result, at: dispatch.clock.now())
        return .completed
    }
}
