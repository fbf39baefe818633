import Metrics

/// Counters of the ingestion path, created on an injected factory so that each app instance (and each test)
/// reports into its own registry instead of a process-wide global.
public struct IngestMetrics: Sendable {
    public let accepted: Counter
    public let duplicates: Counter
    public let rejected: Counter
    public let commits: Counter
    public let stitched: Counter
    public let merges: Counter
    public let conflicts: Counter
    /// Events stitching set aside because their data made every pass holding them fail.
    public let setAside: Counter

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        accepted = Counter(label: "pond_events_accepted_total", factory: factory)
        duplicates = Counter(label: "pond_events_duplicate_total", factory: factory)
        rejected = Counter(label: "pond_events_rejected_total", factory: factory)
        commits = Counter(label: "pond_ingest_commits_total", factory: factory)
        stitched = Counter(label: "pond_events_stitched_total", factory: factory)
        merges = Counter(label: "pond_profile_merges_total", factory: factory)
        conflicts = Counter(label: "pond_identity_conflicts_total", factory: factory)
        setAside = Counter(label: "pond_events_set_aside_total", factory: factory)
    }
}
