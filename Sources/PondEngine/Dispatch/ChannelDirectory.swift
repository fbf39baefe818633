import AsyncHTTPClient
import PondChannels
import PondCore
import PondStore

/// The channels of every workspace, as its settings say: for each message, the configuration the workspace saved
/// for the message's channel (`ChannelService`), built into a `MessageChannel` by `ChannelFactory` — with its
/// in-process retries and per-attempt deadline — and handed the message.
///
/// - The `sandbox` channel needs no configuration: unconfigured, it records into the store (`sandbox_deliveries`,
///   listed by the API), as it always has. A `sandbox` configuration does the same for any other channel id.
/// - Any other channel without a configuration refuses its messages for good (`channel 'sms' is not configured`),
///   unless the directory was built with `unconfigured: .sandbox` — the demo's and tests' stance, where every
///   channel not configured records into the sandbox instead.
/// - A channel switched off (`enabled: false`) refuses its messages for good, saying so.
///
/// Failures keep the channel's stable code in front of its reason (`isv.MOBILE_NUMBER_ILLEGAL: …`), which is what
/// the message's `error` shows; transient ones carry the provider's `retryAfter` to the delivery job, which tries
/// again through the job queue. Reasons never hold a secret (`MessageChannel`'s contract), and nothing here logs.
///
/// Providers that report delivery later (`DeliveryReportingChannel`, Aliyun's 回执) are asked for the report of
/// each message they accepted by the receipt job (`DeliveryReceiptJob`), with the provider's id stored with the
/// message (`finishDelivery`).
public struct ChannelDirectory: DeliveryChannels {
    /// What a message on a channel without configuration meets.
    public enum Unconfigured: Sendable, Hashable {
        /// Refused for good: nothing can send it until the channel is configured.
        case refused
        /// Recorded in the sandbox, as if the channel were configured as one.
        case sandbox
    }

    let channels: ChannelService
    let store: Store
    let clock: any Clock
    let httpClient: HTTPClient
    let retryPolicy: RetryPolicy
    let sleep: RetryingChannel.Sleep
    public let unconfigured: Unconfigured

    /// The HTTP client every directory of this process shares unless given another: one connection pool for all
    /// workspaces' channels, without redirects (`ChannelFactory.makeHTTPClient`). It lives as long as the process,
    /// like `HTTPClient.shared`, so nothing has to shut it down.
    public static let sharedHTTPClient: HTTPClient = ChannelFactory.makeHTTPClient()

    public init(
        channels: ChannelService, store: Store, clock: any Clock,
        httpClient: HTTPClient = ChannelDirectory.sharedHTTPClient, retryPolicy: RetryPolicy = RetryPolicy(),
        sleep: @escaping RetryingChannel.Sleep = { try await Task.sleep(for: $0) }, unconfigured: Unconfigured = .refused
    ) {
        self.channels = channels
        self.store = store
        self.clock = clock
        self.httpClient = httpClient
        self.retryPolicy = retryPolicy
        self.sleep = sleep
        self.unconfigured = unconfigured
    }

    /// The configuration messages on `id` go out with, or why none can.
    private func configuration(_ id: ChannelID, workspaceID: String) async -> Result<ChannelConfiguration, HandOverRefusal> {
        do {
            switch try await channels.settings(workspaceID: workspaceID, channel: id) {
            case let settings?:
                guard settings.enabled else { return .failure(.permanent("channel '\(id)' is disabled")) }
                return .success(settings.configuration)
            case .none where id == .sandbox || unconfigured == .sandbox:
                return .success(.sandbox(SandboxConfiguration()))
            case .none:
                return .failure(.permanent("channel '\(id)' is not configured"))
            }
        } catch let error as ChannelConfigurationError {
            return .failure(.permanent("channel '\(id)' has a configuration this version refuses (\(error)); save it again"))
        } catch {
            return .failure(.transient("the settings of channel '\(id)' could not be read: \(error)"))
        }
    }

    private enum HandOverRefusal: Error {
        case permanent(String)
        case transient(String)
    }

    private func factory(_ workspaceID: String) -> ChannelFactory {
        ChannelFactory(
            httpClient: httpClient, sandboxSink: StoreSandboxSink(store: store, workspaceID: workspaceID), clock: clock,
            retryPolicy: retryPolicy, sleep: sleep)
    }

