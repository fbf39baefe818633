import PondCore
import PondStore

/// The services every front door calls — API controllers, console pages, WeCom callbacks, journey steps, the
/// CLI — so that each only translates its own form of a request into the same calls. The rules (validation,
/// naming, referential checks, the definition lock, save-then-evaluate) live behind them; errors come back as
/// `DefinitionError`.
public struct ApplicationServices: Sendable {
    public let tags: TagService
    public let tagging: TaggingService
    public let segments: SegmentService
    public let scoring: ScoringService
    public let profiles: ProfileService
    public let consent: ConsentService
    public let dispatch: DispatchService
    public let journeys: JourneyService
    public let channels: ChannelService
    public let templates: TemplateService
    public let broadcasts: BroadcastService

    /// `publicURL`: where customers reach this server (the unsubscribe links in messages point there).
    public init(store: Store, clock: any Clock, intelligence: IntelligenceService, publicURL: String = "http://127.0.0.1:8080") {
        let definitions = DefinitionContext(store: store, clock: clock)
        tags = TagService(definitions: definitions, intelligence: intelligence)
        tagging = TaggingService(definitions: definitions)
        segments = SegmentService(definitions: definitions, intelligence: intelligence)
        scoring = ScoringService(definitions: definitions, intelligence: intelligence)
        profiles = ProfileService(definitions: definitions)
        consent = ConsentService(definitions: definitions, links: UnsubscribeLinks(store: store, clock: clock, publicURL: publicURL))
        dispatch = DispatchService(store: store, clock: clock)
        channels = ChannelService(store: store, clock: clock)
        templates = TemplateService(definitions: definitions, links: consent.links)
        journeys = JourneyService(definitions: definitions, messages: templates)
        broadcasts = BroadcastService(definitions: definitions, templates: templates, dispatch: dispatch)
    }
}
