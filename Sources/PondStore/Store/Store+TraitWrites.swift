import Foundation
import PondCore

/// Traits Pond writes itself (a journey's `set_trait` step), on the cluster root, as if the profile had sent them
/// at `at`: the latest value of a key wins (`Store+ProfileFacts`), the change is in the trait history under
/// `messageID`, and the profile is queued so segments reading the trait follow.
extension Store {
    public func setTraits(workspaceID: String, profileID: Int64, _ traits: [String: JSONValue], messageID: String, at: Instant)
        async throws
    {
        guard !traits.isEmpty else { return }
        try await writeQueuingProfileWork { db in
            let ws = SQLValue.text(workspaceID)
            guard let root = try await Self.root(db, workspaceID, profileID) else { return }
            for (key, value) in traits.sorted(by: { $0.key < $1.key }) {
                let json = SQLValue.text(JSONWriter.string(value))
                try await db.execute(
                    """
                    INSERT INTO profile_traits (workspace_id, profile_id, key, value, ts) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace_id, profile_id, key) DO UPDATE SET value = excluded.value, ts = excluded.ts
                    """, ws, .int(root), .text(key), json, at.sql)
                try await db.execute(
                    "INSERT INTO trait_history (workspace_id, profile_id, key, value, ts, message_id) VALUES (?, ?, ?, ?, ?, ?)",
                    ws, .int(root), .text(key), json, at.sql, .text(messageID))
            }
            try await Self.queueProfileWork(db, workspaceID, [root], at: at)
        }
    }
}
