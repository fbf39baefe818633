import Hummingbird
import PondStore
import Prometheus

/// `/healthz` for load balancers and `/metrics` for Prometheus.
struct OperationsController: Sendable {
    let store: Store
    let registry: PrometheusCollectorRegistry
    let pending: Gauge

    init(store: Store, registry: PrometheusCollectorRegistry) {
        self.store = store
        self.registry = registry
        self.pending = registry.makeGauge(name: "pond_events_pending", help: "Events accepted but not yet stitched to a profile")
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in
            // Touches the database, so a node whose store is gone reports unhealthy.
            let backlog = try await store.pendingEventCount()
            return JSONResponse.make(["status": "ok", "pendingEvents": .int(Int64(backlog))])
        }
        router.get("/metrics") { _, _ in
            pending.set(Double(try await store.pendingEventCount()))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
