import PondChannels
import PondCore
import PondStore
import Synchronization

/// The channel settings of this process, read from the store at most once per `maximumAge` per workspace and
/// channel, so a delivery does not read the store for its channel's configuration every time.
///
/// A change made through this process's `ChannelService` drops the entry at once, so the next delivery reads what
/// was saved. A change made on another node is seen within `maximumAge` (5 s): nodes share no cache, only the
/// store. A read that began before a change and ends after it is not kept (each key counts its changes), so a stale
/// configuration cannot slip back in.
///
/// "Not configured" is cached too, for the same time: a workspace sending on a channel it never configured does not
/// read the store for each of those messages.
final class ChannelSettingsCache: Sendable {
    private struct Key: Hashable {
        var workspaceID: String
        var channel: ChannelID
    }

    private struct Entry {
        var settings: Result<ChannelSettings?, ChannelConfigurationError>
        var readAt: Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var changes: [Key: Int] = [:]
        /// The send limit last read or saved, kept when an entry is dropped (see `sendLimit`).
        var limits: [Key: SendRate.Limit] = [:]
    }

    let store: Store
    let clock: any Clock
    let maximumAge: Duration
    private let state = Mutex(State())

    init(store: Store, clock: any Clock, maximumAge: Duration = .seconds(5)) {
        self.store = store
        self.clock = clock
        self.maximumAge = maximumAge
    }

    /// The settings of a workspace's channel, nil when it has none; throws `ChannelConfigurationError` for a stored
    /// configuration that no longer validates, and the store's errors.
    func settings(workspaceID: String, channel: ChannelID) async throws -> ChannelSettings? {
        let key = Key(workspaceID: workspaceID, channel: channel)
        let now = clock.now()
        let (cached, changes) = state.withLock { state in
            let fresh = state.entries[key].flatMap { now < $0.readAt.adding(maximumAge) ? $0 : nil }
            return (fresh, state.changes[key, default: 0])
        }
        if let cached { return try cached.settings.get() }
        let stored = try await store.channel(workspaceID: workspaceID, id: channel)
        let settings = Result<ChannelSettings?, ChannelConfigurationError> { () throws(ChannelConfigurationError) in
            guard let stored else { return nil }
            return try ChannelSettings(stored)
        }
        state.withLock { state in
            guard state.changes[key, default: 0] == changes else { return }
            state.entries[key] = Entry(settings: settings, readAt: now)
            state.limits[key] = (try? settings.get())?.sendLimit
        }
        return try settings.get()
    }

    /// The send limit of a workspace's channel as last read or saved: `SendRate` asks synchronously, just before a
    /// hand-over that reads the settings afresh when they are old. Before the first read of a channel (the first
    /// message after a start) there is none.
    func sendLimit(workspaceID: String, channel: ChannelID) -> SendRate.Limit? {
        state.withLock { $0.limits[Key(workspaceID: workspaceID, channel: channel)] }
    }

    /// Drops a channel's settings after this process changed them: `settings` is what was saved (nil after a
    /// removal), whose send limit holds from the next message on.
    func changed(workspaceID: String, channel: ChannelID, to settings: ChannelSettings?) {
        let key = Key(workspaceID: workspaceID, channel: channel)
        state.withLock { state in
            state.changes[key, default: 0] += 1
            state.entries[key] = nil
            state.limits[key] = settings?.sendLimit
        }
    }
}
