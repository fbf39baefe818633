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
        let options = try DatabaseOptions.parse(["--database", database, "--durability", "normal"])
        try await PondServerRunner.run(database: options, options: server, logger: logger) { runtime, port in
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
        try await DemoPlaybook().install(in: store, workspaceID: workspace.id, at: runtime.clock.now())
        // The SOPs start before the segments are first evaluated, so the dormant customers entering their segment
        // enter the wake-up journey; then some live traffic enters the event-triggered ones.
        try await DemoJourneys(services: runtime.services, store: store).install(workspaceID: workspace.id)
        _ = try await runtime.intelligence.runScheduled(workspaceID: workspace.id)
        try await runtime.pipeline.submit(
            DemoJourneys.liveEvents(customers: customers, now: runtime.clock.now()).map {
                IncomingEvent(workspaceID: workspace.id, source: $0.source, channel: $0.channel, message: $0.message)
            })
        let layers = try await store.rfmDistribution(workspaceID: workspace.id).layers
        let stages = try await store.stageDistribution(workspaceID: workspace.id)
        let segments = try await store.segments(workspaceID: workspace.id)
        let layerMap = RFMLayerMap.standard.rules.map(\.layer)
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
            "RFM layers (用户分层):",
        ]
        for layer in layerMap.reduce(into: [RFMLayer](), { if !$0.contains($1) { $0.append($1) } }) {
            lines.append("  \(pad(layer.chineseName + " " + layer.englishName, 28)) \(layers[layer.id] ?? 0)")
        }
        lines += ["", "Lifecycle stages (生命周期):"]
        for stage in LifecycleStage.allCases {
            lines.append("  \(pad(stage.chineseName + " " + stage.rawValue, 28)) \(stages[stage.rawValue] ?? 0)")
        }
        lines += ["", "Segments (人群):"]
        for segment in segments {
            lines.append("  \(pad(segment.id, 16)) \(pad(String(segment.memberCount), 6)) \(segment.name)")
        }
        lines += ["", "Journeys (SOP), delivering into the sandbox:"]
        for journey in try await runtime.services.journeys.list(workspaceID: workspace.id) {
            lines.append("  \(pad(journey.id, 24)) \(pad(journey.status.rawValue, 7)) \(journey.name)")
        }
        lines += [
            "",
            "Try:",
            "  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/profiles?limit=5'",
            "  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/rfm/distribution'",
            "  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/segments/skincare-vip/members?limit=5'",
            "  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/sandbox/deliveries?limit=5'",
            "  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/dispatch/decisions?limit=5'   # sent, deferred, suppressed: why",
            "  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/journeys/dormant_wake_up/stats'",
        ]
        if let sample {
            lines.append("  curl -H 'Authorization: Bearer \(admin.secret)' '\(base)/api/v1/profiles/\(sample.id)'   # seen on \(sample.channels.keys.filter { $0 != Store.systemChannel }.sorted().joined(separator: ", "))")
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

/// Pads to a display width, counting CJK characters as two columns so the demo's tables line up in a terminal.
private func pad(_ text: String, _ width: Int) -> String {
    let columns = text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
    return text + String(repeating: " ", count: max(1, width - columns))
}
