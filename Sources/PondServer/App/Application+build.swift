import Foundation
import Hummingbird
import PondCore
import PondStore
import ServiceLifecycle

/// Settings of the HTTP server.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Allows creating workspaces over the API; nil disables that endpoint.
    public var rootKey: String?
    public var limits: MessageParser.Limits
    /// Whether this process stitches identities. Several ingestion-only nodes can share a Postgres with one or two
    /// stitching nodes; an embedded (SQLite) server always wants it on.
    public var stitching: Bool
    /// Whether this process keeps tags, RFM, lifecycle stages and segments current (with stitching on).
    public var intelligence: Bool
    /// Whether this process runs the durable job queue: the dispatcher's timers and channel hand-overs (and the
    /// journeys to come). Every node may: the queue's leases keep two off one job.
    public var jobs: Bool
    public var connections: ConnectionLimits

    public init(
        host: String = "127.0.0.1", port: Int = 8080, rootKey: String? = nil, limits: MessageParser.Limits = .init(),
        stitching: Bool = true, intelligence: Bool = true, jobs: Bool = true, connections: ConnectionLimits = .init()
    ) {
        self.jobs = jobs
        self.connections = connections
        self.intelligence = intelligence
        self.host = host
        self.port = port
        self.rootKey = rootKey
        self.limits = limits
        self.stitching = stitching
    }
}

/// The whole HTTP surface, assembled from controllers that only translate HTTP to calls on the application
/// services. Everything under `/api/v1` but workspace creation (root key) and the OpenAPI document needs an admin
/// key, checked once by `AdminAuthentication` for the whole group.
public func buildRouter(runtime: PondRuntime, configuration: ServerConfiguration) -> Router<APIRequestContext> {
    let router = Router(context: APIRequestContext.self)
    router.add(middleware: ErrorMiddleware(logger: runtime.logger))
    router.add(middleware: MetricsMiddleware())
    let keys = KeyCache(provisioner: runtime.provisioner, clock: runtime.clock)
    let parser = MessageParser(limits: configuration.limits) { UUID().uuidString.lowercased() }
    let services = runtime.services
    OperationsController(stitcher: runtime.stitcher, stitching: configuration.stitching, registry: runtime.registry)
        .register(on: router)
    TrackingController(parser: parser, pipeline: runtime.pipeline, keys: keys, clock: runtime.clock).register(on: router)
    OpenAPIController().register(on: router)
    UnsubscribeController(consent: services.consent).register(on: router)
    let workspaces = WorkspaceController(root: RootAuth(rootKey: configuration.rootKey), provisioner: runtime.provisioner, keys: keys)
    workspaces.register(root: router.group("api/v1"))

    let api = router.group("api/v1").add(middleware: AdminAuthentication(keys: keys))
    workspaces.register(on: api)
    ProfileController(profiles: services.profiles).register(on: api)
    ImportController(runtime: runtime).register(on: api)
    StitchFailureController(stitcher: runtime.stitcher).register(on: api)
    TagController(tags: services.tags).register(on: api)
    ProfileTagController(tagging: services.tagging).register(on: api)
    TagRuleController(tags: services.tags).register(on: api)
    SegmentController(segments: services.segments).register(on: api)
    SegmentMemberController(segments: services.segments).register(on: api)
    RFMController(scoring: services.scoring).register(on: api)
    LifecycleController(scoring: services.scoring).register(on: api)
    ConsentController(consent: services.consent).register(on: api)
    DispatchController(dispatch: services.dispatch, profiles: services.profiles).register(on: api)
    JourneyController(journeys: services.journeys).register(on: api)
    ChannelController(channels: services.channels).register(on: api)
    TemplateController(templates: services.templates).register(on: api)
    BroadcastController(broadcasts: services.broadcasts).register(on: api)
    router.add(middleware: MethodNotAllowedMiddleware<APIRequestContext>(routes: router.routes))
    return router
}

/// The server plus the background services it needs (stitching and intelligence, and whatever the store needs
/// running).
public func buildApplication(
    runtime: PondRuntime, configuration: ServerConfiguration, services: [any Service] = [],
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(runtime: runtime, configuration: configuration),
        server: GuardedHTTP1Channel.builder(limits: configuration.connections),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pond"),
        services: (configuration.stitching ? [runtime.stitcher] : [])
            + (configuration.stitching && configuration.intelligence ? [runtime.intelligence] : [])
            + (configuration.jobs ? [runtime.jobs, runtime.journeyTriggers] : []) + services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: runtime.logger)
}
