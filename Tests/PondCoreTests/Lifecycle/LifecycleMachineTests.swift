import Testing

@testable import PondCore

/// Defaults unless a test says otherwise: dormant after N = 60 days (the machine is given N, as the engine does),
/// churned after 180, won back for 30, retained when back a day after activating, converted at two orders.
@Suite("Lifecycle machine")
struct LifecycleMachineTests {
    let machine: LifecycleMachine
    let now = Instant(millisecondsSinceEpoch: 1_800_000_000_000)
    static let day: Int64 = 86_400_000

    init() throws { machine = try LifecycleMachine(dormantAfterDays: 60) }

    private func ago(days: Int, ms: Int64 = 0) -> Instant { now.adding(milliseconds: -Int64(days) * Self.day - ms) }

    /// A customer first seen 400 days ago whose latest activity was `idleDays` ago.
    private func facts(
        idleDays: Int, idleExtraMs: Int64 = 0, activatedDaysAgo: Int? = nil, orders: Int = 0,
        previous: LifecycleStageRecord? = nil
    ) -> LifecycleFacts {
        let last = ago(days: idleDays, ms: idleExtraMs)
        return LifecycleFacts(
            firstSeen: ago(days: 400), lastActivityAt: last, activatedAt: activatedDaysAgo.map { ago(days: $0) },
            orderCount: orders, lastOrderAt: orders > 0 ? last : nil, previous: previous)
    }

    // MARK: Funnel

    @Test("a customer who has only been seen is acquired")
    func acquired() {
        let decision = machine.evaluate(LifecycleFacts(firstSeen: ago(days: 2)), now: now)
        #expect(decision.stage == .acquired)
        #expect(decision.rule == .firstSeen)
    }

    @Test("an activation event makes a customer activated")
    func activated() {
        let decision = machine.evaluate(facts(idleDays: 0, activatedDaysAgo: 0), now: now)
        #expect(decision.stage == .activated)
        #expect(decision.rule == .activationEvent)
    }

    @Test("coming back a full day after activating makes a customer retained; the same day does not")
    func retainedByReturning() {
        let sameDay = LifecycleFacts(
            firstSeen: ago(days: 5), lastActivityAt: ago(days: 2, ms: -(Self.day - 1)), activatedAt: ago(days: 2))
        #expect(machine.evaluate(sameDay, now: now).stage == .activated)
        let nextDay = LifecycleFacts(firstSeen: ago(days: 5), lastActivityAt: ago(days: 1), activatedAt: ago(days: 2))
        let decision = machine.evaluate(nextDay, now: now)
        #expect(decision.stage == .retained)
        #expect(decision.rule == .returnedAfterActivation)
    }

    @Test("a first order makes a customer retained, even without an activation event")
    func retainedByFirstOrder() {
        let decision = machine.evaluate(facts(idleDays: 3, orders: 1), now: now)
        #expect(decision.stage == .retained)
        #expect(decision.rule == .firstOrder)
    }

    @Test("a second order makes a customer converted")
    func convertedByRepeatOrder() {
        let decision = machine.evaluate(facts(idleDays: 3, orders: 2), now: now)
        #expect(decision.stage == .converted)
        #expect(decision.rule == .repeatOrders)
        #expect(decision.reason == "2 orders; converted from 2")
    }

    @Test("a funnel milestone is kept when the facts fall back, as after a refunded order")
    func milestonesAreKept() {
        let decision = machine.evaluate(
            facts(idleDays: 3, orders: 1, previous: LifecycleStageRecord(.converted, since: ago(days: 20))), now: now)
        #expect(decision.stage == .converted)
        #expect(decision.rule == .milestoneKept)
    }

    // MARK: Time

