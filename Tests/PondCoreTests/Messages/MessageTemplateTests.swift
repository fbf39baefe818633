import Testing

@testable import PondCore

/// Validating templates and their JSON form.
@Suite("Message templates")
struct MessageTemplateTests {
    static let vocabulary = TemplateVocabulary(traitKeys: ["name", "city", "address", "会员等级"], eventAvailable: true)

    static func template(_ bodies: [ChannelID: String], category: MessageCategory = .service) throws -> MessageTemplate {
        var result: [ChannelID: TemplateBody] = [:]
        for (channel, text) in bodies { result[channel] = TemplateBody(text: try TemplateText(parsing: text)) }
        return MessageTemplate(name: "t", category: category, bodies: result)
    }

    @Test("a misspelt trait is refused with the closest known name")
    func typoSuggestion() throws {
        let problems = try Self.template([.sms: "您好 {{nmae}}，{{citty|朋友}}"]).problems(vocabulary: Self.vocabulary)
        #expect(problems.map(\.code) == [.unknownVariable, .unknownVariable])
        #expect(problems.map(\.path) == ["bodies.sms.text", "bodies.sms.text"])
        #expect(problems[0].message.contains("did you mean {{name}}"))
        #expect(problems[1].message.contains("did you mean {{city}}"))
        #expect(Self.vocabulary.suggestion(for: TemplateVariable("会员等极")!) == "会员等级")
        #expect(Self.vocabulary.suggestion(for: TemplateVariable("links.unsubscrib")!) == "links.unsubscribe")
    }

    @Test("a name far from every known one gets no suggestion")
    func noSuggestion() throws {
        let problems = try Self.template([.sms: "{{birthday}}"]).problems(vocabulary: Self.vocabulary)
        #expect(problems.count == 1)
        #expect(!problems[0].message.contains("did you mean"))
    }

    @Test("known traits, nested paths under a known trait, events where there is one, system values")
    func knownVariables() throws {
        let template = try Self.template([.sms: "{{name}}{{address.city}}{{event.anything}}{{profile.id}}{{links.unsubscribe}}"])
        #expect(template.problems(vocabulary: Self.vocabulary).isEmpty)
        var noEvent = Self.vocabulary
        noEvent.eventAvailable = false
        let problems = template.problems(vocabulary: noEvent)
        #expect(problems.map(\.code) == [.unknownVariable])
        #expect(problems.first?.message.contains("no trigger event") == true || problems.first?.message.contains("there is none") == true)
        #expect(try Self.template([.sms: "{{links.nowhere}}"]).problems(vocabulary: Self.vocabulary).map(\.code) == [.unknownVariable])
    }

    @Test("known event properties limit event variables")
    func eventProperties() throws {
        let vocabulary = TemplateVocabulary(traitKeys: [], eventAvailable: true, eventProperties: ["product_name"])
        let problems = try Self.template([.sms: "{{event.product_nam}}"]).problems(vocabulary: vocabulary)
        #expect(problems.first?.message.contains("did you mean {{event.product_name}}") == true)
    }

    @Test("empty texts, missing bodies, long SMS, malformed channels and blank names")
    func structure() throws {
        #expect(MessageTemplate(name: "t", category: .service, bodies: [:]).problems(vocabulary: nil).map(\.code) == [.empty])
        let long = String(repeating: "好", count: 501)
        #expect(try Self.template([.sms: long]).problems(vocabulary: nil).map(\.path) == ["bodies.sms.text"])
        #expect(try Self.template([.sms: long]).problems(vocabulary: nil).map(\.code) == [.tooLong])
        #expect(try Self.template([.wecom: long]).problems(vocabulary: nil).isEmpty)
        #expect(try Self.template([.sms: String(repeating: "好", count: 500)]).problems(vocabulary: nil).isEmpty)
        #expect(try Self.template([.sms: ""]).problems(vocabulary: nil).map(\.code) == [.empty])
        #expect(try Self.template(["SMS": "x"]).problems(vocabulary: nil).map(\.code) == [.invalidChannel])
        var blank = try Self.template([.sms: "x"])
        blank.name = "  "
        #expect(blank.problems(vocabulary: nil).map(\.code) == [.invalidName])
        let provider = MessageTemplate(
            name: "t", category: .service,
            bodies: [.sms: TemplateBody(text: TemplateText(literal: "x"), providerTemplate: ProviderTemplate(code: "", parameters: ["n": TemplateText(literal: "")]))])
        #expect(provider.problems(vocabulary: nil).map(\.path) == ["bodies.sms.providerTemplate.code", "bodies.sms.providerTemplate.parameters.n"])
    }

