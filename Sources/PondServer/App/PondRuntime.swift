import Logging
import PondCore
import PondEngine
import PondStore
import Prometheus

/// The assembled parts of a running Pond: one store, the ingestion pipeline feeding the stitching service, and
/// the metrics registry they report into. Built once by `pond serve`/`pond demo`, and by tests.
public struct PondRuntime: Sendable {
    public let store: Store
    public let clock: any Clock
    public let pipeline: IngestPipeline
    public let stitcher: StitchingService
    public let provisioner: WorkspaceProvisioner
    public let registry: PrometheusCollectorRegistry
    public let metrics: IngestMetrics
    public let logger: Logger

    public init(
        store: Store, clock: any Clock = SystemClock(), registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        pipeline configuration: IngestPipeline.Configuration = .init(), logger: Logger
    ) {
        let metrics = IngestMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let stitcher = StitchingService(store: store, metrics: metrics, logger: logger)
        self.store = store
        self.clock = clock
        self.registry = registry
        self.metrics = metrics
        self.stitcher = stitcher
        self.pipeline = IngestPipeline(store: store, configuration: configuration, metrics: metrics) { stitcher.notify() }
        self.provisioner = WorkspaceProvisioner(store: store, clock: clock)
        self.logger = logger
    }
}
