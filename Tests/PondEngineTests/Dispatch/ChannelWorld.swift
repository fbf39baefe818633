import Foundation
import PondChannels
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// A `DispatchWorld` whose job runner delivers through a `ChannelDirectory` over the workspace's channel settings,
/// configured through the same `ChannelService` the directory reads, with the send rate read from those settings.
///
/// The directory's in-process retries are one attempt, so every retry a test sees went through the job queue.
struct ChannelWorld {
    let dispatch: DispatchWorld
    let channels: ChannelService
    let directory: ChannelDirectory

    static let workspace = DispatchWorld.workspace

    static func with(
        _ backend: TestBackend, clock: ManualClock = ManualClock(DispatchWorld.noon),
        unconfigured: ChannelDirectory.Unconfigured = .refused, _ body: (ChannelWorld) async throws -> Void
    ) async throws {
        try await backend.withStore { store in
            try await store.createWorkspace(
                Workspace(id: workspace, name: workspace, createdAt: Instant(millisecondsSinceEpoch: 0)))
            let channels = ChannelService(store: store, clock: clock)
            let directory = ChannelDirectory(
                channels: channels, store: store, clock: clock, retryPolicy: .once(timeout: .seconds(5)),
                unconfigured: unconfigured)
            let rate = SendRate { workspaceID, channel in channels.sendLimit(workspaceID: workspaceID, channel: channel) }
            try await body(
                ChannelWorld(
                    dispatch: DispatchWorld(store, clock: clock, channels: directory, rate: rate), channels: channels,
                    directory: directory))
        }
    }

    var clock: ManualClock { dispatch.clock }
    var store: Store { dispatch.store }

    /// Configures a channel of the workspace.
    @discardableResult
    func configure(_ id: String, _ configuration: JSONValue, ratePerSecond: Double? = nil, enabled: Bool = true)
        async throws -> ChannelSettings
    {
        try await channels.put(
            workspaceID: Self.workspace, id: id, configuration: configuration, ratePerSecond: ratePerSecond, enabled: enabled)
    }

    /// The Aliyun configuration that the simulator at `baseURL` accepts.
    static func aliyun(_ simulator: AliyunSMSSimulator, baseURL: String, signName: String = "池塘") -> JSONValue {
        [
            "type": "sms_aliyun", "baseURL": .string(baseURL), "accessKeyId": .string(simulator.accessKeyId),
            "accessKeySecret": .string(simulator.accessKeySecret), "signName": .string(signName),
        ]
    }

    /// A service SMS from an approved template (service messages need no marketing consent).
    func sms(_ key: String, _ profile: Int64, code: String = "123456") -> MessageTicket {
        var ticket = dispatch.ticket(key, profile, .sms, .service)
        ticket.content = MessageContent(text: "验证码 \(code)", providerTemplate: "SMS_100001", parameters: ["code": code])
        return ticket
    }

    func message(_ key: String) async throws -> StoredMessage {
        try await dispatch.services.dispatch.message(workspaceID: Self.workspace, key: key)
    }
}
