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
    }
}
