/// What the variables of a template may name where it is used: the workspace's trait keys, whether a trigger event
/// is there to read, and the system values Pond supplies.
///
/// Events are schemaless, so any `event.*` property is accepted when there is an event, unless `eventProperties`
/// lists the ones known. A dotted trait path is known when the whole key is a known trait, or its first segment is
/// (a nested object trait: `address.city` under `address`).
public struct TemplateVocabulary: Sendable, Hashable {
    /// The system values every send can fill.
    public static let standardSystemNames: Set<String> = [
        "profile.id", "links.unsubscribe", "links.preferences", "workspace.name",
    ]

    public var traitKeys: Set<String>
    /// Whether the template is used where there is a trigger event (a journey entered by an event).
    public var eventAvailable: Bool
    /// The trigger event's known properties; `nil` accepts any.
    public var eventProperties: Set<String>?
    public var systemNames: Set<String>

    public init(
        traitKeys: Set<String>, eventAvailable: Bool = false, eventProperties: Set<String>? = nil,
        systemNames: Set<String> = TemplateVocabulary.standardSystemNames
    ) {
        self.traitKeys = traitKeys
        self.eventAvailable = eventAvailable
        self.eventProperties = eventProperties
        self.systemNames = systemNames
    }

    /// Why `variable` names nothing here, with the closest known name when one is near; `nil` when it is known.
    public func problem(with variable: TemplateVariable) -> String? {
        switch variable.source {
        case .trait(let path):
            if traitKeys.contains(path) { return nil }
            let root = String(path.prefix { $0 != "." })
            if root != path, traitKeys.contains(root) { return nil }
            return unknown(variable, "no trait \"\(path)\" is known in this workspace", among: traitKeys)
        case .event(let path):
            guard eventAvailable else {
                return "{{\(variable.name)}} reads the trigger event, and this template is used where there is none"
            }
            guard let known = eventProperties else { return nil }
            let root = String(path.prefix { $0 != "." })
            if known.contains(path) || known.contains(root) { return nil }
            return unknown(
                variable, "the trigger event has no property \"\(path)\"",
                among: Set(known.map { "event." + $0 }))
        case .system(let name):
            if systemNames.contains(name) { return nil }
            return unknown(variable, "\"\(name)\" is not a value Pond supplies", among: systemNames)
        }
    }

    private func unknown(_ variable: TemplateVariable, _ why: String, among names: Set<String>) -> String {
        var candidates = names
        if case .trait = variable.source {
            candidates.formUnion(systemNames)
            if eventAvailable, let properties = eventProperties { candidates.formUnion(properties.map { "event." + $0 }) }
        }
        guard let suggestion = NameSuggestion.closest(to: variable.name, among: candidates) else {
            return "{{\(variable.name)}}: \(why)"
        }
        return "{{\(variable.name)}}: \(why); did you mean {{\(suggestion)}}?"
    }

    /// The closest known name to an unknown variable, for clients that show it beside the field.
    public func suggestion(for variable: TemplateVariable) -> String? {
        var candidates = traitKeys.union(systemNames)
        if let properties = eventProperties { candidates.formUnion(properties.map { "event." + $0 }) }
        return NameSuggestion.closest(to: variable.name, among: candidates)
    }
}
