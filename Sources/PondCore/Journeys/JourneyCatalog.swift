/// What a journey may name, loaded by the engine from the workspace when a journey is saved: templates, segments,
/// tags, trait keys and (optionally) event names. As with `RuleCatalog`, a journey never names something that
/// does not exist — a misspelt template id would otherwise fail every send for months.
public struct JourneyCatalog: Sendable, Hashable {
    /// What validation needs to know of one message template.
    public struct TemplateInfo: Sendable, Hashable {
        public var category: MessageCategory
        /// The variables each channel's body uses.
        public var variables: [ChannelID: [TemplateVariable]]

        public init(category: MessageCategory, variables: [ChannelID: [TemplateVariable]]) {
            self.category = category
            self.variables = variables
        }

        public init(_ template: MessageTemplate) {
            category = template.category
            variables = template.bodies.mapValues(\.variables)
        }

        public var channels: Set<ChannelID> { Set(variables.keys) }
    }

    /// By template id.
    public var templates: [String: TemplateInfo]
    public var segments: Set<String>
    public var tags: Set<String>
    public var traitKeys: Set<String>
    /// Event names the workspace has seen or declared; `nil` accepts any name (events are schemaless, and a
    /// journey may be built before its first event arrives).
    public var eventNames: Set<String>?
    public var systemNames: Set<String>

    public init(
        templates: [String: TemplateInfo] = [:], segments: Set<String> = [], tags: Set<String> = [],
        traitKeys: Set<String> = [], eventNames: Set<String>? = nil,
        systemNames: Set<String> = TemplateVocabulary.standardSystemNames
    ) {
        self.templates = templates
        self.segments = segments
        self.tags = tags
        self.traitKeys = traitKeys
        self.eventNames = eventNames
        self.systemNames = systemNames
    }

    /// A catalog whose templates are given whole, by id.
    public init(
        messageTemplates: [String: MessageTemplate], segments: Set<String> = [], tags: Set<String> = [],
        traitKeys: Set<String> = [], eventNames: Set<String>? = nil,
        systemNames: Set<String> = TemplateVocabulary.standardSystemNames
    ) {
        self.init(
            templates: messageTemplates.mapValues(TemplateInfo.init), segments: segments, tags: tags, traitKeys: traitKeys,
            eventNames: eventNames, systemNames: systemNames)
    }

    /// The vocabulary a template is checked against inside a journey with `trigger`.
    public func vocabulary(for trigger: JourneyTrigger) -> TemplateVocabulary {
        TemplateVocabulary(traitKeys: traitKeys, eventAvailable: trigger.providesEvent, systemNames: systemNames)
    }
}

/// What a journey names, so the definition services can refuse to delete a template, tag or segment still in use
/// (as `RuleCatalog` does for rules).
public struct JourneyReferences: Sendable, Hashable {
    public var templates: Set<String> = []
    public var tags: Set<String> = []
    public var segments: Set<String> = []
    public var traits: Set<String> = []
    public var events: Set<String> = []

    public init(
        templates: Set<String> = [], tags: Set<String> = [], segments: Set<String> = [], traits: Set<String> = [],
        events: Set<String> = []
    ) {
        self.templates = templates
        self.tags = tags
        self.segments = segments
        self.traits = traits
        self.events = events
    }

    public mutating func formUnion(_ other: JourneyReferences) {
        templates.formUnion(other.templates)
        tags.formUnion(other.tags)
        segments.formUnion(other.segments)
        traits.formUnion(other.traits)
        events.formUnion(other.events)
    }
}
