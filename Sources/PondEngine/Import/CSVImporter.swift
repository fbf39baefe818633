import PondCore
import PondStore

/// A CSV file as a sequence of byte chunks that can be read more than once (the importer reads it twice).
public protocol CSVByteSource: Sendable {
    /// Total size, when known, for progress.
    var byteCount: Int? { get }
    /// Calls `body` with the bytes in order, from the start, a chunk at a time.
    func forEachChunk(_ body: (ArraySlice<UInt8>) async throws -> Void) async throws
}

/// A CSV already in memory (an HTTP body), handed out in slices so progress still moves.
public struct InMemoryCSVSource: CSVByteSource {
    public let bytes: [UInt8]
    public let chunkSize: Int

    public init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    public var byteCount: Int? { bytes.count }

    public func forEachChunk(_ body: (ArraySlice<UInt8>) async throws -> Void) async throws {
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            try await body(bytes[start..<end])
            start = end
        }
    }
}

/// Imports orders or customers from a CSV export through the ingestion pipeline, so imported rows are deduplicated,
/// stitched and profiled exactly like live tracking data.
///
/// The file is read twice. The first pass only parses: a structural error (an unbalanced quote, GBK instead of
/// UTF-8) or a mapping that does not fit the header refuses the whole file before anything is stored, because
/// everything after such an error is unreliable. The second pass converts rows (`ImportRowConverter`) and submits
/// them in chunks; rows that cannot be used are reported with their row number and the reason, and the rest are
/// stored. Messages have deterministic ids, so running the same import again — after fixing rejected rows, or after
/// a crash half-way — stores only what is missing.
///
/// Memory stays near one chunk of the file plus one batch of messages, whatever the file's size; the ids of the
/// orders seen are kept to catch an order repeated further down the file.
public struct CSVImporter: Sendable {
    public struct Request: Sendable {
        public var workspaceID: String
        public var kind: ImportKind
        public var preset: ImportPreset
        /// Laid over the preset's mapping.
        public var mapping: ImportMapping?

        public init(workspaceID: String, kind: ImportKind, preset: ImportPreset, mapping: ImportMapping? = nil) {
            self.workspaceID = workspaceID
            self.kind = kind
            self.preset = preset
            self.mapping = mapping
        }
    }

    public struct Progress: Sendable, Equatable {
        public enum Phase: String, Sendable {
            /// First pass: parsing only.
            case checking
            /// Second pass: converting and storing.
            case importing
        }

        public var phase: Phase
        public var bytesRead: Int
        public var totalBytes: Int?
        /// Data rows read so far in this phase.
        public var rows: Int
        /// Data rows in the file, once the first pass has counted them.
        public var totalRows: Int?

        /// 0…1 within the phase, when the size is known.
        public var fraction: Double? {
            guard let totalBytes, totalBytes > 0 else { return nil }
            return min(1, Double(bytesRead) / Double(totalBytes))
        }
    }

    public struct Report: Sendable, Equatable {
        public var kind: ImportKind
        public var preset: ImportPreset
        public var channel: String
        /// Data rows in the file (the header and blank lines excluded).
        public var rows: Int
        /// Rows that became (part of) a stored message.
        public var acceptedRows: Int
        /// Messages submitted: one per customer, one per order (an order may span several rows). Re-imported
        /// messages are counted too; the event log skips them.
        public var events: Int
        public var rejectedCount: Int
        /// The first `maximumReportedRejections` rejected rows, in file order.
        public var rejected: [ImportRejection]

        public var json: JSONValue {
            [
                "kind": .string(kind.rawValue), "preset": .string(preset.rawValue), "channel": .string(channel),
                "source": .string(preset.source), "rows": .int(Int64(rows)), "acceptedRows": .int(Int64(acceptedRows)),
                "events": .int(Int64(events)), "rejectedCount": .int(Int64(rejectedCount)),
                "rejected": .array(rejected.map { ["row": .int(Int64($0.row)), "reason": .string($0.reason)] }),
                "rejectedTruncated": .bool(rejected.count < rejectedCount),
            ]
        }
    }

    /// Why nothing was imported.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidCSV(CSVError)
        case invalidMapping(ImportMappingError)
        /// No header row.
        case empty
        /// The source changed between the two passes (a file still being written).
        case changedWhileReading

