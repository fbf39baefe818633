import ArgumentParser
import Foundation
import Logging
import PondCore
import PondEngine
import PondStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pond import`: loads an order or customer export straight into a database, through the same ingestion path as
/// the tracking API, then stitches the new events into profiles.
///
/// Unlike `POST /api/v1/imports` it streams the file from disk, so exports of any size work in little memory.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import orders or customers from a CSV export (Tmall, JD, POS, CRM).",
        discussion: """
            The file must be UTF-8 (Excel: "CSV UTF-8"). Rows that cannot be used are listed with their row number \
            (the header is row 1) and the reason; the others are stored. Importing the same file again stores \
            nothing new, so fix the rejected rows and run it again.

            Example: pond import --database sqlite:pond.sqlite --workspace ws_… --kind orders --preset tmall \
            ExportOrderList.csv
            """)

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Id of the workspace (brand) to import into.") var workspace: String
    @Option(help: "What the rows are: orders or customers.") var kind: String
    @Option(help: "Export layout: tmall, jd, pos or generic.") var preset: String = ImportPreset.generic.rawValue
    @Option(help: "JSON file with a column mapping that overrides or extends the preset's.") var mapping: String?
    @Option(help: "Field separator: comma, tab or semicolon (default: the mapping's, else comma).") var delimiter: String?
    @Option(help: "Messages per commit.") var chunkSize: Int = 500
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Do not draw the progress bar.") var quiet = false
    @Argument(help: "The CSV file.") var file: String

    func validate() throws {
        guard ImportKind(rawValue: kind) != nil else { throw ValidationError("--kind must be orders or customers") }
        guard ImportPreset(rawValue: preset) != nil else {
            throw ValidationError("--preset must be one of \(ImportPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let delimiter, CSVDelimiter(name: delimiter) == nil {
            throw ValidationError("--delimiter must be comma, tab or semicolon")
        }
        guard chunkSize > 0 else { throw ValidationError("--chunk-size must be positive") }
    }

    func run() async throws {
        let source = try FileCSVSource(path: file)
        let request = CSVImporter.Request(
            workspaceID: workspace, kind: ImportKind(rawValue: kind)!, preset: ImportPreset(rawValue: preset)!,
            mapping: try loadMapping())
        let bar = ImportProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        let (workspace, chunkSize) = (self.workspace, self.chunkSize)
        let started = ContinuousClock.now
        var logger = Logger(label: "pond")
        logger.logLevel = .warning
        let outcome: (CSVImporter.Report, Int) = try await DatabaseURL.withStore(
            db.database, durability: db.sqliteDurability, settleMessageIDsEvery: db.settleMessageIdsEvery, logger: logger
        ) { store in
            guard try await store.workspace(id: workspace) != nil else {
                throw ImportCommandError("workspace '\(workspace)' does not exist (see `pond workspace list`)")
            }
            let importer = CSVImporter(pipeline: IngestPipeline(store: store), clock: SystemClock(), chunkSize: chunkSize)
            let report: CSVImporter.Report
            do {
                report = try await importer.run(request, from: source) { bar.update($0) }
            } catch let failure as CSVImporter.Failure {
                bar.clear()
                throw ImportCommandError(failure.description)
            }
            // Profiles are built by stitching; run it now rather than leaving the events for the next `pond serve`.
            let limit = 500
            var stitched = 0
            while true {
                let pass = try await store.stitchPending(limit: limit)
                stitched += pass.events
                bar.stitching(stitched)
                if pass.events < limit { break }
            }
            bar.clear()
            return (report, stitched)
        }
        let (report, stitched) = outcome
        if json {
            var document = report.json.objectValue ?? [:]
            document["stitchedEvents"] = .int(Int64(stitched))
            print(JSONWriter.string(.object(document)))
        } else {
            print(Self.render(report, file: file, stitched: stitched, seconds: Self.seconds(ContinuousClock.now - started)))
        }
    }

    private func loadMapping() throws -> ImportMapping? {
        var result: ImportMapping?
        if let mapping {
            guard let data = FileManager.default.contents(atPath: mapping) else {
                throw ImportCommandError("cannot read the mapping file '\(mapping)'")
            }
            do {
                result = try ImportMapping(jsonText: [UInt8](data))
            } catch {
                throw ImportCommandError("\(mapping): \(error)")
            }
        }
        if let delimiter, let parsed = CSVDelimiter(name: delimiter) {
            var withDelimiter = result ?? ImportMapping()
            withDelimiter.delimiter = parsed
            result = withDelimiter
        }
        return result
    }

    static func render(_ report: CSVImporter.Report, file: String, stitched: Int, seconds: Double) -> String {
        var lines = [
            "imported \(report.kind.rawValue) from \(file) (preset \(report.preset.rawValue), channel \(report.channel)) "
                + "in \(String(format: "%.1f", seconds)) s",
            "  rows       \(report.rows)",
            "  accepted   \(report.acceptedRows) rows → \(report.events) \(report.kind == .orders ? "orders" : "customers")"
                + " (rows already imported before are skipped by the event log)",
            "  rejected   \(report.rejectedCount)",
            "  stitched   \(stitched) events into profiles",
        ]
        if !report.rejected.isEmpty {
            lines.append("rejected rows (the header is row 1):")
            lines += report.rejected.map { "  row \($0.row): \($0.reason)" }
            if report.rejectedCount > report.rejected.count {
                lines.append("  … and \(report.rejectedCount - report.rejected.count) more")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

struct ImportCommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

/// A file on disk, read a megabyte at a time on each pass.
struct FileCSVSource: CSVByteSource {
    let path: String
    let byteCount: Int?
    static let chunkSize = 1 << 20

    init(path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ImportCommandError("cannot read '\(path)'")
        }
        self.path = path
        byteCount = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    func forEachChunk(_ body: (ArraySlice<UInt8>) async throws -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportCommandError("cannot open '\(path)'") }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: Self.chunkSize), !data.isEmpty {
            try await body([UInt8](data)[...])
        }
    }
}

/// The progress line on stderr: phase, a bar of the bytes read, rows and rows per second. Drawn at most ten times a
/// second, and only when stderr is a terminal (a log file should not fill with carriage returns).
final class ImportProgressBar: Sendable {
    private struct State {
        var started = ContinuousClock.now
        /// The previous report: a phase starts when the one before it ended, not at its own first report (which
        /// comes a whole chunk in).
        var lastReport = ContinuousClock.now
        var phase: CSVImporter.Progress.Phase?
        var lastDraw: ContinuousClock.Instant?
        var drawn = false
    }

    let enabled: Bool
    private let state = Mutex(State())

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: CSVImporter.Progress) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let line: String? = state.withLock { state in
            defer { state.lastReport = now }
            if state.phase != progress.phase {
                state.phase = progress.phase
                state.started = state.lastReport
                state.lastDraw = nil
            }
            let finished = progress.totalBytes.map { progress.bytesRead >= $0 } ?? false
            if let last = state.lastDraw, now - last < .milliseconds(100), !finished { return nil }
            state.lastDraw = now
            state.drawn = true
            let elapsed = max(ImportCommand.seconds(now - state.started), 0.001)
            let fraction = progress.fraction ?? 0
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let label = progress.phase == .checking ? "checking " : "importing"
            return "\(label) \(bar) \(String(format: "%3d", Int(fraction * 100)))%  \(progress.rows) rows  "
                + "\(Int(Double(progress.rows) / elapsed)) rows/s"
        }
        if let line { draw(line) }
    }

    func stitching(_ events: Int) {
        guard enabled else { return }
        state.withLock { $0.drawn = true }
        draw("stitching \(events) events into profiles")
    }

    func clear() {
        guard enabled, state.withLock({ $0.drawn }) else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private func draw(_ line: String) {
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }
}
