import PondChannels
import PondCore
import PondStore

/// The channels a workspace delivers through: which provider serves each channel id, with what credentials, at what
/// send rate, and whether it is on.
///
/// A channel id names what dispatch rules, consent and addresses speak of (`sms`, `email`, `webhook`, `sandbox`);
/// a configuration serves the id of its kind (`sms_aliyun` serves `sms`, `smtp` serves `email`), and a `sandbox`
/// configuration may stand in for any id — a brand stages journeys on `sms` with nothing sent. One provider per
/// channel id: a second SMS provider side by side would need addresses and consent to know which id is an SMS
/// channel, which they do not yet.
///
/// Secrets are write-only: what this service returns holds them as `Secret`s, which front doors render with
/// `redacted()`; a change may send `"set"` back for a secret to keep it (`ChannelSecrets.merge`). Every change is
/// seen by this process's channel directory at once and by other nodes within a few seconds.
public struct ChannelService: Sendable {
    let store: Store
    let clock: any Clock
    let cache: ChannelSettingsCache

    public init(store: Store, clock: any Clock) {
        self.store = store
        self.clock = clock
        cache = ChannelSettingsCache(store: store, clock: clock)
    }

    /// Every configured channel of the workspace, by id.
    public func list(workspaceID: String) async throws -> [ChannelSettings] {
        try await store.channels(workspaceID: workspaceID).map { stored in try Self.decode(stored) }
    }

    public func get(workspaceID: String, id: String) async throws -> ChannelSettings {
        let channel = try Self.channelID(id)
        guard let stored = try await store.channel(workspaceID: workspaceID, id: channel) else {
            throw DefinitionError.notFound("channel '\(id)'")
        }
        return try Self.decode(stored)
    }

    /// Configures a channel, or changes its configuration. Nothing is stored unless all of it is valid.
    /// - Parameters:
    ///   - configuration: the channel's JSON form (`ChannelConfiguration`), where `"set"` keeps a stored secret.
    ///   - ratePerSecond: messages a second the dispatcher hands it at most, per node; nil for no limit.
    public func put(
        workspaceID: String, id: String, configuration: JSONValue, ratePerSecond: Double?, enabled: Bool = true
    ) async throws -> ChannelSettings {
        let channel = try Self.channelID(id)
        let maximum = ChannelSettings.maximumRatePerSecond
        if let ratePerSecond, !(ratePerSecond > 0 && ratePerSecond <= maximum) {
            throw DefinitionError(
                .invalid, .invalidRequest, "'ratePerSecond' is messages a second, above 0 and at most \(Int(maximum))",
                details: ["path": "ratePerSecond"])
        }
        let now = clock.now()
        let saved = try await store.saveChannel(workspaceID: workspaceID, id: channel) { stored in
            let kept = stored.flatMap { try? ChannelConfiguration.parse($0.configuration) }
            let parsed: ChannelConfiguration
            do throws(ChannelConfigurationError) {
                parsed = try ChannelSecrets.merge(configuration, keeping: kept)
                try Self.check(parsed, serves: channel)
            } catch {
                throw Self.refusal(error)
            }
            return StoredChannel(
                id: channel, configuration: parsed.json, ratePerSecond: ratePerSecond, enabled: enabled, updatedAt: now)
        }
        let settings = try Self.decode(saved)
        cache.changed(workspaceID: workspaceID, channel: channel, to: settings)
        return settings
    }

    /// Removes a channel's configuration: its messages fail as not configured from then on (the `sandbox` channel
    /// goes back to recording, which it does unconfigured).
    public func delete(workspaceID: String, id: String) async throws {
        let channel = try Self.channelID(id)
        guard try await store.deleteChannel(workspaceID: workspaceID, id: channel) else {
            throw DefinitionError.notFound("channel '\(id)'")
        }
        cache.changed(workspaceID: workspaceID, channel: channel, to: nil)
    }

    /// The settings a delivery goes by: this process's cached copy, read again when a few seconds old.
    func settings(workspaceID: String, channel: ChannelID) async throws -> ChannelSettings? {
        try await cache.settings(workspaceID: workspaceID, channel: channel)
    }

    /// The send limit of a channel as last read, for `SendRate` (which asks synchronously).
    public func sendLimit(workspaceID: String, channel: ChannelID) -> SendRate.Limit? {
        cache.sendLimit(workspaceID: workspaceID, channel: channel)
    }

    static func channelID(_ id: String) throws(DefinitionError) -> ChannelID {
        let channel = ChannelID(id)
        guard channel.isWellFormed else {
            throw DefinitionError(
                .invalid, .invalidRequest, "a channel id is 1 to 32 of a-z, 0-9, _ and -, got \"\(id)\"",
                details: ["path": "id"])
        }
        return channel
    }

    /// A configuration serves the channel of its kind; the sandbox serves any.
    static func check(_ configuration: ChannelConfiguration, serves channel: ChannelID)
        throws(ChannelConfigurationError)
    {
        if case .sandbox = configuration { return }
        guard configuration.channelID == channel else {
            throw ChannelConfigurationError(
                .invalidConfig, path: "type",
                "a \(configuration.type) configuration serves channel '\(configuration.channelID)', not '\(channel)'")
        }
    }

    /// A refused configuration as the API reports it: its code, and the member at fault inside `configuration`.
    static func refusal(_ error: ChannelConfigurationError) -> DefinitionError {
        DefinitionError(
            .invalid, code: error.code.rawValue, error.message,
            details: ["path": .string(error.path.isEmpty ? "configuration" : "configuration.\(error.path)")])
    }

    private static func decode(_ stored: StoredChannel) throws -> ChannelSettings {
        do {
            return try ChannelSettings(stored)
        } catch {
            // Saved when it validated; a later version refusing it is for an operator to fix by saving it again.
            throw StoreError.corrupt("channel '\(stored.id)' has a configuration this version refuses: \(error)")
        }
    }
}
