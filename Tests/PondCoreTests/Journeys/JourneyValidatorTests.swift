import Testing

@testable import PondCore

/// What validation refuses before a journey is saved, each refusal with its code and the path of the node.
@Suite("Journey validation")
struct JourneyValidatorTests {
    typealias F = JourneyFixture

    @Test("a well-formed journey has no problems")
    func valid() throws {
        #expect(F.problems(F.simple()).isEmpty)
        try JourneyValidator.validate(F.simple(), catalog: F.catalog)
    }

    @Test("an edge to a node that does not exist, with the closest id")
    func unknownNode() {
        let problems = F.problems(
            F.with([JourneyNode("a", .action(F.send, next: "donee")), JourneyNode("done", .exit)]))
        #expect(problems.map(\.code) == [.unknownNode, .unreachableNode])
        #expect(problems.map(\.path) == ["nodes.a.next", "nodes.done"])
        #expect(problems.first?.message.contains("did you mean \"done\"") == true)
    }

    @Test("duplicate and malformed ids, a missing start")
    func ids() {
        let duplicate = F.problems(F.with([JourneyNode("a", .exit), JourneyNode("a", .exit)]))
        #expect(duplicate.map(\.code) == [.duplicateNode])
        #expect(duplicate.first?.path == "nodes[1].id")
        #expect(F.codes(F.with([JourneyNode("a b", .exit), JourneyNode("a", .exit)])) == [.invalidNodeID])
        #expect(F.codes(F.with([JourneyNode("a", .exit)], start: "b")) == [.missingStart])
        #expect(F.codes(F.with([], start: "")) == [.missingStart])
    }

    @Test("a node no path reaches")
    func unreachable() {
        let problems = F.problems(F.with([JourneyNode("a", .exit), JourneyNode("orphan", .action(F.send, next: "a"))]))
        #expect(problems.map(\.code) == [.unreachableNode])
        #expect(problems.first?.path == "nodes.orphan")
    }

    @Test("a loop with no delay or wait is refused, naming the loop; a loop through a delay is fine")
    func loops() {
        let spin = F.with([
            JourneyNode("a", .condition(.condition(.hasTag("会员")), then: "b", else: "done")),
            JourneyNode("b", .action(F.send, next: "a")),
            JourneyNode("done", .exit),
        ])
        let problems = F.problems(spin)
        #expect(problems.map(\.code) == [.loopWithoutWait])
        #expect(problems.first?.path == "nodes.a")
        #expect(problems.first?.message.contains("a → b → a") == true)
        let weekly = F.with([
            JourneyNode("a", .condition(.condition(.hasTag("会员")), then: "b", else: "done")),
            JourneyNode("b", .action(F.send, next: "wait")),
            JourneyNode("wait", .delay(.duration(seconds: 7 * 86_400), next: "a")),
            JourneyNode("done", .exit),
        ])
        #expect(F.problems(weekly).isEmpty)
        // A self-loop, and a short cycle that avoids the delay of a larger one.
        #expect(F.codes(F.with([JourneyNode("a", .action(F.send, next: "a"))])).contains(.loopWithoutWait))
        let bypass = F.with([
            JourneyNode("a", .split([JourneySplitArm("x", percent: 50, next: "b"), JourneySplitArm("y", percent: 50, next: "d")])),
            JourneyNode("b", .condition(.condition(.hasTag("会员")), then: "a", else: "done")),
            JourneyNode("d", .delay(.duration(seconds: 60), next: "a")),
            JourneyNode("done", .exit),
        ])
        #expect(F.codes(bypass) == [.loopWithoutWait])
    }

    @Test("a branch with no target, and a node from which no exit can be reached")
    func branchWithoutExit() {
        let dangling = F.problems(
            F.with([JourneyNode("a", .condition(.condition(.hasTag("会员")), then: "done", else: nil)), JourneyNode("done", .exit)]))
        #expect(dangling.map(\.code) == [.branchWithoutExit])
        #expect(dangling.first?.path == "nodes.a.else")
        let trapped = F.problems(
            F.with([
                JourneyNode("a", .condition(.condition(.hasTag("会员")), then: "done", else: "loop")),
                JourneyNode("loop", .delay(.duration(seconds: 60), next: "again")),
                JourneyNode("again", .action(F.send, next: "loop")),
                JourneyNode("done", .exit),
            ]))
        #expect(trapped.map(\.code) == [.branchWithoutExit, .branchWithoutExit])
        #expect(trapped.map(\.path) == ["nodes.loop", "nodes.again"])
    }

