import ArgumentParser
import Foundation
import Logging
import PondCore
import PondEngine
import PondServer
import PondStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Start Pond with a seeded demo brand on an embedded SQLite file.")

    @Option(name: .long, help: "Where the demo data lives.") var database: String = "sqlite:pond-demo.sqlite"
    @Option(help: "How many synthetic customers to seed.") var customers: Int = 3_000
    @OptionGroup var server: ServerOptions

    func run() async throws {
        PondLogging.bootstrap(format: server.logFormat, level: server.logLevel)
        let logger = Logger(label: "pond")
        let customers = self.customers
        try await PondServerRunner.run(databaseURL: database, durability: .normal, options: server, logger: logger) { runtime, port in
            try await DemoSeeder(runtime: runtime, customers: customers).seedAndPrint(port: port, host: server.host)
        }
    }
}

/// Creates (or reuses) the demo workspace, feeds it through the real ingestion path and prints where to look.
struct DemoSeeder {
    let runtime: PondRuntime
    let customers: Int
    static let workspaceName = "Demo Brand 示例美妆"

    func seedAndPrint(port: Int, host: String) async throws {
        let store = runtime.store
        let existing = try await store.workspaces().first { $0.name == Self.workspaceName }
        let workspace: Workspace
        if let existing {
            workspace = existing
        } else {
            workspace = try await runtime.provisioner.createWorkspace(name: Self.workspaceName).workspace
        }
        // Fresh keys each run: secrets are only ever shown once.
        let admin = try await runtime.provisioner.issueKey(workspaceID: workspace.id, kind: .admin, name: "demo admin")
        let write = try await runtime.provisioner.issueKey(
            workspaceID: workspace.id, kind: .write, name: "demo mini program", source: "mini-program", channel: "mini_program")
        if existing == nil {
            let events = DemoBrand(customers: customers, now: runtime.clock.now()).generate()
            for chunk in stride(from: 0, to: events.count, by: 1_000).map({ events[$0..<min($0 + 1_000, events.count)] }) {
                try await runtime.pipeline.submit(chunk.map {
                    IncomingEvent(workspaceID: workspace.id, source: $0.source, channel: $0.channel, message: $0.message)
                })
            }
        }
        await runtime.stitcher.drain()
        let profiles = try await store.profileCount(workspaceID: workspace.id)
        let events = try await store.eventCount(workspaceID: workspace.id)
        let sample = try await store.profiles(workspaceID: workspace.id, search: nil, after: nil, limit: 200)
            .max { $0.channels.count < $1.channels.count }
        let base = "http://\(host):\(port)"
        var lines = [
            "",
            "Pond demo is running — \(Self.workspaceName)",
            "  workspace   \(workspace.id): \(events) events from \(customers) synthetic customers stitched into \(profiles) profiles",
            "  admin key   \(admin.secret)",
            "  write key   \(write.secret)",
            "",
            "Try:",
            "  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/profiles?limit=5'",
        ]
        if let sample {
            lines.append("  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/profiles/\(sample.id)'   # seen on \(sample.channels.keys.sorted().joined(separator: ", "))")
            lines.append("  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/profiles/\(sample.id)/events?limit=10'")
        }
        lines += [
            "  curl -u '\(write.secret):' -H 'Content-Type: application/json' \(base)/v1/track \\",
            "       -d '{\"userId\":\"u100001\",\"event\":\"Coupon Redeemed\",\"properties\":{\"coupon\":\"WELCOME50\"}}'",
            "  \(base)/metrics   \(base)/healthz   \(base)/api/v1/openapi.json",
            "",
        ]
        // Written unbuffered: when standard output is not a terminal (CI logs, `| tee`) `print` would hold the banner
        // back until exit.
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
