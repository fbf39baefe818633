import Logging
import PondCore
import PondEngine
import PondStore
import Prometheus

/// The assembled parts of a running Pond: one store, the ingestion pipeline feeding the stitching service,
/// which feeds the intelligence service (tags, RFM, lifecycle, segments), the application services every front
/// door calls, and the metrics registry they report into. Built once by `pond serve`/`pond demo`, and by tests.
public struct PondRuntime: Sendable {
    public let store: Store
    public let clock: any Clock
    public let pipeline: IngestPipeline
    public let stitcher: StitchingService
    public let intelligence: IntelligenceService
    public let provisioner: WorkspaceProvisioner
    /// What every front door calls.
    public let services: ApplicationServices
    /// Runs the durable jobs on every node: the dispatcher's timers and channel hand-overs.
    public let jobs: JobRunner
    /// Enters profiles into journeys and resumes waiting runs from what the stitcher and the intelligence service
    /// put in the journey inbox.
    public let journeyTriggers: JourneyTriggers
    public let registry: PrometheusCollectorRegistry
    public let metrics: IngestMetrics
    public let logger: Logger

    /// - Parameters:
    ///   - channels: where messages are handed over; by default a `ChannelDirectory` over the workspaces' channel
    ///     settings (tests bring their own).
    ///   - sendRate: by default each channel's stored `ratePerSecond`.
    ///   - unconfiguredChannels: what the default directory does with a message on a channel its workspace did not
    ///     configure: `.sandbox` records it (the demo, tests), `.refused` fails it (`pond serve`).
    public init(
        store: Store, clock: any Clock = SystemClock(), registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        pipeline configuration: IngestPipeline.Configuration = .init(), sweepInterval: Duration = .seconds(3600),
        sweepOnStart: Bool = true, channels: (any DeliveryChannels)? = nil, sendRate: SendRate? = nil,
        unconfiguredChannels: ChannelDirectory.Unconfigured = .sandbox,
        owner: String = "pond-\(UInt64.random(in: 0...UInt64.max))", publicURL: String = "http://127.0.0.1:8080",
        logger: Logger
    ) {
        let metrics = IngestMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let intelligence = IntelligenceService(
            store: store, clock: clock, sweepInterval: sweepInterval, sweepOnStart: sweepOnStart, logger: logger)
        // Stitching wakes the intelligence service through the store: whatever commits profile work signals it.
        let stitcher = StitchingService(store: store, clock: clock, metrics: metrics, logger: logger)
        self.intelligence = intelligence
        self.store = store
        self.clock = clock
        self.registry = registry
        self.metrics = metrics
        self.stitcher = stitcher
        self.pipeline = IngestPipeline(store: store, configuration: configuration, metrics: metrics) { stitcher.notify() }
        self.provisioner = WorkspaceProvisioner(store: store, clock: clock)
        let services = ApplicationServices(
            store: store, clock: clock, intelligence: intelligence, publicURL: publicURL)
        self.services = services
        self.jobs = JobRunner(
            store: store, clock: clock, owner: owner,
            handlers: [
                DecideAgainJob(dispatch: services.dispatch),
                DeliveryJob(
                    dispatch: services.dispatch,
                    channels: channels
                        ?? ChannelDirectory(
                            channels: services.channels, store: store, clock: clock, unconfigured: unconfiguredChannels),
                    // Each channel's stored rate, as this node last read it.
                    rate: sendRate ?? SendRate { [settings = services.channels] workspaceID, channel in
                        settings.sendLimit(workspaceID: workspaceID, channel: channel)
                    }),
                JourneyStepJob(journeys: services.journeys, dispatch: services.dispatch, logger: logger),
                BroadcastJob(broadcasts: services.broadcasts),
            ], logger: logger)
        self.journeyTriggers = JourneyTriggers(journeys: services.journeys, clock: clock, logger: logger)
        self.logger = logger
    }
}