    struct DelayCase: Sendable, CustomTestStringConvertible {
        let delay: JourneyDelay
        let path: String
        var testDescription: String { "\(delay)" }
    }

    @Test(
        "absurd delays",
        arguments: [
            DelayCase(delay: .duration(seconds: 0), path: "nodes.a.seconds"),
            DelayCase(delay: .duration(seconds: -5), path: "nodes.a.seconds"),
            DelayCase(delay: .duration(seconds: 4 * 366 * 86_400), path: "nodes.a.seconds"),
            DelayCase(delay: .untilTimeOfDay(TimeOfDay(hour: 9), weekdays: []), path: "nodes.a.weekdays"),
            DelayCase(delay: .untilTimeOfDay(TimeOfDay(hour: 25), weekdays: Weekday.all), path: "nodes.a.at"),
            DelayCase(
                delay: .untilDateTrait(DateTraitSchedule(trait: "birthday", offsetDays: 400, at: TimeOfDay(hour: 9))),
                path: "nodes.a.offsetDays"),
        ])
    func absurdDelays(_ c: DelayCase) {
        let problems = F.problems(F.with([JourneyNode("a", .delay(c.delay, next: "done")), JourneyNode("done", .exit)]))
        #expect(problems.map(\.code) == [.invalidDelay])
        #expect(problems.map(\.path) == [c.path])
    }

    @Test("180 days is a normal delay, and three years the longest")
    func longDelays() {
        for seconds: Int64 in [180 * 86_400, JourneyDefinition.Limits.maximumWaitSeconds] {
            #expect(F.problems(F.with([JourneyNode("a", .delay(.duration(seconds: seconds), next: "done")), JourneyNode("done", .exit)])).isEmpty)
        }
    }

    @Test("a delay until an unknown date trait")
    func unknownTrait() {
        let problems = F.problems(
            F.with([
                JourneyNode("a", .delay(.untilDateTrait(DateTraitSchedule(trait: "birthdy", at: TimeOfDay(hour: 9))), next: "done")),
                JourneyNode("done", .exit),
            ]))
        #expect(problems.map(\.code) == [.unknownTrait])
        #expect(problems.first?.message.contains("birthday") == true)
    }

