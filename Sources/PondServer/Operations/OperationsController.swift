import Hummingbird
import PondCore
import PondEngine
import Prometheus

/// `/healthz` for load balancers and `/metrics` for Prometheus.
struct OperationsController: Sendable {
    let stitcher: StitchingService
    /// Whether this node runs the stitcher: only then does a stalled one make the node unhealthy.
    let stitching: Bool
    let registry: PrometheusCollectorRegistry
    let pending: Gauge
    let setAside: Gauge

    init(stitcher: StitchingService, stitching: Bool, registry: PrometheusCollectorRegistry) {
        self.stitcher = stitcher
        self.stitching = stitching
        self.registry = registry
        self.pending = registry.makeGauge(name: "pond_events_pending", help: "Events accepted but not yet stitched to a profile")
        self.setAside = registry.makeGauge(
            name: "pond_events_set_aside", help: "Events stitching set aside because their data failed every pass (see /api/v1/stitch-failures)")
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/healthz") { _, _ in
            let backlog = try await stitcher.backlog().pending
            var body: [String: JSONValue] = ["status": "ok", "pendingEvents": .int(Int64(backlog))]
            let status = await stitcher.status()
            guard stitching, status.stalled else { return JSONResponse.make(.object(body)) }
            body["status"] = "stalled"
            body["stitching"] = [
                "status": "stalled", "error": .string(status.lastError ?? ""),
                "failingSince": status.failingSince.map { .string(ISO8601.format($0)) } ?? .null,
            ]
            return JSONResponse.make(.object(body), status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            let backlog = try await stitcher.backlog()
            pending.set(Double(backlog.pending))
            setAside.set(Double(backlog.setAside))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