    @Test("validate throws the first problem")
    func validateThrows() throws {
        let template = try Self.template([.sms: "{{nmae}}"])
        #expect(throws: TemplateError.self) { try template.validate(vocabulary: Self.vocabulary) }
        try template.validate(vocabulary: nil)
    }

    static let emailJSON: JSONValue = [
        "name": "生日礼遇", "category": "marketing",
        "bodies": [
            "email": ["subject": "{{name|亲爱的会员}}，生日快乐", "text": "Hi {{name}}", "html": "<p>{{name}}</p>"],
            "sms": [
                "text": "【Pond】{{name|会员}}生日快乐", "subject": nil,
                "providerTemplate": ["code": "SMS_100", "parameters": ["name": "{{ name | 会员 }}"]],
            ],
        ],
    ]

    @Test("the JSON form reads and writes back")
    func jsonRoundTrip() throws {
        let template = try MessageTemplate(json: Self.emailJSON)
        #expect(template.category == .marketing)
        #expect(template.channels == [.email, .sms])
        #expect(template.bodies[.sms]?.providerTemplate?.parameters["name"]?.source == "{{name|会员}}")
        #expect(template.variables.map(\.name) == ["name"])
        #expect(try MessageTemplate(json: template.json) == template)
        #expect(template.problems(vocabulary: Self.vocabulary).isEmpty)
    }

    @Test("a preview against a real profile, per channel")
    func preview() throws {
        let template = try MessageTemplate(json: Self.emailJSON)
        let profile = TemplateValues(traits: ["name": "小林"])
        #expect(template.preview(channel: .email, values: profile)?.body.subject == "小林，生日快乐")
        #expect(template.preview(channel: .email, values: TemplateValues())?.missing == ["name"])
        #expect(template.preview(channel: .wecom, values: profile) == nil)
        #expect(try template.render(channel: .sms, values: profile)?.providerTemplate?.parameters == ["name": "小林"])
    }

    struct BadJSON: Sendable, CustomTestStringConvertible {
        let json: JSONValue
        let code: TemplateError.Code
        let path: String
        var testDescription: String { JSONWriter.string(json) }
    }

    static let badJSON: [BadJSON] = [
        BadJSON(json: ["name": "t", "category": "service", "bodies": [:], "extra": 1], code: .unknownField, path: "extra"),
        BadJSON(json: ["name": "t", "bodies": [:]], code: .invalidCategory, path: "category"),
        BadJSON(json: ["name": "t", "category": "promo", "bodies": [:]], code: .invalidCategory, path: "category"),
        BadJSON(json: ["category": "service", "bodies": [:]], code: .missingField, path: "name"),
        BadJSON(json: ["name": "t", "category": "service", "bodies": ["sms": ["text": 1]]], code: .wrongType, path: "bodies.sms.text"),
        BadJSON(json: ["name": "t", "category": "service", "bodies": ["sms": ["txt": "x"]]], code: .unknownField, path: "bodies.sms.txt"),
        BadJSON(json: ["name": "t", "category": "service", "bodies": ["sms": ["text": "{{name"]]], code: .syntax, path: "bodies.sms.text"),
        BadJSON(
            json: ["name": "t", "category": "service", "bodies": ["sms": ["text": "x", "providerTemplate": ["code": "c", "parameters": ["a": "{{}}"]]]]],
            code: .syntax, path: "bodies.sms.providerTemplate.parameters.a"),
        BadJSON(json: ["name": "t", "category": "service", "bodies": "sms"], code: .wrongType, path: "bodies"),
    ]

    @Test("malformed JSON is refused at the member at fault", arguments: badJSON)
    func refusesJSON(_ bad: BadJSON) {
        #expect {
            _ = try MessageTemplate(json: bad.json)
        } throws: { error in
            (error as? TemplateError).map { $0.code == bad.code && $0.path == bad.path } ?? false
        }
    }
}