    @Test("exactly N days without activity is dormant; one millisecond less is not")
    func dormantBoundary() {
        let justBefore = machine.evaluate(facts(idleDays: 59, idleExtraMs: Self.day - 1, orders: 2), now: now)
        #expect(justBefore.stage == .converted)
        let atBoundary = machine.evaluate(facts(idleDays: 60, orders: 2), now: now)
        #expect(atBoundary.stage == .dormant)
        #expect(atBoundary.rule == .dormantWindowPassed)
        #expect(atBoundary.reason == "no activity for 60 days; dormant after 60")
    }

    @Test("exactly M days without activity is churned; one millisecond less is dormant")
    func churnedBoundary() {
        let justBefore = machine.evaluate(facts(idleDays: 179, idleExtraMs: Self.day - 1, orders: 2), now: now)
        #expect(justBefore.stage == .dormant)
        let atBoundary = machine.evaluate(facts(idleDays: 180, orders: 2), now: now)
        #expect(atBoundary.stage == .churned)
        #expect(atBoundary.rule == .churnWindowPassed)
    }

    @Test("a dormant customer becomes churned once the churn window passes")
    func dormantThenChurned() {
        let previous = LifecycleStageRecord(.dormant, since: ago(days: 120))
        #expect(machine.evaluate(facts(idleDays: 179, orders: 2, previous: previous), now: now).stage == .dormant)
        #expect(machine.evaluate(facts(idleDays: 180, orders: 2, previous: previous), now: now).stage == .churned)
    }

    @Test("the dormancy window is the N the machine was given, as adapted to the brand's rhythm")
    func adaptiveWindow() throws {
        // Customers who rebuy about every ten days: median interval 10, N = 2 × 10 = 20.
        let n = LifecycleConfiguration().dormancy.dormantAfterDays(repurchaseIntervalsInDays: [9, 10, 10, 11, 40])
        #expect(n == 20)
        let frequent = try LifecycleMachine(dormantAfterDays: n)
        #expect(frequent.evaluate(facts(idleDays: 19, orders: 3), now: now).stage == .converted)
        #expect(frequent.evaluate(facts(idleDays: 20, orders: 3), now: now).stage == .dormant)
        #expect(machine.evaluate(facts(idleDays: 20, orders: 3), now: now).stage == .converted)
    }

    @Test("without a given N the machine uses the policy's fallback")
    func fallbackWindow() throws {
        #expect(try LifecycleMachine().dormantAfterDays == 60)
    }

    @Test("orders and the activation count as activity even if the store left them out of the last activity")
    func ordersAreActivity() {
        let facts = LifecycleFacts(
            firstSeen: ago(days: 300), lastActivityAt: ago(days: 200), activatedAt: ago(days: 250), orderCount: 2,
            lastOrderAt: ago(days: 5))
        #expect(machine.evaluate(facts, now: now).stage == .converted)
    }

    // MARK: Won back

    @Test("activity after becoming dormant wins the customer back")
    func wonBackFromDormant() {
        let previous = LifecycleStageRecord(.dormant, since: ago(days: 10))
        let decision = machine.evaluate(facts(idleDays: 1, orders: 2, previous: previous), now: now)
        #expect(decision.stage == .wonBack)
        #expect(decision.rule == .activeAgain)
    }

    @Test("activity after churning wins the customer back")
    func wonBackFromChurned() {
        let previous = LifecycleStageRecord(.churned, since: ago(days: 40))
        #expect(machine.evaluate(facts(idleDays: 0, orders: 2, previous: previous), now: now).stage == .wonBack)
    }

    @Test("a longer window alone does not revive a dormant or churned customer")
    func windowsDoNotRevive() throws {
        // Dormant under N = 60 since 10 days ago; N is now 90 and the customer has been silent for 70 days.
        let longer = try LifecycleMachine(dormantAfterDays: 90)
        let dormant = LifecycleStageRecord(.dormant, since: ago(days: 10))
        let stillDormant = longer.evaluate(facts(idleDays: 70, orders: 2, previous: dormant), now: now)
        #expect(stillDormant.stage == .dormant)
        #expect(stillDormant.rule == .noActivitySinceDormant)
        let patient = try LifecycleMachine(
            configuration: LifecycleConfiguration(churnAfterDays: 365), dormantAfterDays: 60)
        let churned = LifecycleStageRecord(.churned, since: ago(days: 10))
        let stillChurned = patient.evaluate(facts(idleDays: 190, orders: 2, previous: churned), now: now)
        #expect(stillChurned.stage == .churned)
        #expect(stillChurned.rule == .noActivitySinceChurned)
    }

