import Hummingbird
import PondCore
import PondEngine
import PondStore
import Prometheus

/// `/healthz` for load balancers and `/metrics` for Prometheus.
struct OperationsController: Sendable {
    let store: Store
    /// This node's stitcher, when it runs one: a stalled stitcher makes the node unhealthy.
    let stitcher: StitchingService?
    let registry: PrometheusCollectorRegistry
    let pending: Gauge
    let setAside: Gauge

    init(store: Store, stitcher: StitchingService?, registry: PrometheusCollectorRegistry) {
        self.store = store
        self.stitcher = stitcher
        self.registry = registry
        self.pending = registry.makeGauge(name: "pond_events_pending", help: "Events accepted but not yet stitched to a profile")
        self.setAside = registry.makeGauge(
            name: "pond_events_set_aside", help: "Events stitching set aside because their data failed every pass (see /api/v1/stitch-failures)")
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/healthz") { _, _ in
            // Touches the database, so a node whose store is gone reports unhealthy.
            let backlog = try await store.pendingEventCount()
            var body: [String: JSONValue] = ["status": "ok", "pendingEvents": .int(Int64(backlog))]
            guard let status = await stitcher?.status(), status.stalled else { return JSONResponse.make(.object(body)) }
            body["status"] = "stalled"
            body["stitching"] = [
                "status": "stalled", "error": .string(status.lastError ?? ""),
                "failingSince": status.failingSince.map { .string(ISO8601.format($0)) } ?? .null,
            ]
            return JSONResponse.make(.object(body), status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            pending.set(Double(try await store.pendingEventCount()))
            setAside.set(Double(try await store.stitchFailureCount()))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
