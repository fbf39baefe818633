extension MessageTemplate {
    /// Every problem of the template, in a stable order (name, then bodies by channel id, then subject, text,
    /// html, provider template), so an editor can show them all at once.
    ///
    /// Checked: the name is 1…200 bytes and not blank; there is at least one body; channel ids are well formed;
    /// texts are not empty and within `TemplateBody.Limits` (an SMS text at most 500 characters); a provider
    /// template has a code and well-formed parameter names; and, with a vocabulary, every variable names something
    /// it knows (`template_unknown_variable`, with the closest known name when there is one).
    ///
    /// A template saved on its own is checked with the workspace's traits and `eventAvailable: true`: it does not
    /// yet know where it will be used. A journey checks again, with the event it actually has.
    public func problems(vocabulary: TemplateVocabulary?) -> [TemplateError] {
        var problems: [TemplateError] = []
        if let problem = TemplateChecks.name(name, path: "name", what: "a template's name") { problems.append(problem) }
        if bodies.isEmpty {
            problems.append(TemplateError(.empty, path: "bodies", "a template needs a body for at least one channel"))
        }
        for channel in bodies.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            let path = "bodies.\(channel.rawValue)"
            guard channel.isWellFormed else {
                problems.append(
                    TemplateError(
                        .invalidChannel, path: path,
                        "\"\(channel.rawValue)\" is not a channel id: 1 to 32 of a–z, 0–9, _ and -"))
                continue
            }
            problems += bodies[channel]!.problems(channel: channel, path: path, vocabulary: vocabulary)
        }
        return problems
    }

    /// The first of `problems(vocabulary:)`.
    public func validate(vocabulary: TemplateVocabulary?) throws(TemplateError) {
        if let first = problems(vocabulary: vocabulary).first { throw first }
    }
}

extension TemplateBody {
    func problems(channel: ChannelID, path: String, vocabulary: TemplateVocabulary?) -> [TemplateError] {
        var problems: [TemplateError] = []
        func check(_ text: TemplateText, _ member: String, limit: Int, what: String) {
            let textPath = "\(path).\(member)"
            if text.isEmpty {
                problems.append(TemplateError(.empty, path: textPath, "\(what) is empty"))
                return
            }
            let count = text.characterCount
            if count > limit {
                problems.append(
                    TemplateError(.tooLong, path: textPath, "\(what) is \(count) characters; at most \(limit) are allowed"))
            }
            guard let vocabulary else { return }
            var reported: Set<String> = []
            for variable in text.variables where reported.insert(variable.name).inserted {
                if let problem = vocabulary.problem(with: variable) {
                    problems.append(TemplateError(.unknownVariable, path: textPath, problem))
                }
            }
        }
        if let subject { check(subject, "subject", limit: Limits.subject, what: "the subject") }
        check(text, "text", limit: channel == .sms ? Limits.smsText : Limits.text,
            what: channel == .sms ? "an SMS text" : "the text")
        if let html { check(html, "html", limit: Limits.html, what: "the HTML") }
        if let provider = providerTemplate {
            let providerPath = "\(path).providerTemplate"
            if let problem = TemplateChecks.name(provider.code, path: "\(providerPath).code", what: "a provider template code") {
                problems.append(problem)
            }
            if provider.parameters.count > Limits.parameters {
                problems.append(
                    TemplateError(
                        .tooLong, path: "\(providerPath).parameters",
                        "a provider template has at most \(Limits.parameters) parameters, got \(provider.parameters.count)"))
            }
            for name in provider.parameters.keys.sorted() {
                let parameterPath = "\(providerPath).parameters.\(name)"
                if let problem = TemplateChecks.name(name, path: parameterPath, what: "a parameter name") {
                    problems.append(problem)
                    continue
                }
                check(provider.parameters[name]!, "providerTemplate.parameters.\(name)", limit: Limits.parameter,
                    what: "the parameter \"\(name)\"")
            }
        }
        return problems
    }
}

enum TemplateChecks {
    static func name(_ name: String, path: String, what: String) -> TemplateError? {
        if name.allSatisfy(\.isWhitespace) {
            return TemplateError(.invalidName, path: path, "\(what) cannot be empty")
        }
        if name.utf8.count > TemplateBody.Limits.maximumNameBytes {
            return TemplateError(
                .invalidName, path: path, "\(what) is at most \(TemplateBody.Limits.maximumNameBytes) bytes")
        }
        return nil
    }
}