        public var description: String {
            switch self {
            case .invalidCSV(let error): "invalid CSV: \(error)"
            case .invalidMapping(let error): "invalid mapping: \(error)"
            case .empty: "the file is empty: it needs a header row"
            case .changedWhileReading: "the file changed while it was being imported"
            }
        }
    }

    public let pipeline: IngestPipeline
    public let clock: any Clock
    /// Messages per `IngestPipeline.submit` call.
    public var chunkSize: Int
    public var maximumReportedRejections: Int

    public init(pipeline: IngestPipeline, clock: any Clock, chunkSize: Int = 500, maximumReportedRejections: Int = 1000) {
        self.pipeline = pipeline
        self.clock = clock
        self.chunkSize = max(1, chunkSize)
        self.maximumReportedRejections = maximumReportedRejections
    }

    /// The delimiter the request reads with: the user's mapping, else the preset's, else a comma.
    public static func delimiter(for request: Request) -> CSVDelimiter {
        request.mapping?.delimiter ?? request.preset.mapping(for: request.kind).delimiter ?? .comma
    }

    public func run(
        _ request: Request, from source: some CSVByteSource, progress: @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Report {
        let delimiter = Self.delimiter(for: request)
        let receivedAt = clock.now()

        // Pass 1: the whole file must parse, and the mapping must fit its header, before anything is stored.
        var header: CSVRecord?
        var totalRows = 0
        var bytesRead = 0
        var reader = CSVReader(delimiter: delimiter)
        func count(_ records: [CSVRecord]) {
            for record in records {
                if header == nil { header = record } else { totalRows += 1 }
            }
        }
        do {
            try await source.forEachChunk { chunk in
                count(try reader.read(chunk))
                bytesRead += chunk.count
                progress(Progress(phase: .checking, bytesRead: bytesRead, totalBytes: source.byteCount, rows: totalRows))
            }
            count(try reader.finish())
        } catch let error as CSVError {
            throw Failure.invalidCSV(error)
        }
        guard let header else { throw Failure.empty }
        var converter: ImportRowConverter
        do {
            converter = try ImportRowConverter(
                kind: request.kind, preset: request.preset, override: request.mapping, header: header.fields,
                receivedAt: receivedAt)
        } catch {
            throw Failure.invalidMapping(error)
        }

        // Pass 2: convert and store.
        var report = Report(
            kind: request.kind, preset: request.preset, channel: converter.channel, rows: 0, acceptedRows: 0, events: 0,
            rejectedCount: 0, rejected: [])
        var batch: [IncomingEvent] = []
        batch.reserveCapacity(chunkSize)
        func collect(_ outcomes: [ImportOutcome]) {
            for outcome in outcomes {
                switch outcome {
                case .message(let message, let rows):
                    batch.append(
                        IncomingEvent(
                            workspaceID: request.workspaceID, source: request.preset.source, channel: converter.channel,
                            message: message))
                    report.acceptedRows += rows.count
                    report.events += 1
                case .rejected(let rejection):
                    report.rejectedCount += 1
                    if report.rejected.count < maximumReportedRejections { report.rejected.append(rejection) }
                }
            }
        }
        func flushIfFull() async throws {
            guard batch.count >= chunkSize else { return }
            try await submit(batch)
            batch.removeAll(keepingCapacity: true)
        }
        var sawHeader = false
        func convert(_ records: [CSVRecord]) throws {
            for record in records {
                guard sawHeader else {
                    guard record == header else { throw Failure.changedWhileReading }
                    sawHeader = true
                    continue
                }
                report.rows += 1
                collect(converter.consume(record.fields, row: record.row))
            }
        }
        reader = CSVReader(delimiter: delimiter)
        bytesRead = 0
        do {
            try await source.forEachChunk { chunk in
                try convert(try reader.read(chunk))
                try await flushIfFull()
                bytesRead += chunk.count
                progress(
                    Progress(
                        phase: .importing, bytesRead: bytesRead, totalBytes: source.byteCount, rows: report.rows,
                        totalRows: totalRows))
            }
            try convert(try reader.finish())
        } catch is CSVError {
            throw Failure.changedWhileReading
        }
        collect(converter.finish())
        if !batch.isEmpty { try await submit(batch) }
        guard report.rows == totalRows else { throw Failure.changedWhileReading }
        return report
    }

    /// Submits one chunk, waiting and retrying while the pipeline's backlog is full (live traffic has priority;
    /// an import can wait).
    private func submit(_ events: [IncomingEvent]) async throws {
        var delay = Duration.milliseconds(50)
        var attempts = 0
        while true {
            do {
                try await pipeline.submit(events)
                return
            } catch let error as IngestError where error.code == .overloaded && attempts < 50 {
                attempts += 1
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
