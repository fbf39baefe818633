/// Resolving the names a person writes in a rule to the ids Pond stores.
///
/// Operators write stages and layers in whichever language their console speaks — `stage = "流失"`,
/// `rfm layer = "Champions"` — while profiles store stable ids (`churned`, `champions`). A rule is resolved once,
/// when it is saved, so evaluation (in memory and in SQL) compares ids byte for byte; a name that matches nothing
/// is refused with the path of the node instead of silently matching nobody.
extension SegmentRule {
    /// Names of one kind: every accepted spelling → the id it stands for.
    public typealias Vocabulary = [String: String]

    /// Stage names: ids (`churned`) and Chinese names (`流失`).
    public static let stageVocabulary: Vocabulary = {
        var names: Vocabulary = [:]
        for stage in LifecycleStage.allCases {
            names[stage.rawValue] = stage.rawValue
            names[stage.chineseName] = stage.rawValue
        }
        return names
    }()

    /// Layer names of a layer map: ids, Chinese and English names.
    public static func layerVocabulary(_ layers: [RFMLayer]) -> Vocabulary {
        var names: Vocabulary = [:]
        for layer in layers {
            names[layer.englishName] = layer.id
            names[layer.chineseName] = layer.id
        }
        for layer in layers { names[layer.id] = layer.id }
        return names
    }

    /// The rule with stage and layer names replaced by ids. Throws `unknown_stage`, `unknown_layer`, or
    /// `unknown_segment` for an `in segment` reference outside `segments`.
    public func resolvingNames(
        stages: Vocabulary = SegmentRule.stageVocabulary, layers: Vocabulary, segments: Set<String>
    ) throws(SegmentRuleError) -> SegmentRule {
        var steps: [SegmentPathStep] = []
        return try resolve(self, &steps, stages: stages, layers: layers, segments: segments)
    }

    private func resolve(
        _ rule: SegmentRule, _ steps: inout [SegmentPathStep], stages: Vocabulary, layers: Vocabulary,
        segments: Set<String>
    ) throws(SegmentRuleError) -> SegmentRule {
        func lookup(_ name: String, in vocabulary: Vocabulary, _ code: SegmentRuleError.Code, _ kind: String)
            throws(SegmentRuleError) -> String
        {
            guard let id = vocabulary[name] else {
                let known = Set(vocabulary.values).sorted().joined(separator: ", ")
                throw SegmentRuleError(code, path: SegmentPathStep.render(steps), "no \(kind) named \"\(name)\" (known: \(known))")
            }
            return id
        }
        func match(_ match: SegmentCondition.NameMatch, _ vocabulary: Vocabulary, _ code: SegmentRuleError.Code, _ kind: String)
            throws(SegmentRuleError) -> SegmentCondition.NameMatch
        {
            switch match {
            case .equals(let name): return .equals(try lookup(name, in: vocabulary, code, kind))
            case .oneOf(let names):
                var ids: [String] = []
                for name in names { ids.append(try lookup(name, in: vocabulary, code, kind)) }
                return .oneOf(ids)
            }
        }
        switch rule {
        case .all(let rules), .any(let rules):
            let isAll = if case .all = rule { true } else { false }
            var resolved: [SegmentRule] = []
            for (index, child) in rules.enumerated() {
                steps.append(isAll ? .all(index) : .any(index))
                resolved.append(try resolve(child, &steps, stages: stages, layers: layers, segments: segments))
                steps.removeLast()
            }
            return isAll ? .all(resolved) : .any(resolved)
        case .not(let inner):
            steps.append(.not)
            defer { steps.removeLast() }
            return .not(try resolve(inner, &steps, stages: stages, layers: layers, segments: segments))
        case .condition(.stage(let names)):
            return .condition(.stage(try match(names, stages, .unknownStage, "lifecycle stage")))
        case .condition(.rfmLayer(let names)):
            return .condition(.rfmLayer(try match(names, layers, .unknownLayer, "RFM layer")))
        case .condition(.inSegment(let id)):
            guard segments.contains(id) else {
                throw SegmentRuleError(.unknownSegment, path: SegmentPathStep.render(steps), "no segment with id \"\(id)\"")
            }
            return rule
        case .condition:
            return rule
        }
    }
}
