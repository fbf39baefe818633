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
    public let registry: PrometheusCollectorRegistry
    public let metrics: IngestMetrics
    public let logger: Logger

    public init(
        store: Store, clock: any Clock = SystemClock(), registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        pipeline configuration: IngestPipeline.Configuration = .init(), sweepInterval: Duration = .seconds(3600),
        sweepOnStart: Bool = true, channels: (any DeliveryChannels)? = nil, sendRate: SendRate = SendRate { _, _ in nil },
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
                    dispatch: services.dispatch, channels: channels ?? SandboxChannels(store: store, clock: clock),
                    rate: sendRate),
                BroadcastJob(broadcasts: services.broadcasts),
            ], logger: logger)
        self.logger = logger
    }
}
