import Foundation
import PondCore

/// Writes Pond's own entries on a profile's timeline (`SystemEvent`: tag added/removed, lifecycle stage and RFM
/// layer changed).
///
/// They are ordinary `track` events on the `pond` channel, attached to the cluster root when written (so stitching
/// never sees them), which makes them show up in the timeline, count in `performed` conditions and reach journeys
/// through the same event stream as everything else — without counting as customer activity or presence.
extension Store {
    static func appendSystemEvents(_ db: any SQLExecutor, _ workspaceID: String, _ events: [SystemEvent], at: Instant)
        async throws
    {
        guard !events.isEmpty else { return }
        let rows: [[SQLValue]] = events.map { event in
            let messageID = "pond-" + UUID().uuidString.lowercased()
            let payload: JSONValue = [
                "type": "track", "event": .string(event.name), "messageId": .string(messageID),
                "timestamp": .string(ISO8601.format(at)), "receivedAt": .string(ISO8601.format(at)),
                "context": ["library": ["name": "pond"]], "properties": .object(event.properties),
            ]
            return [
                .text(workspaceID), .text(messageID), .text(event.name), at.sql, at.sql, .text(systemChannel),
                .text(systemChannel), .int(event.profileID), .text(JSONWriter.string(payload)),
            ]
        }
        try await insertAttachedEvents(
            db,
            """
            INSERT INTO events (workspace_id, message_id, type, event, ts, received_at, source, channel, profile_id, payload)
            VALUES (?, ?, 'track', ?, ?, ?, ?, ?, ?, ?)
            """, rows)
        try await feedJourneyInbox(db, workspaceID, systemEvents: events, at: at)
    }

    /// Copies the system events some journey listens for (a journey entered on `Tag Added`, a wait for `Consent
    /// Granted`) into the journey inbox, as the stitcher does for the customer's own events. They never pass
    /// through stitching, so they are found here by what was just written: the profiles, the names and the time.
    /// Nothing is read beyond one look at the listeners when no journey listens for them.
    private static func feedJourneyInbox(_ db: any SQLExecutor, _ workspaceID: String, systemEvents events: [SystemEvent], at: Instant)
        async throws
    {
        let ws = SQLValue.text(workspaceID)
        let names = Array(Set(events.map(\.name)))
        let listened = try await db.query(
            """
            SELECT DISTINCT name FROM journey_listeners WHERE workspace_id = ? AND source = 'event'
                AND name IN (\(placeholders(names.count)))
            """, [ws] + names.map(SQLValue.text)
        ).map { try $0.text(0) }
        guard !listened.isEmpty else { return }
        let profiles = Array(Set(events.filter { listened.contains($0.name) }.map(\.profileID)))
        for chunk in profiles.chunked(500) {
            try await db.execute(
                """
                INSERT INTO journey_inbox (workspace_id, source, name, profile_id, ref, at)
                SELECT workspace_id, 'event', event, profile_id, seq, ts FROM events
                WHERE workspace_id = ? AND profile_id IN (\(placeholders(chunk.count))) AND ts = ? AND channel = ?
                    AND event IN (\(placeholders(listened.count)))
                """, [ws] + chunk.map(SQLValue.int) + [at.sql, .text(systemChannel)] + listened.map(SQLValue.text))
        }
    }
}
