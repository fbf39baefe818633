import Testing

@testable import PondCore

/// The pure step: what a run does at each kind of node.
@Suite("Journey step")
struct JourneyStepTests {
    typealias F = JourneyFixture

    static let now = ISO8601.parse("2026-03-02T01:30:00Z")!  // Monday 09:30 in Shanghai
    static let shanghai = 28_800

    static func context(
        facts: ProfileFacts = ProfileFacts(), seed: UInt64 = 1, enteredAt: Instant? = nil,
        membership: @escaping @Sendable (String) -> Bool = { _ in false }
    ) -> JourneyStepContext {
        JourneyStepContext(
            now: now, utcOffsetSeconds: shanghai, facts: facts, membership: membership, runSeed: seed,
            enteredAt: enteredAt ?? now.adding(days: -1))
    }

    static func step(_ nodes: [JourneyNode], _ context: JourneyStepContext = context()) -> JourneyStepOutcome {
        JourneyStep.next(F.with(nodes + [JourneyNode("done", .exit)]), at: "a", context: context)
    }

    @Test("an action is performed, then the run goes on")
    func action() {
        #expect(Self.step([JourneyNode("a", .action(F.send, next: "done"))]) == .perform(F.send, then: "done"))
    }

    @Test("a fixed delay wakes an exact number of milliseconds later")
    func duration() {
        #expect(
            Self.step([JourneyNode("a", .delay(.duration(seconds: 180 * 86_400), next: "done"))])
                == .wait(until: Self.now.adding(days: 180), then: "done"))
    }

    @Test("a delay until a time of day uses the profile's clock and weekdays")
    func untilTimeOfDay() {
        // 09:30 Monday in Shanghai: 10:00 today; 09:00 on workdays is Tuesday; 09:00 on Saturdays is the 7th.
        #expect(
            Self.step([JourneyNode("a", .delay(.untilTimeOfDay(TimeOfDay(hour: 10), weekdays: Weekday.all), next: "done"))])
                == .wait(until: ISO8601.parse("2026-03-02T02:00:00Z")!, then: "done"))
        #expect(
            Self.step([JourneyNode("a", .delay(.untilTimeOfDay(TimeOfDay(hour: 9), weekdays: Weekday.workdays), next: "done"))])
                == .wait(until: ISO8601.parse("2026-03-03T01:00:00Z")!, then: "done"))
        #expect(
            Self.step([JourneyNode("a", .delay(.untilTimeOfDay(TimeOfDay(hour: 9), weekdays: [.saturday]), next: "done"))])
                == .wait(until: ISO8601.parse("2026-03-07T01:00:00Z")!, then: "done"))
    }

    @Test("a delay until a date trait; without the date, the run leaves")
    func untilDateTrait() {
        let node = JourneyNode("a", .delay(.untilDateTrait(DateTraitSchedule(trait: "birthday", at: TimeOfDay(hour: 9))), next: "done"))
        #expect(
            Self.step([node], Self.context(facts: ProfileFacts(traits: ["birthday": "1990-03-05"])))
                == .wait(until: ISO8601.parse("2026-03-05T01:00:00Z")!, then: "done"))
        #expect(Self.step([node]) == .exit(.noDate(trait: "birthday")))
    }

    @Test("a wait for an event times out an exact span after arriving")
    func waitForEvent() {
        let filters = [SegmentCondition.PropertyFilter("amount", .greaterThan(0))]
        let wait = JourneyEventWait(event: "Order Completed", filters: filters, timeoutSeconds: 3600, onEvent: "done", onTimeout: "b")
        #expect(
            Self.step([JourneyNode("a", .waitForEvent(wait)), JourneyNode("b", .exit)])
                == .waitForEvent(event: "Order Completed", filters: filters, timeoutAt: Self.now.adding(milliseconds: 3_600_000), onEvent: "done", onTimeout: "b"))
    }

    @Test("a condition is evaluated on the profile at that moment, segments through the membership closure")
    func condition() {
        let nodes = [
            JourneyNode("a", .condition(.any([.condition(.hasTag("会员")), .condition(.inSegment("vip"))]), then: "b", else: "done")),
            JourneyNode("b", .exit),
        ]
        #expect(Self.step(nodes, Self.context(facts: ProfileFacts(tags: ["会员"]))) == .go(to: "b", arm: "then"))
        #expect(Self.step(nodes, Self.context(membership: { $0 == "vip" })) == .go(to: "b", arm: "then"))
        #expect(Self.step(nodes) == .go(to: "done", arm: "else"))
    }

    @Test("a split takes the same arm for the same run, and each arm about its share over many runs")
    func split() {
        let arms = [
            JourneySplitArm("A", percent: 20, next: "done"), JourneySplitArm("B", percent: 30, next: "b"),
            JourneySplitArm("C", percent: 50, next: "c"),
        ]
        let nodes = [JourneyNode("a", .split(arms)), JourneyNode("b", .exit), JourneyNode("c", .exit)]
        var counts: [String: Int] = [:]
        for seed in UInt64(0)..<10_000 {
            let outcome = Self.step(nodes, Self.context(seed: seed))
            #expect(Self.step(nodes, Self.context(seed: seed)) == outcome)
            guard case .go(_, let arm?) = outcome else {
                Issue.record("seed \(seed): \(outcome)")
                continue
            }
            counts[arm, default: 0] += 1
        }
        #expect((1_800...2_200).contains(counts["A", default: 0]), "\(counts)")
        #expect((2_750...3_250).contains(counts["B", default: 0]), "\(counts)")
        #expect((4_700...5_300).contains(counts["C", default: 0]), "\(counts)")
        // Two splits of one run are decided independently.
        let same = (UInt64(0)..<1_000).filter {
            JourneyStep.arm(of: arms, node: "first", seed: $0)?.name == JourneyStep.arm(of: arms, node: "second", seed: $0)?.name
        }.count
        #expect(same < 500, "\(same) of 1000 runs took the same arm at both splits")
    }

    @Test("an exit node completes the run")
    func exit() {
        #expect(JourneyStep.next(F.simple(), at: "done", context: Self.context()) == .exit(.completed))
    }

    @Test("the goal exits the run as a conversion with the time from entry, within its window only")
    func goal() {
        var definition = F.simple()
        definition.goal = JourneyGoal(rule: .condition(.hasTag("会员")), withinDays: 7)
        let member = ProfileFacts(tags: ["会员"])
        let entered = Self.now.adding(milliseconds: -5_000)
        #expect(
            JourneyStep.next(definition, at: "later", context: Self.context(facts: member, enteredAt: entered))
                == .exit(.converted(afterMilliseconds: 5_000)))
        #expect(
            JourneyStep.next(definition, at: "later", context: Self.context(facts: member, enteredAt: Self.now.adding(days: -8)))
                == .wait(until: Self.now.adding(days: 1), then: "done"))
        #expect(JourneyStep.next(definition, at: "hello", context: Self.context()) == .perform(F.send, then: "later"))
        definition.exitWhen = .condition(.consent(purpose: "marketing", .denied))
        let unsubscribedMember = ProfileFacts(tags: ["会员"], consent: ["marketing": false])
        #expect(JourneyStep.exitCheck(definition, context: Self.context(facts: unsubscribedMember)) == .exitCondition)
    }

    @Test("a node or target that does not exist ends the run instead of guessing")
    func brokenGraph() {
        #expect(JourneyStep.next(F.simple(), at: "gone", context: Self.context()) == .exit(.brokenGraph(node: "gone")))
        #expect(Self.step([JourneyNode("a", .action(F.send, next: "nowhere"))]) == .exit(.brokenGraph(node: "a")))
        #expect(Self.step([JourneyNode("a", .action(F.send, next: nil))]) == .exit(.brokenGraph(node: "a")))
    }

    @Test("events match triggers and waits by name and property filters")
    func eventMatch() {
        let trigger = JourneyTrigger.event(
            name: "Cart Abandoned", filters: [SegmentCondition.PropertyFilter("amount", .greaterThanOrEqual(100))], dedupeKey: "cart_id")
        #expect(JourneyEventMatch.matches("Cart Abandoned", properties: ["amount": 120, "cart_id": "c1"], trigger: trigger, now: Self.now))
        #expect(!JourneyEventMatch.matches("Cart Abandoned", properties: ["amount": 99], trigger: trigger, now: Self.now))
        #expect(!JourneyEventMatch.matches("Cart Abandoned", properties: [:], trigger: trigger, now: Self.now))
        #expect(!JourneyEventMatch.matches("cart abandoned", properties: ["amount": 120], trigger: trigger, now: Self.now))
        #expect(!JourneyEventMatch.matches("Cart Abandoned", properties: ["amount": 120], trigger: .manual, now: Self.now))
        let wait = JourneyEventWait(event: "Order Completed", timeoutSeconds: 60, onEvent: "a", onTimeout: "b")
        #expect(JourneyEventMatch.matches("Order Completed", properties: [:], wait: wait, now: Self.now))
        #expect(JourneyEventMatch.dedupeValue(["cart_id": "c1"], trigger: trigger) == "c1")
        #expect(JourneyEventMatch.dedupeValue(["cart_id": 42], trigger: trigger) == "42")
        #expect(JourneyEventMatch.dedupeValue([:], trigger: trigger) == nil)
    }

    @Test("the built-in actions read back as typed values for the engine's executors")
    func typedActions() throws {
        let send = try #require(SendMessageAction(.sendMessage(template: "t", channel: .sms, expiresAfterSeconds: 600)))
        #expect(send.template == "t" && send.channel == .sms && send.category == nil)
        #expect(send.category(template: .content) == .content)
        #expect(send.expiresAt(askedAt: Self.now) == Self.now.adding(milliseconds: 600_000))
        #expect(SendMessageAction(.addTag("x")) == nil)
        #expect(TagAction(.removeTag("会员")) == TagAction(.removeTag("会员")))
        #expect(TagAction(.removeTag("会员"))?.adds == false)
        #expect(SetTraitAction(.setTrait("step", 2))?.value == 2)
        #expect(WebhookAction(.webhook(url: "https://x.example", body: ["a": 1]))?.body == ["a": 1])
    }

    @Test("re-entry: once ever, again after exit, always; and the cap on runs in progress")
    func entry() {
        var definition = F.simple()
        func decide(ever: Bool, inProgress: Bool, runs: Int = 0) -> JourneyEntry.Decision {
            JourneyEntry.decide(definition, everEntered: ever, runInProgress: inProgress, runsInProgress: runs)
        }
        #expect(decide(ever: false, inProgress: false) == .enter)
        #expect(decide(ever: true, inProgress: false) == .alreadyEntered)
        definition.reentry = .afterExit
        #expect(decide(ever: true, inProgress: false) == .enter)
        #expect(decide(ever: true, inProgress: true) == .alreadyEntered)
        definition.reentry = .always
        #expect(decide(ever: true, inProgress: true) == .enter)
        definition.maxConcurrentRuns = 10
        #expect(decide(ever: false, inProgress: false, runs: 10) == .atCapacity)
        #expect(decide(ever: false, inProgress: false, runs: 9) == .enter)
        #expect(JourneyEntry.decide(definition, everEntered: false, runInProgress: false, runsInProgress: 0, duplicateKey: true) == .duplicate)
    }
}
