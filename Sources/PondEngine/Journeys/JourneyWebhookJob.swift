import AsyncHTTPClient
import Logging
import PondChannels
import PondCore
import PondStore

/// Carries out a journey's `webhook` step: a signed `POST` to the brand's URL, queued by the step as a job of its
/// own so the run goes on at once and a slow or failing endpoint never holds it, while the call is retried with the
/// queue's backoff until it is taken.
///
/// The job is keyed like a message, `journey:<run>:<step>:<node>`: a step run again after a crash queues nothing
/// twice, and the key travels as `Pond-Idempotency-Key` so the receiver recognises a retry. The body is
/// `{id, idempotencyKey, journey, version, node, run, profileId, body, sentAt}`, `body` being the step's own JSON.
///
/// It is signed with the secret of the workspace's `webhook` channel (`PUT /api/v1/channels/webhook`): the receiver
/// verifies both kinds of call with the one secret. Without one, the call waits, retried with backoff and saying
/// why on the job, rather than going out unsigned. A permanent refusal (a 4xx), or `maximumAttempts` transient
/// failures, end it with a warning in the log.
public struct JourneyWebhookJob: JobHandler {
    public static let jobKind = "journey.webhook"
    public let kind = Self.jobKind
    let channels: ChannelService
    let clock: any Clock
    let post: WebhookPost
    let logger: Logger

    static let maximumAttempts = 12

    public init(channels: ChannelService, clock: any Clock, httpClient: HTTPClient = ChannelDirectory.sharedHTTPClient, logger: Logger) {
        self.channels = channels
        self.clock = clock
        post = WebhookPost(httpClient: httpClient)
        self.logger = logger
    }

    /// The job for one webhook step of one run.
    static func job(_ workspaceID: String, key: String, url: String, document: JSONValue, at now: Instant) -> NewJob {
        NewJob(
            workspaceID: workspaceID, kind: jobKind, key: key, dueAt: now,
            payload: ["url": .string(url), "key": .string(key), "document": document])
    }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        guard case .string(let url)? = job.job.payload["url"], case .string(let key)? = job.job.payload["key"],
            case .object(var document)? = job.job.payload["document"]
        else { return .done(next: []) }
        let give = { (reason: String) in
            logger.warning("a journey webhook call was given up", metadata: ["key": "\(key)", "reason": "\(reason)"])
        }
        guard case .webhook(let configuration)? = try await channels.settings(workspaceID: job.job.workspaceID, channel: .webhook)?
            .configuration, !configuration.secret.isEmpty
        else {
            if job.attempts >= Self.maximumAttempts {
                give("no webhook secret")
                return .done(next: [])
            }
            throw JourneyWebhookUnsigned()
        }
        let now = clock.now()
        document["idempotencyKey"] = .string(key)
        document["id"] = .string(WebhookSignature.stableID("call", for: key))
        document["sentAt"] = .string(ISO8601.format(now))
        do throws(ChannelFailure) {
            try await post.send(
                JSONWriter.bytes(.object(document)), to: url, idempotencyKey: key, secret: configuration.secret, at: now,
                service: "the journey's webhook")
            return .done(next: [])
        } catch {
            switch error {
            case .permanent(_, let reason):
                give(reason)
                return .done(next: [])
            case .transient(_, let reason, let retryAfter):
                if job.attempts >= Self.maximumAttempts {
                    give(reason)
                    return .done(next: [])
                }
                if let retryAfter { return .later(now.adding(retryAfter)) }
                throw error
            }
        }
    }
}

struct JourneyWebhookUnsigned: Error, CustomStringConvertible {
    var description: String {
        "journey webhooks are signed with the webhook channel's secret, and the workspace has none: set it with "
            + "PUT /api/v1/channels/webhook"
    }
}
