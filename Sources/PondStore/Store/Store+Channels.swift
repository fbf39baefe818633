import PondCore

/// One configured channel of a workspace, as stored.
///
/// `configuration` is the channel's full JSON form, secrets included (`ChannelConfiguration.json` in
/// `PondChannels`): the store neither reads nor validates it, the engine's `ChannelService` does. It must never
/// reach a response or a log line as it is.
public struct StoredChannel: Sendable, Hashable {
    public var id: ChannelID
    public var configuration: JSONValue
    /// Messages a second the dispatcher hands this channel at most, per node; nil for no limit.
    public var ratePerSecond: Double?
    public var enabled: Bool
    public var updatedAt: Instant

    public init(id: ChannelID, configuration: JSONValue, ratePerSecond: Double?, enabled: Bool, updatedAt: Instant) {
        self.id = id
        self.configuration = configuration
        self.ratePerSecond = ratePerSecond
        self.enabled = enabled
        self.updatedAt = updatedAt
    }
}

/// The channels a workspace delivers through (`workspace_channels`), one row per channel id.
extension Store {
    /// Every configured channel of a workspace, by id.
    public func channels(workspaceID: String) async throws -> [StoredChannel] {
        try await database.read { db in
            try await db.query(
                """
                SELECT channel_id, configuration, rate_per_second, enabled, updated_at FROM workspace_channels
                WHERE workspace_id = ? ORDER BY channel_id
                """, .text(workspaceID)
            ).map(Self.decodeChannel)
        }
    }

    public func channel(workspaceID: String, id: ChannelID) async throws -> StoredChannel? {
        try await database.read { db in try await Self.channel(db, workspaceID, id) }
    }

    /// Reads a channel's row and writes what `change` makes of it, in one transaction: a change that keeps part of
    /// the stored configuration (a secret sent back as `"set"`) is computed from the row it replaces, never from one
    /// another writer replaced meanwhile (Postgres locks the row; SQLite has one writer). `change` may throw to
    /// store nothing.
    public func saveChannel(
        workspaceID: String, id: ChannelID, _ change: @Sendable (StoredChannel?) throws -> StoredChannel
    ) async throws -> StoredChannel {
        try await database.write { db in
            let saved = try change(try await Self.channel(db, workspaceID, id, forUpdate: db.dialect == .postgres))
            try await db.execute(
                """
                INSERT INTO workspace_channels
                    (workspace_id, channel_id, configuration, rate_per_second, enabled, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, channel_id) DO UPDATE SET configuration = excluded.configuration,
                    rate_per_second = excluded.rate_per_second, enabled = excluded.enabled,
                    updated_at = excluded.updated_at
                """, .text(workspaceID), .text(id.rawValue), .text(JSONWriter.string(saved.configuration)),
                saved.ratePerSecond.map(SQLValue.double) ?? .null, .int(saved.enabled ? 1 : 0), saved.updatedAt.sql)
            return StoredChannel(
                id: id, configuration: saved.configuration, ratePerSecond: saved.ratePerSecond, enabled: saved.enabled,
                updatedAt: saved.updatedAt)
        }
    }

    /// Removes a channel's configuration; false when there was none.
    public func deleteChannel(workspaceID: String, id: ChannelID) async throws -> Bool {
        try await database.write { db in
            try await db.execute(
                "DELETE FROM workspace_channels WHERE workspace_id = ? AND channel_id = ?", .text(workspaceID),
                .text(id.rawValue)) > 0
        }
    }

    private static func channel(_ db: any SQLExecutor, _ workspaceID: String, _ id: ChannelID, forUpdate: Bool = false)
        async throws -> StoredChannel?
    {
        try await db.query(
            """
            SELECT channel_id, configuration, rate_per_second, enabled, updated_at FROM workspace_channels
            WHERE workspace_id = ? AND channel_id = ?
            """ + (forUpdate ? " FOR UPDATE" : ""), .text(workspaceID), .text(id.rawValue)
        ).first.map(decodeChannel)
    }

    private static func decodeChannel(_ row: SQLRow) throws -> StoredChannel {
        let id = try row.text(0)
        let configuration: JSONValue
        do {
            configuration = try JSONParser.parseStored(try row.text(1))
        } catch {
            // The error of a parser quotes no input, so a corrupt row cannot leak a secret through it.
            throw StoreError.corrupt("the configuration of channel '\(id)' is not JSON")
        }
        return StoredChannel(
            id: ChannelID(id), configuration: configuration, ratePerSecond: row[2].double, enabled: try row.int(3) != 0,
            updatedAt: try row.instant(4))
    }
}
