import Foundation
import PondCore

/// A message the sandbox channel received.
public struct SandboxDelivery: Sendable, Hashable {
    public var id: Int64
    public var key: String
    public var profileID: Int64
    public var channel: ChannelID
    public var category: MessageCategory
    public var address: String?
    public var content: MessageContent
    public var deliveredAt: Instant
}

/// The sandbox channel's mailbox: what it was handed, once per message key, for the API and the demo to list.
extension Store {
    /// Records a delivery (or finds the one recorded for the same key before); returns its id.
    public func recordSandboxDelivery(workspaceID: String, _ message: StoredMessage, at: Instant) async throws -> Int64 {
        try await database.write { db in
            let ws = SQLValue.text(workspaceID)
            let ticket = message.ticket
            try await db.execute(
                """
                INSERT INTO sandbox_deliveries (workspace_id, message_key, profile_id, channel, category, address, content,
                    delivered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, message_key) DO NOTHING
                """, ws, .text(ticket.key), .int(ticket.profileID), .text(ticket.channel.rawValue),
                .text(ticket.category.rawValue), SQLValue(message.address), .text(try Self.encode(ticket.content)), at.sql)
            return try await db.query(
                "SELECT id FROM sandbox_deliveries WHERE workspace_id = ? AND message_key = ?", ws, .text(ticket.key)
            )[0].int(0)
        }
    }

    /// Deliveries newest first, before id `before`; for one cluster when `profileID` is given.
    public func sandboxDeliveries(workspaceID: String, profileID: Int64?, before: Int64?, limit: Int) async throws
        -> [SandboxDelivery]
    {
        try await database.read { db in
            var sql = """
                SELECT id, message_key, profile_id, channel, category, address, content, delivered_at
                FROM sandbox_deliveries WHERE workspace_id = ?
                """
            var binds: [SQLValue] = [.text(workspaceID)]
            if let profileID {
                let root = try await Self.root(db, workspaceID, profileID) ?? profileID
                let members = try await Self.members(db, workspaceID, root: root)
                let ids = members.isEmpty ? [profileID] : members
                sql += " AND profile_id IN (\(placeholders(ids.count)))"
                binds += ids.map(SQLValue.int)
            }
            if let before {
                sql += " AND id < ?"
                binds.append(.int(before))
            }
            sql += " ORDER BY id DESC LIMIT ?"
            binds.append(.int(Int64(limit)))
            return try await db.query(sql, binds).map { row in
                guard let category = MessageCategory(rawValue: try row.text(4)) else {
                    throw StoreError.corrupt("sandbox delivery \(try row.int(0)) has category \(row[4])")
                }
                return SandboxDelivery(
                    id: try row.int(0), key: try row.text(1), profileID: try row.int(2), channel: ChannelID(try row.text(3)),
                    category: category, address: row[5].text,
                    content: try JSONDecoder().decode(MessageContent.self, from: Data(try row.text(6).utf8)),
                    deliveredAt: try row.instant(7))
            }
        }
    }

    /// How many deliveries the sandbox holds for a workspace.
    public func sandboxDeliveryCount(workspaceID: String) async throws -> Int {
        try await database.read { db in
            Int(try await db.query("SELECT COUNT(*) FROM sandbox_deliveries WHERE workspace_id = ?", .text(workspaceID))[0].int(0))
        }
    }
}
