import Foundation
import PondCore
import PondEngine
import PondStore

/// A large synthetic brand written straight into the tables (the tracking path is measured by `bench ingest`):
/// profiles, events with JSON payloads like the SDKs send, member tags and lifecycle stages. Deterministic for a seed,
/// and mirrored row for row into CSV files for DuckDB.
struct SegmentBenchData {
    let profiles: Int
    let eventsPerProfile: Int
    let now: Instant
    var seed: UInt64 = 20261122

    static let categories = ["护肤", "彩妆", "香氛", "个护", "母婴"]
    static let stages = ["acquired", "activated", "retained", "converted", "dormant", "churned", "won_back"]

    func generate(into store: Store, workspaceID: String, csvDirectory: String?) async throws {
        try await store.createWorkspace(Workspace(id: workspaceID, name: "bench", createdAt: now))
        let csv = try csvDirectory.map { try CSVFiles(directory: $0) }
        var rng = SplitMix64(seed: seed)
        let chunk = 20_000
        var serial: Int64 = 0
        try await store.bulkLoad {
            for start in stride(from: 1, through: profiles, by: chunk) {
                let ids = start..<min(start + chunk, profiles + 1)
                var profileRows: [[SQLValue]] = []
                var eventRows: [[SQLValue]] = []
                var tagRows: [[SQLValue]] = []
                var stageRows: [[SQLValue]] = []
                for id in ids {
                    let profile = Int64(id)
                    let firstSeen = now.adding(days: -(rng.int(400) + 1))
                    let count = rng.int(eventsPerProfile * 2 + 1)
                    var last = firstSeen
                    for _ in 0..<count {
                        serial += 1
                        let ts = Instant(
                            millisecondsSinceEpoch: firstSeen.millisecondsSinceEpoch
                                + Int64(rng.int(Int(now.millisecondsSinceEpoch - firstSeen.millisecondsSinceEpoch))))
                        last = max(last, ts)
                        let isOrder = rng.chance(12)
                        let name = isOrder ? "Order Completed" : (rng.chance(70) ? "Product Viewed" : "Coupon Claimed")
                        let category = Self.categories[rng.int(Self.categories.count)]
                        let properties: String =
                            isOrder
                            ? #"{"category":"\#(category)","revenue":\#(Double(rng.int(90_000) + 1_000) / 100),"order_id":"o\#(serial)"}"#
                            : #"{"category":"\#(category)","product":"p\#(rng.int(500))"}"#
                        let messageID = "b\(serial)"
                        let payload =
                            #"{"type":"track","event":"\#(name)","messageId":"\#(messageID)","userId":"u\#(profile)","timestamp":"\#(ISO8601.format(ts))","properties":\#(properties)}"#
                        eventRows.append([
                            .text(workspaceID), .text(messageID), .text(name), .text("u\(profile)"), SQLValue.int(ts.millisecondsSinceEpoch), .int(ts.millisecondsSinceEpoch),
                            .int(profile), .text(payload),
                        ])
                        csv?.events.write("\(profile),\(CSVFiles.quote(name)),\(ts.millisecondsSinceEpoch),\(CSVFiles.quote(payload))\n")
                    }
                    profileRows.append([.int(profile), .text(workspaceID), .int(profile), SQLValue.int(firstSeen.millisecondsSinceEpoch), .int(firstSeen.millisecondsSinceEpoch), .int(last.millisecondsSinceEpoch)])
                    csv?.profiles.write("\(profile),\(profile)\n")
                    if rng.chance(30) {
                        tagRows.append([.text(workspaceID), .int(profile), .text("会员"), .int(firstSeen.millisecondsSinceEpoch)])
                        csv?.tags.write("\(profile),会员\n")
                    }
                    let stage = Self.stages[rng.int(Self.stages.count)]
                    stageRows.append([.text(workspaceID), .int(profile), .text(stage), .int(firstSeen.millisecondsSinceEpoch), .int(now.millisecondsSinceEpoch), .int(firstSeen.millisecondsSinceEpoch)])
                    csv?.stages.write("\(profile),\(stage)\n")
                }
                let (profileBatch, eventBatch, tagBatch, stageBatch) = (profileRows, eventRows, tagRows, stageRows)
                try await store.database.write { db in
                    try await db.executeMany(
                        """
                        INSERT INTO profiles (id, workspace_id, canonical_id, created_at, first_seen, last_seen)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """, profileBatch)
                    try await db.executeMany(
                        """
                        INSERT INTO events (workspace_id, message_id, type, event, user_id, ts, received_at, source, channel,
                            profile_id, payload)
                        VALUES (?, ?, 'track', ?, ?, ?, ?, 'bench', 'mini_program', ?, ?)
                        """, eventBatch)
                    try await db.executeMany(
                        """
                        INSERT INTO identities (workspace_id, type, value, profile_id, first_seen)
                        VALUES (?, 'user_id', ?, ?, ?)
                        """, profileBatch.map { [$0[1], .text("u\($0[0].int!)"), $0[0], $0[3]] })
                    try await db.executeMany(
                        "INSERT INTO profile_tags (workspace_id, profile_id, tag, source, tagged_at) VALUES (?, ?, ?, 'import', ?)",
                        tagBatch)
                    try await db.executeMany(
                        """
                        INSERT INTO profile_stages (workspace_id, profile_id, stage, since, rule, reason, evaluated_at,
                            first_seen, order_count)
                        VALUES (?, ?, ?, ?, 'first_seen', 'generated', ?, ?, 0)
                        """, stageBatch)
                }
            }
        }
        try csv?.close()
        if store.database.dialect == .postgres {
            try await store.database.write { db in
                try await db.execute("SELECT setval(pg_get_serial_sequence('profiles', 'id'), (SELECT MAX(id) FROM profiles))")
                try await db.execute("ANALYZE")
            }
        } else {
            try await store.database.write { db in try await db.execute("ANALYZE") }
        }
    }
}

/// The CSV mirror: `profiles.csv` (id, canonical_id), `events.csv` (profile_id, event, ts, payload), `tags.csv`
/// (profile_id, tag), `stages.csv` (profile_id, stage), each with a header.
final class CSVFiles {
    let profiles: Sink
    let events: Sink
    let tags: Sink
    let stages: Sink

    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        profiles = try Sink("\(directory)/profiles.csv", header: "id,canonical_id")
        events = try Sink("\(directory)/events.csv", header: "profile_id,event,ts,payload")
        tags = try Sink("\(directory)/tags.csv", header: "profile_id,tag")
        stages = try Sink("\(directory)/stages.csv", header: "profile_id,stage")
    }

    func close() throws { for sink in [profiles, events, tags, stages] { try sink.flush() } }

    static func quote(_ field: String) -> String { "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// A buffered file writer.
    final class Sink {
        private let handle: FileHandle
        private var buffer: [UInt8] = []

        init(_ path: String, header: String) throws {
            FileManager.default.createFile(atPath: path, contents: nil)
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            write(header + "\n")
        }

        func write(_ line: String) {
            buffer.append(contentsOf: line.utf8)
            if buffer.count >= 1 << 20 { try? flush() }
        }

        func flush() throws {
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
