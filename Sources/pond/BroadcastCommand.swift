import ArgumentParser
import Foundation
import Logging
import PondCore
import PondEngine
import PondServer
import PondStore

struct BroadcastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broadcast", abstract: "Broadcasts (群发) to a segment.", subcommands: [Run.self, BroadcastBench.self])

    /// `pond broadcast run`: creates a broadcast and runs its slices in this process, through the same service and
    /// jobs a server runs, printing a line per slice and the report at the end. A `pond serve` on the same database
    /// may take some of the slices: the job queue's leases keep the two off the same one.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a template to every member of a segment now, and print the report.")

        @OptionGroup var db: DatabaseOptions
        @Option(help: "The workspace id.") var workspace: String
        @Option(help: "The segment id (its members are the audience).") var segment: String
        @Option(help: "The template id.") var template: String
        @Option(help: "The channel to send on (sms, email, wecom, sandbox, …).") var channel: String
        @Option(help: "The broadcast's name (default: the template and segment).") var name: String?
        @Option(help: "service, content or marketing (default: the template's; only a stricter one is accepted).")
        var category: String?
        @Option(help: "Customers per slice (1 to 1000).") var sliceSize: Int = DispatchService.maximumTicketsPerCall
        @Option(help: "Where customers reach the server: unsubscribe links point there.")
        var publicUrl: String = ProcessInfoEnvironment.value("POND_PUBLIC_URL") ?? "http://127.0.0.1:8080"

        func validate() throws {
            guard (1...DispatchService.maximumTicketsPerCall).contains(sliceSize) else {
                throw ValidationError("--slice-size must be 1 to \(DispatchService.maximumTicketsPerCall)")
            }
            if let category, MessageCategory(rawValue: category) == nil {
                throw ValidationError("--category must be service, content or marketing")
            }
        }

        func run() async throws {
            var configured = Logger(label: "pond")
            configured.logLevel = .warning
            let logger = configured
            let (workspace, segment, template, channel, sliceSize, publicURL) =
                (self.workspace, self.segment, self.template, self.channel, self.sliceSize, self.publicUrl)
            let draft = BroadcastService.Draft(
                name: name ?? "\(template) → \(segment)", segmentID: segment, templateID: template, channel: channel,
                category: category.flatMap(MessageCategory.init(rawValue:)), createdBy: "cli")
            try await DatabaseURL.withStore(
                db.database, durability: db.sqliteDurability, settleMessageIDsEvery: db.settleMessageIdsEvery, logger: logger
            ) { store in
                let runtime = PondRuntime(store: store, sweepOnStart: false, publicURL: publicURL, logger: logger)
                let broadcast: Broadcast
                do {
                    broadcast = try await runtime.services.broadcasts.create(workspaceID: workspace, draft)
                } catch let error as DefinitionError {
                    throw Refused(error: error)
                }
                print("broadcast \(broadcast.id): \(broadcast.name)")
                let finished = try await BroadcastRunner(runtime: runtime, sliceSize: sliceSize, owner: "cli-\(UInt32.random(in: 0...UInt32.max))")
                    .run(workspaceID: workspace, id: broadcast.id) { print(BroadcastRunner.progressLine($0)) }
                print(BroadcastRunner.describe(finished.broadcast, finished.report))
            }
        }
    }
}

/// What an application service refused (a broadcast, a journey), shown as its code and message — and every other
/// problem of a refused definition, one a line — not as a usage error.
struct Refused: Error, CustomStringConvertible {
    let error: DefinitionError
    var description: String {
        let path = error.details["path"]?.stringValue.map { " (\($0))" } ?? ""
        var lines = ["\(error.code)\(path): \(error.message)"]
        for problem in (error.details["problems"]?.arrayValue ?? []).dropFirst() {
            let code = problem["code"]?.stringValue ?? "", message = problem["message"]?.stringValue ?? ""
            lines.append("  also \(code)" + (problem["path"]?.stringValue.map { " (\($0))" } ?? "") + ": \(message)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs one broadcast's slices in this process until it is no longer running, then (with `deliver`) hands its
/// messages to their channel: what `pond broadcast run` and `pond broadcast bench` share.
struct BroadcastRunner {
    let runtime: PondRuntime
    let sliceSize: Int
    let owner: String

    func run(workspaceID: String, id: String, deliver: Bool = true, progress: (Broadcast) -> Void) async throws -> (
        broadcast: Broadcast, report: BroadcastService.Report
    ) {
        let job = BroadcastJob(broadcasts: runtime.services.broadcasts, sliceSize: sliceSize)
        let store = runtime.store
        let broadcasts = runtime.services.broadcasts
        while true {
            let current = try await broadcasts.broadcast(workspaceID: workspaceID, id: id)
            guard current.status.isActive else { break }
            let claimed = try await store.claimJobs(
                kinds: [Store.broadcastSliceJobKind], owner: owner, now: runtime.clock.now(), lease: .seconds(120), limit: 1)
            guard let slice = claimed.first else {
                // Another process holds the slice (or it is not due yet): wait for it.
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            switch try await job.run(slice) {
            case .completed: break
            case .done(let next): try await store.completeJob(slice, enqueueing: next, at: runtime.clock.now())
            case .later(let due): try await store.retryJob(slice, dueAt: due, error: nil)
            }
            let after = try await broadcasts.broadcast(workspaceID: workspaceID, id: id)
            progress(after)
        }
        // Hand the messages the dispatcher let go to their channel (those held by quiet hours or caps wait for
        // their time, and a server's job runner).
        if deliver { await runtime.jobs.runDue() }
        let broadcast = try await broadcasts.broadcast(workspaceID: workspaceID, id: id)
        return (broadcast, try await broadcasts.report(workspaceID: workspaceID, broadcast))
    }

    static func progressLine(_ broadcast: Broadcast) -> String {
        let progress = broadcast.progress
        let total = broadcast.audienceEstimate.map { "/\($0)" } ?? ""
        return "  slice \(progress.slices): \(progress.audienceRead)\(total) read, \(progress.renderFailures) not rendered, "
            + "\(progress.refused) refused — \(broadcast.status.rawValue)"
    }

    static func describe(_ broadcast: Broadcast, _ report: BroadcastService.Report) -> String {
        var lines = [
            "broadcast \(broadcast.id) \(broadcast.status.rawValue): \(broadcast.progress.audienceRead) customers read in "
                + "\(broadcast.progress.slices) slices, \(report.messages) messages",
            "  by status:",
        ]
        for status in MessageStatus.allCases { lines.append("    \(status.rawValue.padding(12)) \(report.byStatus[status] ?? 0)") }
        if !report.byReason.isEmpty {
            lines.append("  by reason:")
            for (reason, count) in report.byReason.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                lines.append("    \(reason.rawValue.padding(12)) \(count)")
            }
        }
        lines.append("  not rendered: \(report.renderFailures)   refused: \(report.refused)")
        for (name, count) in report.missingVariables.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            lines.append("    {{\(name)}} missing for \(count)")
        }
        if !report.failedSample.isEmpty {
            lines.append("    e.g. profiles \(report.failedSample.prefix(5).map(String.init).joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