    public func deliver(_ message: StoredMessage, workspaceID: String) async -> ChannelHandOver {
        let id = message.ticket.channel
        let configuration: ChannelConfiguration
        switch await self.configuration(id, workspaceID: workspaceID) {
        case .success(let found): configuration = found
        case .failure(.permanent(let reason)): return .permanent(reason)
        case .failure(.transient(let reason)): return .transient(reason, retryAfter: nil)
        }
        do throws(ChannelFailure) {
            let channel = factory(workspaceID).makeChannel(configuration, id: id)
            let receipt = try await channel.send(Self.outbound(message.ticket, address: message.address))
            return .accepted(providerID: receipt.providerMessageID)
        } catch {
            switch error {
            case .transient(let code, let reason, let retryAfter):
                return .transient("\(code): \(reason)", retryAfter: retryAfter)
            case .permanent(let code, let reason): return .permanent("\(code): \(reason)")
            }
        }
    }

    public func reportsDelivery(on channel: ChannelID, workspaceID: String) async -> Bool {
        guard case .success(let configuration) = await configuration(channel, workspaceID: workspaceID) else { return false }
        return factory(workspaceID).makeChannel(configuration, id: channel).deliveryReports != nil
    }

    public func report(on message: StoredMessage, workspaceID: String) async -> DeliveryReport {
        let id = message.ticket.channel
        guard let providerID = message.providerID else { return .notReported }
        switch await configuration(id, workspaceID: workspaceID) {
        case .success(let configuration):
            guard let reporting = factory(workspaceID).makeChannel(configuration, id: id).deliveryReports else { return .notReported }
            do throws(ChannelFailure) {
                switch try await reporting.deliveryStatus(
                    of: ChannelReceipt(providerMessageID: providerID, acceptedAt: message.finishedAt ?? clock.now()),
                    for: Self.outbound(message.ticket, address: message.address))
                {
                case .pending: return .pending
                case .delivered(let at): return .delivered(at: at)
                case .failed(let code): return .failed(code: code)
                }
            } catch {
                return .unavailable("\(error)")
            }
        case .failure(.permanent): return .notReported
        case .failure(.transient(let reason)): return .unavailable(reason)
        }
    }

    /// Where a marketing message's one-click unsubscribe link travels among the rendered parameters: the channel
    /// sends it as `List-Unsubscribe`, and it is no variable of a provider's template.
    public static let unsubscribeParameter = "unsubscribeUrl"

    /// The message as a channel takes it: the idempotency key travels (SMTP `Message-ID`, webhook
    /// `Pond-Idempotency-Key`, Aliyun `OutId`); the provider template carries the rendered parameters but the
    /// unsubscribe link; Pond's references go along as metadata for channels that carry them (the webhook body).
    public static func outbound(_ ticket: MessageTicket, address: String?) -> OutboundMessage {
        let content = ticket.content
        var parameters = content.parameters
        let unsubscribeURL = parameters.removeValue(forKey: unsubscribeParameter)
        var metadata = ["profileId": String(ticket.profileID), "origin": ticket.origin]
        if let originRef = ticket.originRef { metadata["originRef"] = originRef }
        return OutboundMessage(
            idempotencyKey: ticket.key, address: address ?? "", category: ticket.category, subject: content.subject,
            text: content.text, html: content.html, unsubscribeURL: unsubscribeURL,
            template: content.providerTemplate.map { PondChannels.ProviderTemplate(code: $0, parameters: parameters) },
            metadata: metadata)
    }
}

/// The sandbox's mailbox is the store: a message the sandbox channel is handed is recorded, once per key, as the
/// dispatcher stored it (its ticket, content and address), for the API to list from any node.
struct StoreSandboxSink: SandboxSink {
    let store: Store
    let workspaceID: String

    func record(_ message: OutboundMessage, channel: ChannelID, acceptedAt: Instant) async throws -> ChannelReceipt {
        guard let stored = try await store.message(workspaceID: workspaceID, key: message.idempotencyKey) else {
            throw ChannelFailure.permanent(
                code: "unknown_message", reason: "the dispatcher holds no message '\(message.idempotencyKey)'")
        }
        let id = try await store.recordSandboxDelivery(workspaceID: workspaceID, stored, at: acceptedAt)
        return ChannelReceipt(providerMessageID: "sandbox-\(id)", acceptedAt: acceptedAt)
    }
}
