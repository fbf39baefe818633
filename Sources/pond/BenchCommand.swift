import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PondCore
import PondEngine
import PondServer
import PondStore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that guard the hot paths.", subcommands: [IngestBench.self, SegmentBench.self, DispatchBench.self, TimerBench.self])
}

/// `pond bench ingest`: posts batches of realistic messages to a Pond server over loopback and, in the same run,
/// inserts the same rows straight into the same database — the limit ingestion can approach.
struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Tracking API throughput and latency.")

    @Option(help: "sqlite:PATH (the file is replaced) or postgres://… (a fresh workspace is used).")
    var database: String = "sqlite:/tmp/pond-bench.sqlite"
    @Option(help: "SQLite commit durability: full or normal.") var durability: DurabilityOption = .full
    @Option(help: "Batches to send.") var batches: Int = 2_000
    @Option(help: "Messages per batch.") var batchSize: Int = 100
    @Option(help: "Concurrent HTTP connections.") var concurrency: Int = 8
    @Flag(help: "Measure ingestion alone: stitch only after the load instead of alongside it.")
    var stitchAfter = false
    @Option(help: "Message ids: uuid (random, as the SDKs send them) or sequential (each next to the last in the index).")
    var messageIds: BenchData.MessageIDs = .uuid

    func run() async throws {
        var logger = Logger(label: "pond-bench")
        logger.logLevel = .warning
        // On SQLite the reference gets a file of its own, so that the tracking API starts, as the reference did, on
        // an empty file: deleting the reference's rows from a shared one would leave the API a log to checkpoint and
        // freed pages to reuse. On Postgres it writes to another workspace of the same database.
        let sqlitePath = database.hasPrefix("sqlite:") ? String(database.dropFirst("sqlite:".count)) : nil
        let rawPath = sqlitePath.map { $0 + "-raw" }
        for path in [sqlitePath, rawPath].compactMap({ $0 }) { Self.removeSQLite(path) }
        defer { rawPath.map(Self.removeSQLite) }
        let sqliteDurability: SQLiteDatabase.Durability = durability == .full ? .full : .normal
        let opened = try await DatabaseURL.open(database, durability: sqliteDurability, logger: logger)
        let rawOpened =
            if let rawPath { try await DatabaseURL.open("sqlite:\(rawPath)", durability: sqliteDurability, logger: logger) } else { opened }
        let bodies = BenchData.bodies(batches: batches, batchSize: batchSize, ids: messageIds)
        let rawRows = BenchData.rows(batches: batches, batchSize: batchSize, ids: messageIds)
        let (batches, batchSize, concurrency, durability, stitchAfter, messageIds) =
            (self.batches, self.batchSize, self.concurrency, self.durability, self.stitchAfter, self.messageIds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await opened.run() }
            try await DatabaseURL.migrate(opened.database)
            try await DatabaseURL.migrate(rawOpened.database)
            let store = Store(database: opened.database)
            // The reference first, before any server or stitcher exists to compete with it.
            let raw = try await Self.rawInsert(rows: rawRows, store: Store(database: rawOpened.database), concurrency: concurrency)
            if rawPath == nil {
                try await store.database.write { db in
                    try await db.execute("DELETE FROM events WHERE workspace_id = ?", .text(BenchData.rawWorkspace))
                }
            }
            let runtime = PondRuntime(store: store, logger: logger)
            let created = try await runtime.provisioner.createWorkspace(name: "bench")
            let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
            let app = buildApplication(runtime: runtime, configuration: ServerConfiguration(port: 0, stitching: !stitchAfter)) {
                portSink.yield($0)
            }
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }

            let http = try await Self.post(bodies: bodies, port: port, writeKey: created.writeKey.secret, concurrency: concurrency)
            let stitchStart = ContinuousClock.now
            await runtime.stitcher.drain()
            let stitchSeconds = (ContinuousClock.now - stitchStart).seconds
            let events = batches * batchSize
            let rss = Self.peakRSSMegabytes()
            print("""
                pond bench ingest — \(opened.redactedURL) (durability \(durability.rawValue)), \(batches) batches × \(batchSize) messages (\(messageIds.rawValue) ids), \(concurrency) connections, \(ProcessInfo.processInfo.activeProcessorCount) cores, stitching \(stitchAfter ? "after the load" : "alongside")
                  tracking API   \(Int(Double(events) / http.seconds)) events/s   p50 \(Self.ms(http.p50)) ms   p99 \(Self.ms(http.p99)) ms per batch   (\(http.failures) failed requests)
                  raw insert     \(Int(Double(events) / raw)) events/s   (same rows, \(batchSize) per transaction, straight into the database)
                  ratio          \(Int(100 * raw / http.seconds))% of the raw limit
                  stitch backlog \(Int(Double(events) / max(stitchSeconds, 0.001))) events/s after the load (remaining pending events stitched in \(String(format: "%.1f", stitchSeconds)) s)
                  peak RSS       \(rss) MB (server, client and generator in one process)
                """)
            group.cancelAll()
        }
    }

    struct HTTPResult {
        var seconds: Double
        var p50: Double
        var p99: Double
        var failures: Int
    }

    static func post(bodies: [[UInt8]], port: Int, writeKey: String, concurrency: Int) async throws -> HTTPResult {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let authorization = "Basic " + Data("\(writeKey):".utf8).base64EncodedString()
        let next = WorkCounter()
        let start = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var failures = 0
                    while let index = next.take(below: bodies.count) {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/batch")
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "Authorization", value: authorization)
                        request.body = .bytes(ByteBuffer(bytes: bodies[index]))
                        let sent = ContinuousClock.now
                        let response = try await client.execute(request, timeout: .seconds(60))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        latencies.append((ContinuousClock.now - sent).seconds)
                        if response.status != .ok { failures += 1 }
                    }
                    return (latencies, failures)
                }
            }
            var all: [Double] = []
            var failures = 0
            for try await (latencies, failed) in group {
                all += latencies
                failures += failed
            }
            return (all.sorted(), failures)
        }
        let seconds = (ContinuousClock.now - start).seconds
        try await client.shutdown()
        let sorted = results.0
        return HTTPResult(
            seconds: seconds, p50: sorted[sorted.count / 2], p99: sorted[min(sorted.count - 1, sorted.count * 99 / 100)],
            failures: results.1)
    }

    /// The same rows through the same SQL, one transaction per batch, with the same number of concurrent writers.
    static func rawInsert(rows: [[[SQLValue]]], store: Store, concurrency: Int) async throws -> Double {
        let next = WorkCounter()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let index = next.take(below: rows.count) {
                        let batch = rows[index]
                        try await store.database.write { db in try await db.executeMany(Store.insertEventSQL, batch) }
                    }
                }
            }
            try await group.waitForAll()
        }
        return (ContinuousClock.now - start).seconds
    }

    static func removeSQLite(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func peakRSSMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
