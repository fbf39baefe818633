import Testing

@testable import PondCore

/// The SOPs Pond ships: each validates against a workspace holding what it names, and every path ends at an exit.
@Suite("Shipped SOP journeys")
struct JourneyTemplatesTests {
    @Test("every SOP validates with a catalog built from what it names", arguments: JourneyTemplates.all.map(\.id))
    func validates(_ id: String) throws {
        let sop = try #require(JourneyTemplates.all.first { $0.id == id })
        #expect(JourneyValidator.problems(sop.journey, catalog: sop.catalog) == [])
        let vocabulary = sop.catalog.vocabulary(for: sop.journey.trigger)
        for (name, template) in sop.messages {
            #expect(template.problems(vocabulary: vocabulary) == [], "\(name)")
        }
        // Every template it has is sent, and it names nothing it does not ship.
        #expect(sop.journey.references().templates == Set(sop.messages.keys))
        #expect(sop.journey.references().segments.isSubset(of: sop.segments))
    }

    /// Every path from the start, following every edge, ends at an exit node; the graph has no cycle.
    static func pathsEnd(_ definition: JourneyDefinition) -> (paths: Int, problem: String?) {
        var paths = 0
        func walk(_ id: String, _ seen: [String]) -> String? {
            guard !seen.contains(id) else { return "cycle through \(seen + [id])" }
            guard let node = definition.node(id) else { return "dangling edge to \(id) after \(seen)" }
            if case .exit = node.kind {
                paths += 1
                return nil
            }
            guard !node.edges.isEmpty else { return "\(id) has no edges" }
            for edge in node.edges {
                guard let target = edge.target else { return "\(id).\(edge.member) has no target" }
                if let problem = walk(target, seen + [id]) { return problem }
            }
            return nil
        }
        let problem = walk(definition.start, [])
        return (paths, problem)
    }

    @Test("every path of every SOP reaches an exit", arguments: JourneyTemplates.all.map(\.id))
    func reachesExit(_ id: String) throws {
        let sop = try #require(JourneyTemplates.all.first { $0.id == id })
        let (paths, problem) = Self.pathsEnd(sop.journey)
        #expect(problem == nil)
        #expect(paths >= 1)
    }

    @Test("the path walk notices a dead end and a cycle")
    func walkerFails() {
        let deadEnd = JourneyFixture.with([JourneyNode("a", .action(JourneyFixture.send, next: nil))])
        #expect(Self.pathsEnd(deadEnd).problem != nil)
        let cycle = JourneyFixture.with([JourneyNode("a", .delay(.duration(seconds: 60), next: "a"))])
        #expect(Self.pathsEnd(cycle).problem != nil)
    }

    @Test("every SOP and its templates survive the JSON form", arguments: JourneyTemplates.all.map(\.id))
    func jsonRoundTrip(_ id: String) throws {
        let sop = try #require(JourneyTemplates.all.first { $0.id == id })
        #expect(try JourneyDefinition(json: sop.journey.json) == sop.journey)
        let text = JSONWriter.string(sop.journey.json)
        #expect(try JourneyDefinition(json: JSONParser.parse(text)) == sop.journey)
        for template in sop.messages.values { #expect(try MessageTemplate(json: template.json) == template) }
    }

    @Test("the SOPs cover the issue's list, each with an id of its own")
    func catalogOfSOPs() {
        #expect(
            Set(JourneyTemplates.all.map(\.id)) == [
                "birthday_coupon", "new_member_onboarding", "dormant_wake_up", "abandoned_cart", "daily_layered_outreach",
                "post_purchase_care",
            ])
    }

    @Test("a birthday SOP run: tag, greet, wait for the day, then greet those still holding the gift")
    func birthdayRun() throws {
        let journey = JourneyTemplates.birthdayCoupon.journey
        let now = ISO8601.parse("2026-05-14T02:00:00Z")!
        let facts = ProfileFacts(traits: ["birthday": "1990-05-17", "name": "小林"], tags: ["生日礼遇"])
        let context = JourneyStepContext(now: now, utcOffsetSeconds: 28_800, facts: facts, runSeed: 7, enteredAt: now)
        #expect(JourneyStep.next(journey, at: "tag", context: context) == .perform(.addTag("生日礼遇"), then: "notify"))
        #expect(
            JourneyStep.next(journey, at: "on_the_day", context: context)
                == .wait(until: ISO8601.parse("2026-05-17T01:00:00Z")!, then: "unused"))
        #expect(JourneyStep.next(journey, at: "unused", context: context) == .go(to: "greet", arm: "then"))
        let body = try #require(JourneyTemplates.birthdayCoupon.messages["birthday_greeting"]?.bodies[.sms])
        #expect(try body.render(TemplateValues(traits: facts.traits, system: ["workspace.name": "品牌"])).text.hasPrefix("【品牌】小林，今天是您的生日"))
    }
}
