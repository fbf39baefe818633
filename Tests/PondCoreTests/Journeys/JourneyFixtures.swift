@testable import PondCore

/// Small journeys built in code, and a catalog that knows what they name.
enum JourneyFixture {
    static let catalog = JourneyCatalog(
        templates: [
            "welcome": JourneyCatalog.TemplateInfo(
                category: .service,
                variables: [.wecom: [TemplateVariable("name", fallback: "您好")!], .sms: [TemplateVariable("name")!]]),
            "cart": JourneyCatalog.TemplateInfo(
                category: .marketing, variables: [.sms: [TemplateVariable("event.product_name")!]]),
            "typo": JourneyCatalog.TemplateInfo(category: .content, variables: [.wecom: [TemplateVariable("nmae")!]]),
        ],
        segments: ["vip", "dormant"], tags: ["会员", "生日礼遇"], traitKeys: ["name", "birthday", "city"],
        eventNames: ["Order Completed", "Cart Abandoned", "Member Registered"])

    static let send = JourneyAction.sendMessage(template: "welcome", channel: .wecom)

    /// trigger → send → wait a day → exit.
    static func simple(trigger: JourneyTrigger = .manual) -> JourneyDefinition {
        JourneyDefinition(
            name: "simple", trigger: trigger, start: "hello",
            nodes: [
                JourneyNode("hello", .action(send, next: "later")),
                JourneyNode("later", .delay(.duration(seconds: 86_400), next: "done")),
                JourneyNode("done", .exit),
            ])
    }

    static func with(_ nodes: [JourneyNode], start: String = "a", trigger: JourneyTrigger = .manual) -> JourneyDefinition {
        JourneyDefinition(name: "t", trigger: trigger, start: start, nodes: nodes)
    }

    static func codes(_ definition: JourneyDefinition, actions: JourneyActionRegistry = .builtIn) -> [JourneyError.Code] {
        JourneyValidator.problems(definition, catalog: catalog, actions: actions).map(\.code)
    }

    static func problems(_ definition: JourneyDefinition) -> [JourneyError] {
        JourneyValidator.problems(definition, catalog: catalog)
    }
}
