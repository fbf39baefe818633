/// What a template's variables are filled from for one profile and one send.
public struct TemplateValues: Sendable, Hashable {
    /// The profile's traits (`ProfileFacts.traits`).
    public var traits: [String: JSONValue]
    /// The trigger event's properties; `nil` when the send has no trigger event (a schedule, a manual entry).
    public var event: [String: JSONValue]?
    /// Values Pond supplies, by full name: `profile.id`, `links.unsubscribe`, …
    public var system: [String: JSONValue]

    public init(
        traits: [String: JSONValue] = [:], event: [String: JSONValue]? = nil, system: [String: JSONValue] = [:]
    ) {
        self.traits = traits
        self.event = event
        self.system = system
    }

    /// The value a variable names, or `nil` when there is none (see `TemplateVariable` for dotted paths).
    public func value(for variable: TemplateVariable) -> JSONValue? {
        switch variable.source {
        case .trait(let path): return Self.lookup(path, in: traits)
        case .event(let path): return event.flatMap { Self.lookup(path, in: $0) }
        case .system(let name): return SegmentComparison.lookup(name, in: system)
        }
    }

    /// The text inserted for a variable, or `nil` when it takes its fallback: missing, `null`, `""`, or a value
    /// with no single spelling (an array or object).
    public func text(for variable: TemplateVariable) -> String? {
        guard let value = value(for: variable) else { return nil }
        return Self.text(of: value)
    }

    static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let s): return s.isEmpty ? nil : s
        case .int(let i): return String(i)
        case .double(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return d.isFinite ? "\(d)" : nil
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    /// The whole key first, then a path into nested objects.
    static func lookup(_ path: String, in members: [String: JSONValue]) -> JSONValue? {
        if let whole = SegmentComparison.lookup(path, in: members) { return whole }
        let steps = path.split(separator: ".", omittingEmptySubsequences: false)
        guard steps.count > 1 else { return nil }
        var current: JSONValue = .object(members)
        for step in steps {
            guard case .object(let object) = current, let next = SegmentComparison.lookup(String(step), in: object)
            else { return nil }
            current = next
        }
        return current
    }
}