    @Test("splits: percentages summing to 100, at least two arms, distinct names")
    func splits() {
        func split(_ arms: [JourneySplitArm]) -> [JourneyError] {
            F.problems(F.with([JourneyNode("a", .split(arms)), JourneyNode("done", .exit)]))
        }
        #expect(split([JourneySplitArm("A", percent: 50, next: "done"), JourneySplitArm("B", percent: 50, next: "done")]).isEmpty)
        #expect(split([JourneySplitArm("A", percent: 60, next: "done"), JourneySplitArm("B", percent: 50, next: "done")]).map(\.path) == ["nodes.a.arms"])
        #expect(split([JourneySplitArm("A", percent: 100, next: "done")]).map(\.code) == [.invalidSplit])
        #expect(
            split([JourneySplitArm("A", percent: 50, next: "done"), JourneySplitArm("A", percent: 50, next: "done")]).map(\.path)
                == ["nodes.a.arms[1].name"])
        #expect(
            split([JourneySplitArm("A", percent: 150, next: "done"), JourneySplitArm("B", percent: -50, next: "done")]).map(\.path)
                == ["nodes.a.arms[0].percent", "nodes.a.arms[1].percent"])
    }

    @Test("send_message: unknown template, a channel it lacks, a category less strict than the template's")
    func sendMessage() {
        func problems(_ action: JourneyAction, trigger: JourneyTrigger = .manual) -> [JourneyError] {
            F.problems(F.with([JourneyNode("a", .action(action, next: "done")), JourneyNode("done", .exit)], trigger: trigger))
        }
        let unknown = problems(.sendMessage(template: "welcom", channel: .wecom))
        #expect(unknown.map(\.code) == [.unknownTemplate])
        #expect(unknown.first?.path == "nodes.a.action.template")
        #expect(unknown.first?.message.contains("did you mean \"welcome\"") == true)
        #expect(problems(.sendMessage(template: "welcome", channel: .email)).map(\.code) == [.templateLacksChannel])
        #expect(problems(.sendMessage(template: "cart", channel: .sms, category: .service)).map(\.code) == [.invalidAction])
        #expect(problems(.sendMessage(template: "welcome", channel: .sms, category: .marketing)).isEmpty)
        #expect(problems(.sendMessage(template: "welcome", channel: .wecom, expiresAfterSeconds: 5)).map(\.path) == ["nodes.a.action.expiresAfterSeconds"])
        #expect(problems(JourneyAction(type: "send_message", parameters: ["template": "welcome", "channel": "sms", "chanel": "x"])).map(\.code) == [.unknownField])
        #expect(problems(JourneyAction(type: "send_message", parameters: ["channel": "sms"])).map(\.code) == [.missingField])
    }

    @Test("templates using the trigger event only where there is one, and variables the workspace knows")
    func templateVariables() {
        func problems(_ action: JourneyAction, trigger: JourneyTrigger) -> [JourneyError] {
            F.problems(F.with([JourneyNode("a", .action(action, next: "done")), JourneyNode("done", .exit)], trigger: trigger))
        }
        let cart = JourneyAction.sendMessage(template: "cart", channel: .sms)
        #expect(problems(cart, trigger: .manual).map(\.code) == [.unknownVariable])
        #expect(problems(cart, trigger: .event(name: "Cart Abandoned", filters: [], dedupeKey: "cart_id")).isEmpty)
        let typo = problems(.sendMessage(template: "typo", channel: .wecom), trigger: .manual)
        #expect(typo.map(\.code) == [.unknownVariable])
        #expect(typo.first?.message.contains("did you mean {{name}}") == true)
    }

    @Test("a trait the journey sets itself may be used by a later message")
    func traitsTheJourneySets() {
        let catalog = JourneyCatalog(
            templates: ["step": JourneyCatalog.TemplateInfo(category: .service, variables: [.wecom: [TemplateVariable("onboarding_step")!]])],
            traitKeys: ["name"])
        let send = JourneyNode("b", .action(.sendMessage(template: "step", channel: .wecom), next: "done"))
        let without = F.with([JourneyNode("a", .action(.addTag("x"), next: "b")), send, JourneyNode("done", .exit)])
        #expect(JourneyValidator.problems(without, catalog: catalog).map(\.code).contains(.unknownVariable))
        let with = F.with([JourneyNode("a", .action(.setTrait("onboarding_step", 2), next: "b")), send, JourneyNode("done", .exit)])
        #expect(JourneyValidator.problems(with, catalog: catalog) == [])
    }

    @Test("tags, webhooks, traits and unknown action types")
    func otherActions() {
        func problems(_ action: JourneyAction) -> [JourneyError] {
            F.problems(F.with([JourneyNode("a", .action(action, next: "done")), JourneyNode("done", .exit)]))
        }
        #expect(problems(.addTag("会员")).isEmpty)
        #expect(problems(.removeTag("非会员")).map(\.code) == [.unknownTag])
        #expect(problems(.setTrait("onboarding_step", 3)).isEmpty)
        #expect(problems(.setTrait("profile.id", 3)).map(\.code) == [.invalidAction])
        #expect(problems(.webhook(url: "https://crm.example.com/hook", body: ["a": 1])).isEmpty)
        #expect(problems(.webhook(url: "ftp://x")).map(\.path) == ["nodes.a.action.url"])
        let unknown = problems(JourneyAction(type: "send_mesage"))
        #expect(unknown.map(\.code) == [.unknownAction])
        #expect(unknown.first?.path == "nodes.a.action.type")
        #expect(unknown.first?.message.contains("send_message") == true)
    }

    @Test("triggers: unknown segments, events and traits, empty schedules")
    func triggers() {
        #expect(F.codes(F.simple(trigger: .segment(id: "vipp", .entered))) == [.unknownSegment])
        #expect(F.problems(F.simple(trigger: .segment(id: "vipp", .entered))).first?.path == "trigger.segment")
        #expect(F.codes(F.simple(trigger: .event(name: "Order Complete", filters: [], dedupeKey: nil))) == [.unknownEvent])
        #expect(F.codes(F.simple(trigger: .event(name: "", filters: [], dedupeKey: nil))) == [.invalidTrigger])
        #expect(F.codes(F.simple(trigger: .schedule(weekdays: [], at: TimeOfDay(hour: 20), segment: "vip"))) == [.invalidTrigger])
        #expect(F.codes(F.simple(trigger: .dateTrait(DateTraitSchedule(trait: "bday", at: TimeOfDay(hour: 9))))) == [.unknownTrait])
        let badFilter = F.problems(
            F.simple(trigger: .event(name: "Order Completed", filters: [SegmentCondition.PropertyFilter("amount", .lessThan("x"))], dedupeKey: nil)))
        #expect(badFilter.map(\.code) == [.invalidRule])
        #expect(badFilter.first?.path == "trigger.where[0]")
    }

    @Test("conditions and goals name segments and tags that exist; windows are bounded")
    func rules() {
        let condition = F.problems(
            F.with([JourneyNode("a", .condition(.condition(.inSegment("gone")), then: "done", else: "done")), JourneyNode("done", .exit)]))
        #expect(condition.map(\.code) == [.unknownSegment])
        #expect(condition.first?.path == "nodes.a.rule")
        var definition = F.simple()
        definition.goal = JourneyGoal(rule: .condition(.hasTag("已购")), withinDays: 0)
        #expect(F.problems(definition).map(\.code) == [.unknownTag, .invalidGoal])
        definition.goal = JourneyGoal(rule: .all([]))
        #expect(F.problems(definition).map(\.path) == ["goal.rule"])
        definition.goal = nil
        definition.maxConcurrentRuns = 0
        #expect(F.codes(definition) == [.invalidReentry])
    }

    @Test("too many nodes")
    func tooMany() {
        let nodes = (0...200).map { JourneyNode("n\($0)", .delay(.duration(seconds: 60), next: "n\($0 + 1)")) }
        #expect(F.codes(F.with(nodes, start: "n0")) == [.tooManyNodes])
    }

    @Test("an editor gets every problem at once; validate throws the first")
    func everyProblem() {
        let definition = JourneyDefinition(
            name: " ", trigger: .segment(id: "nope", .entered), start: "a",
            nodes: [
                JourneyNode("a", .delay(.duration(seconds: 0), next: "b")),
                JourneyNode("b", .action(.addTag("nope"), next: nil)),
                JourneyNode("c", .exit),
            ])
        let codes = F.codes(definition)
        #expect(codes == [.invalidName, .unknownSegment, .invalidDelay, .branchWithoutExit, .unknownTag, .unreachableNode])
        #expect(throws: JourneyError.self) { try JourneyValidator.validate(definition, catalog: F.catalog) }
    }

    /// An action kind another module would add (the loyalty issue's `issue_coupon`).
    struct IssueCoupon: JourneyActionKind {
        let type = "issue_coupon"
        func validate(_ parameters: [String: JSONValue], in context: JourneyActionContext) throws(JourneyError) {
            let p = JourneyParameters(parameters, context)
            try p.allow(["coupon"])
            _ = try p.name("coupon")
        }
        func references(_ parameters: [String: JSONValue]) -> JourneyReferences { JourneyReferences(tags: ["coupon-holders"]) }
    }

    @Test("a registered action kind validates its own parameters, without a switch to edit")
    func extensionKind() {
        let coupon = F.with([
            JourneyNode("a", .action(JourneyAction(type: "issue_coupon", parameters: ["coupon": "BDAY"]), next: "done")),
            JourneyNode("done", .exit),
        ])
        #expect(F.codes(coupon) == [.unknownAction])
        let registry = JourneyActionRegistry.builtIn.registering(IssueCoupon())
        #expect(F.codes(coupon, actions: registry).isEmpty)
        #expect(coupon.references(actions: registry).tags == ["coupon-holders"])
        var wrong = coupon
        wrong.nodes[0] = JourneyNode("a", .action(JourneyAction(type: "issue_coupon", parameters: ["cupon": "BDAY"]), next: "done"))
        #expect(JourneyValidator.problems(wrong, catalog: F.catalog, actions: registry).map(\.path) == ["nodes.a.action.cupon"])
    }

    @Test("what a journey names, for still-in-use checks")
    func references() {
        var definition = F.simple(trigger: .segment(id: "vip", .entered))
        definition.nodes.insert(JourneyNode("x", .condition(.condition(.hasTag("会员")), then: "done", else: "done")), at: 0)
        let references = definition.references()
        #expect(references.templates == ["welcome"])
        #expect(references.segments == ["vip"])
        #expect(references.tags == ["会员"])
    }
}
