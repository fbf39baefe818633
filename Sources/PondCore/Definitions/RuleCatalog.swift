/// Everything a workspace's rules may name — tags, RFM layers, segments — and everything that already names them,
/// loaded (by the definition services) once per change to a definition.
///
/// Rules are checked against it when saved, so a rule never refers to something that does not exist: a misspelt
/// tag in `lacks tag` would otherwise silently match everyone. For the same reason a tag, segment or RFM layer
/// that a rule still names cannot be deleted.
public struct RuleCatalog: Sendable {
    public var tags: Set<String>
    public var layers: SegmentRule.Vocabulary
    public var segments: [SegmentDefinition]
    public var tagRules: [TagRule]

    public init(tags: Set<String>, layers: SegmentRule.Vocabulary, segments: [SegmentDefinition], tagRules: [TagRule]) {
        self.tags = tags
        self.layers = layers
        self.segments = segments
        self.tagRules = tagRules
    }

    public var segmentIDs: Set<String> { Set(segments.map(\.id)) }

    /// The rule with stage and layer names turned into ids, after checking that every tag, layer and segment it
    /// names exists. `savingSegment` is the segment the rule belongs to, which it may not name itself.
    public func resolve(_ rule: SegmentRule, savingSegment: String? = nil, field: String?) throws(DefinitionError)
        -> SegmentRule
    {
        var segments = segmentIDs
        if let savingSegment { segments.remove(savingSegment) }
        let resolved: SegmentRule
        do {
            resolved = try rule.resolvingNames(layers: layers, segments: segments)
        } catch {
            throw DefinitionError(error, field: field)
        }
        if let unknown = Self.firstTag(in: resolved, where: { !tags.contains($0) }) {
            var error = DefinitionError.unknownTag(unknown.tag)
            error.details["path"] = .string(unknown.path)
            if let field { error.details["field"] = .string(field) }
            throw error
        }
        return resolved
    }

    /// The cycle saving `rule` as segment `id` would close, as a chain `a → b → a`, or nil.
    public func cycle(saving id: String, rule: SegmentRule?) -> [String]? {
        var rules: [String: SegmentRule] = [:]
        for segment in segments { rules[segment.id] = segment.rule }
        rules[id] = rule
        return SegmentGraph(rules).cycle()
    }

    /// Dynamic segments that read `id` through `in segment`, directly or through others, in evaluation order: what
    /// must be recomputed after `id`'s members change.
    public func dependents(of id: String) -> [String] {
        let rules = Dictionary(uniqueKeysWithValues: segments.compactMap { s in s.rule.map { (s.id, $0) } })
        let graph = SegmentGraph(rules)
        let dependents = graph.dependents(of: id)
        let order = (try? graph.evaluationOrder()) ?? rules.keys.sorted()
        return order.filter { dependents.contains($0) }
    }

    /// Definitions whose rules name segment `id`, as `segment X` / `tag rule Y`.
    public func referrers(ofSegment id: String) -> [String] {
        referrers { $0.referencedSegments.contains(id) }
    }

    /// Definitions whose rules name tag `name` (`has tag`/`lacks tag`), and auto-tag rules that maintain it.
    public func referrers(ofTag name: String) -> [String] {
        referrers { $0.referencedTags.contains(name) }
            + tagRules.filter { $0.tag == name && !$0.rule.referencedTags.contains(name) }.map { "tag rule \($0.id)" }
    }

    /// Layer ids named by `rfm layer` conditions, with the definitions naming each.
    public func layerReferences() -> [String: [String]] {
        var references: [String: [String]] = [:]
        func record(_ rule: SegmentRule, _ owner: String) {
            for condition in rule.conditions {
                guard case .rfmLayer(let match) = condition else { continue }
                let ids: [String] =
                    switch match {
                    case .equals(let id): [id]
                    case .oneOf(let ids): ids
                    }
                for id in ids where references[id]?.contains(owner) != true { references[id, default: []].append(owner) }
            }
        }
        for segment in segments { if let rule = segment.rule { record(rule, "segment \(segment.id)") } }
        for rule in tagRules { record(rule.rule, "tag rule \(rule.id)") }
        return references
    }

    private func referrers(_ reads: (SegmentRule) -> Bool) -> [String] {
        segments.filter { $0.rule.map(reads) ?? false }.map { "segment \($0.id)" }
            + tagRules.filter { reads($0.rule) }.map { "tag rule \($0.id)" }
    }

    /// The first `has tag`/`lacks tag` condition whose tag satisfies `predicate`, with its node path written as in
    /// `SegmentRuleError` (`all[1].not`).
    public static func firstTag(in rule: SegmentRule, where predicate: (String) -> Bool) -> (tag: String, path: String)? {
        func walk(_ rule: SegmentRule, _ path: [String]) -> (tag: String, path: String)? {
            switch rule {
            case .all(let rules):
                for (index, child) in rules.enumerated() {
                    if let found = walk(child, path + ["all[\(index)]"]) { return found }
                }
                return nil
            case .any(let rules):
                for (index, child) in rules.enumerated() {
                    if let found = walk(child, path + ["any[\(index)]"]) { return found }
                }
                return nil
            case .not(let inner):
                return walk(inner, path + ["not"])
            case .condition(.hasTag(let tag)), .condition(.lacksTag(let tag)):
                return predicate(tag) ? (tag, path.joined(separator: ".")) : nil
            case .condition:
                return nil
            }
        }
        return walk(rule, [])
    }
}
