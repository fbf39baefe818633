import ArgumentParser
import Hummingbird
import Logging
import Metrics
import PondCore
import PondEngine
import PondServer
import PondStore
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the Pond server.")

    @OptionGroup var db: DatabaseOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        PondLogging.bootstrap(format: server.logFormat, level: server.logLevel)
        let logger = Logger(label: "pond")
        // A server delivers through the channels each workspace configured; a message on any other fails, saying so.
        try await PondServerRunner.run(database: db, options: server, logger: logger, unconfiguredChannels: .refused) { _, _ in }
    }
}

struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port: Int = 8080
    @Option(help: "Root key that may create workspaces over the API (or env POND_ROOT_KEY).")
    var rootKey: String?
    @Option(help: "Largest accepted request body, in bytes.") var maxBatchBytes: Int = 500 * 1024
    @Option(help: "Largest accepted single message, in bytes.") var maxMessageBytes: Int = 32 * 1024
    @Flag(name: .long, help: "Accept events but leave identity stitching to other nodes sharing the database.")
    var noStitching = false
    @Option(help: "Most connections open at once; one more is answered 503 and closed (raises the open-file limit to fit).")
    var maxConnections: Int = ConnectionLimits().maximumConnections
    @Option(help: "Seconds a connection may wait for its next request before it is closed.")
    var idleTimeout: Int = Int(ConnectionLimits().idleTimeout.components.seconds)
    @Option(help: "Seconds a request's headers may take to arrive once it has started (then 408).")
    var headerTimeout: Int = Int(ConnectionLimits().headerTimeout.components.seconds)
    @Option(help: "Longest silence, in seconds, while a request body arrives (then 408).")
    var bodyTimeout: Int = Int(ConnectionLimits().bodyTimeout.components.seconds)
    @Option(help: "Seconds this node holds a job it claimed (a journey step, a delivery, a broadcast slice); the jobs of a node that died are taken over by the others after this long.")
    var jobLease: Int = 60
    @Option(help: "text or json") var logFormatName: String = "text"
    @Option(help: "trace, debug, info, notice, warning, error") var logLevelName: String = "info"

    var logFormat: LogFormat { LogFormat(rawValue: logFormatName) ?? .text }
    var logLevel: Logger.Level { Logger.Level(rawValue: logLevelName) ?? .info }

    func configuration() -> ServerConfiguration {
        ServerConfiguration(
            host: host, port: port, rootKey: rootKey ?? ProcessInfoEnvironment.value("POND_ROOT_KEY"),
            limits: .init(maximumMessageBytes: maxMessageBytes, maximumBatchBytes: maxBatchBytes), stitching: !noStitching,
            connections: ConnectionLimits(
                maximumConnections: maxConnections, idleTimeout: .seconds(idleTimeout), headerTimeout: .seconds(headerTimeout),
                bodyTimeout: .seconds(bodyTimeout)
            ).raisingFileLimit())
    }

    func validate() throws {
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard jobLease >= 1 else { throw ValidationError("--job-lease must be at least 1 second") }
        for (name, seconds) in [("idle", idleTimeout), ("header", headerTimeout), ("body", bodyTimeout)] where seconds < 1 {
            throw ValidationError("--\(name)-timeout must be at least 1 second")
        }
    }
}

/// Opens the database, migrates it and serves until SIGTERM/SIGINT. `prepare` runs before the server starts
/// (the demo seeds its brand there).
enum PondServerRunner {
    /// - Parameter unconfiguredChannels: what a message on a channel its workspace did not configure meets; the
    ///   demo records it in the sandbox.
    static func run(
        database: DatabaseOptions, options: ServerOptions, logger: Logger,
        unconfiguredChannels: ChannelDirectory.Unconfigured = .sandbox,
        prepare: @escaping @Sendable (PondRuntime, Int) async throws -> Void
    ) async throws {
        let opened = try await DatabaseURL.open(
            database.database, durability: database.sqliteDurability,
            settleMessageIDsEvery: database.settleMessageIdsEvery, logger: logger)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await opened.run() }
            try await DatabaseURL.migrate(opened.database)
            let runtime = PondRuntime(
                store: Store(database: opened.database), registry: registry, unconfiguredChannels: unconfiguredChannels,
                jobLease: .seconds(options.jobLease), logger: logger)
            let configuration = options.configuration()
            let app = buildApplication(runtime: runtime, configuration: configuration) { port in
                logger.info("pond is listening", metadata: [
                    "address": "http://\(configuration.host):\(port)", "database": "\(opened.redactedURL)",
                    "maxConnections": "\(configuration.connections.maximumConnections)",
                ])
                do {
                    try await prepare(runtime, port)
                } catch {
                    logger.error("start-up task failed", metadata: ["error": "\(error)"])
                }
            }
            try await app.runService()
            group.cancelAll()
        }
    }
}