    @Test("won back holds until the won-back period ends, exactly then the funnel stage returns")
    func wonBackExpires() {
        let since = ago(days: 30)
        let previous = LifecycleStageRecord(.wonBack, since: since)
        let active = facts(idleDays: 0, orders: 3, previous: previous)
        let justBefore = machine.evaluate(active, now: now.adding(milliseconds: -1))
        #expect(justBefore.stage == .wonBack)
        #expect(justBefore.rule == .wonBackPeriod)
        let atEnd = machine.evaluate(active, now: now)
        #expect(atEnd.stage == .converted)
    }

    @Test("a won-back customer who goes silent again becomes dormant within the won-back period")
    func wonBackThenDormantAgain() throws {
        let long = try LifecycleMachine(
            configuration: LifecycleConfiguration(wonBackDays: 90), dormantAfterDays: 60)
        let previous = LifecycleStageRecord(.wonBack, since: ago(days: 61))
        #expect(long.evaluate(facts(idleDays: 60, orders: 2, previous: previous), now: now).stage == .dormant)
    }

    @Test("a churned customer who came back and went quiet again is won back first, then dormant")
    func churnedComebackMissedByEvaluation() {
        let churned = LifecycleStageRecord(.churned, since: ago(days: 100))
        let first = machine.evaluate(facts(idleDays: 70, orders: 2, previous: churned), now: now)
        #expect(first.stage == .wonBack)
        let second = machine.evaluate(
            facts(idleDays: 70, orders: 2, previous: LifecycleStageRecord(.wonBack, since: now)), now: now)
        #expect(second.stage == .dormant)
    }

    // MARK: Graph

    @Test("every stage change follows the documented graph, whatever the facts")
    func changesFollowTheGraph() throws {
        var random = SplitMix64(seed: 42)
        func pick(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
        var seen = Set<String>()
        for _ in 0..<20_000 {
            let stage = LifecycleStage.allCases.randomElement(using: &random)!
            let previous = pick(0...5) == 0 ? nil : LifecycleStageRecord(stage, since: ago(days: pick(0...300)))
            let facts = LifecycleFacts(
                firstSeen: ago(days: pick(0...400)), lastActivityAt: pick(0...3) == 0 ? nil : ago(days: pick(0...400)),
                activatedAt: pick(0...1) == 0 ? nil : ago(days: pick(0...400)), orderCount: pick(0...3),
                lastOrderAt: pick(0...1) == 0 ? nil : ago(days: pick(0...400)), previous: previous)
            let decision = machine.evaluate(facts, now: now)
            if let previous, previous.stage != decision.stage {
                #expect(
                    previous.stage.canTransition(to: decision.stage),
                    "\(previous.stage) → \(decision.stage) by \(decision.rule): \(facts)")
                seen.insert("\(previous.stage.rawValue)→\(decision.stage.rawValue)")
            }
        }
        // The sample exercises every edge of the graph, so the graph is not merely permissive.
        let edges = LifecycleStage.allowedTransitions.flatMap { from, to in
            to.map { "\(from.rawValue)→\($0.rawValue)" }
        }
        #expect(seen == Set(edges))
    }

    @Test("the graph has an entry for every stage and no self-loops")
    func graphIsComplete() {
        #expect(Set(LifecycleStage.allowedTransitions.keys) == Set(LifecycleStage.allCases))
        for (stage, next) in LifecycleStage.allowedTransitions { #expect(!next.contains(stage)) }
    }
}
