import Foundation
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// Journeys on a real store with an injected clock: entries, timers, waits, branches, versions, restarts.
@Suite("Journey engine")
struct JourneyEngineTests {
    typealias World = DispatchWorld

    static func tag(_ id: String, _ tag: String, next: String) -> JSONValue {
        ["id": .string(id), "type": "action", "action": ["type": "add_tag", "tag": .string(tag)], "next": .string(next)]
    }

    static let exit: JSONValue = ["id": "done", "type": "exit"]

    /// Tag `welcomed`, wait a day, then `vip` customers get `vip-welcome`, the others split 50/50 into `arm-a`/`arm-b`.
    static let onboarding: JSONValue = [
        "name": "Onboarding", "trigger": ["type": "manual"], "start": "welcome",
        "nodes": [
            tag("welcome", "welcomed", next: "wait"),
            ["id": "wait", "type": "delay", "seconds": 86_400, "next": "is-vip"],
            ["id": "is-vip", "type": "condition", "rule": ["type": "has_tag", "tag": "vip"], "then": "vip", "else": "ab"],
            tag("vip", "vip-welcome", next: "done"),
            ["id": "ab", "type": "split", "arms": [["name": "A", "percent": 50, "next": "a"], ["name": "B", "percent": 50, "next": "b"]]],
            tag("a", "arm-a", next: "done"), tag("b", "arm-b", next: "done"), exit,
        ],
    ]

    static func prepare(_ world: World, tags: [String]) async throws {
        for tag in tags { _ = try await world.services.tags.createTag(workspaceID: World.workspace, name: tag, group: nil, description: "") }
    }

    static func save(_ world: World, _ json: JSONValue, replacing: String? = nil) async throws -> String {
        try await world.services.journeys.save(workspaceID: World.workspace, id: nil, replacing: replacing, json).journey.id
    }

    @Test("a manual entry runs through actions, a one-day timer, a condition and a split, and the stats add up",
          arguments: TestBackend.available)
    func onboardingRuns(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await Self.prepare(world, tags: ["welcomed", "vip", "vip-welcome", "arm-a", "arm-b"])
            let id = try await Self.save(world, Self.onboarding)
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            var customers: [Int64] = []
            for index in 0..<20 { customers.append(try await world.customer("u\(index)")) }
            _ = try await world.services.tagging.tag(
                workspaceID: World.workspace, profileID: customers[0], tags: ["vip"], origin: .init(.manual, reference: "t"))
            let report = try await world.services.journeys.enter(
                workspaceID: World.workspace, id: id, profileIDs: customers, requestKey: "r1")
            #expect(report.entered == 20)
            #expect(try await world.services.journeys.enter(
                workspaceID: World.workspace, id: id, profileIDs: customers, requestKey: "r2") == .init(alreadyEntered: 20),
                "once per profile")
            await world.settle()
            #expect(try await world.tags(customers[1]).contains("welcomed"))
            var stats = try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0]
            #expect(stats.atNode == ["is-vip": 20], "all sleep before the condition")
            await world.advance(seconds: 86_399)
            #expect(try await world.tags(customers[1]) == ["welcomed"], "a second before the day is up, nothing")
            await world.advance(seconds: 1)
            #expect(try await world.tags(customers[0]).contains("vip-welcome"))
            stats = try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0]
            #expect(stats.entered == 20)
            #expect(stats.inProgress == 0)
            #expect(stats.exited == ["completed": 20])
            let armRuns = Dictionary(stats.arms.map { ("\($0.node)=\($0.arm)", $0.runs) }, uniquingKeysWith: +)
            #expect(armRuns["is-vip=then"] == 1)
            #expect(armRuns["is-vip=else"] == 19)
            #expect((armRuns["ab=A"] ?? 0) + (armRuns["ab=B"] ?? 0) == 19)
            #expect((armRuns["ab=A"] ?? 0) > 0 && (armRuns["ab=B"] ?? 0) > 0, "both arms get runs")
            for customer in customers.dropFirst() {
                let tags = try await world.tags(customer)
                #expect(tags.contains("arm-a") != tags.contains("arm-b"), "each run takes exactly one arm")
            }
            await world.advance(seconds: 86_400 * 30)
            #expect(try await world.store.jobCount(workspaceID: World.workspace) == 0, "no timer left behind")
        }
    }

    /// Abandoned cart: entered by one event, waiting for the order, reminded when it does not come.
    static let cart: JSONValue = [
        "name": "Abandoned cart", "trigger": ["type": "event", "event": "Cart Abandoned", "dedupeKey": "cart_id"],
        "start": "wait", "reentry": "always",
        "nodes": [
            ["id": "wait", "type": "wait_for_event", "event": "Order Completed", "timeoutSeconds": 3600,
             "onEvent": "bought", "onTimeout": "remind"],
            tag("bought", "recovered", next: "done"), tag("remind", "reminded", next: "done"), exit,
        ],
    ]

    @Test("a run waiting for an order follows its customer into a merge: the survivor's order ends the wait",
          arguments: TestBackend.available)
    func runsFollowMerges(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await Self.prepare(world, tags: ["recovered", "reminded"])
            let id = try await Self.save(world, Self.cart)
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            let member = try await world.customer("member")
            try await world.track([
                ["type": "track", "anonymousId": "visitor-1", "event": "Cart Abandoned", "properties": ["cart_id": "c9"]]
            ])
            await world.settle()
            let visitor = try #require(
                try await world.store.profileID(
                    workspaceID: World.workspace, identity: IdentityRules.make(type: "anonymous_id", value: "visitor-1")))
            #expect(visitor != member)
            // The visitor logs in as the member: two profiles, one customer.
            try await world.track([["type": "identify", "userId": "member", "anonymousId": "visitor-1"]])
            await world.settle()
            let root = try #require(try await world.store.rootProfileID(workspaceID: World.workspace, profileID: visitor))
            #expect(try await world.store.rootProfileID(workspaceID: World.workspace, profileID: member) == root)
            await world.advance(seconds: 60)
            try await world.track([["type": "track", "userId": "member", "event": "Order Completed", "properties": ["revenue": 10]]])
            await world.settle()
            #expect(try await world.tags(root) == ["recovered"])
            await world.advance(seconds: 3600)
            #expect(try await world.tags(root) == ["recovered"], "the timeout of the ended wait does nothing")
        }
    }

    @Test("an event enters a run that waits for the order; the order ends the wait, its absence times out",
          arguments: TestBackend.available)
    func abandonedCart(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await Self.prepare(world, tags: ["recovered", "reminded"])
            let id = try await Self.save(world, Self.cart)
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            let buyer = try await world.customer("buyer")
            let leaver = try await world.customer("leaver")
            try await world.track([
                ["type": "track", "userId": "buyer", "event": "Cart Abandoned", "properties": ["cart_id": "c1"]],
                ["type": "track", "userId": "leaver", "event": "Cart Abandoned", "properties": ["cart_id": "c2"]],
                ["type": "track", "userId": "leaver", "event": "Cart Abandoned", "properties": ["cart_id": "c2"]],
            ])
            await world.settle()
            var stats = try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0]
            #expect(stats.entered == 2, "the same cart twice is one run")
            #expect(stats.atNode == ["wait": 2])
            await world.advance(seconds: 600)
            try await world.track([["type": "track", "userId": "buyer", "event": "Order Completed", "properties": ["revenue": 99]]])
            await world.settle()
            #expect(try await world.tags(buyer) == ["recovered"])
            #expect(try await world.tags(leaver).isEmpty)
            await world.advance(seconds: 3000)
            #expect(try await world.tags(leaver) == ["reminded"])
            #expect(try await world.tags(buyer) == ["recovered"], "the bought run's timeout does nothing")
            stats = try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0]
            #expect(stats.exited == ["completed": 2])
            // A new cart enters again (re-entry always), an order before the run waits does not count.
            try await world.track([
                ["type": "track", "userId": "buyer", "event": "Cart Abandoned", "properties": ["cart_id": "c3"]],
            ])
            await world.settle()
            #expect(try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0].entered == 3)
        }
    }

    @Test("editing a live journey makes a new version: new runs enter it, running ones finish on theirs",
          arguments: TestBackend.available)
    func versions(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await Self.prepare(world, tags: ["welcomed", "vip", "vip-welcome", "arm-a", "arm-b", "v2"])
            let id = try await Self.save(world, Self.onboarding)
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            let first = try await world.customer("u1"), second = try await world.customer("u2")
            _ = try await world.services.journeys.enter(workspaceID: World.workspace, id: id, profileIDs: [first], requestKey: "a")
            await world.settle()
            var edited = Self.onboarding.objectValue!
            edited["nodes"] = [Self.tag("welcome", "v2", next: "done"), Self.exit]
            let detail = try await world.services.journeys.save(workspaceID: World.workspace, id: nil, replacing: id, .object(edited))
            #expect(detail.journey.latestVersion == 2)
            #expect(detail.journey.activeVersion == 2)
            _ = try await world.services.journeys.enter(workspaceID: World.workspace, id: id, profileIDs: [second], requestKey: "b")
            await world.settle()
            #expect(try await world.tags(second) == ["v2"])
            await world.advance(seconds: 86_400)
            #expect(try await world.tags(first).contains("welcomed"))
            #expect(try await world.tags(first).contains("v2") == false, "finished on version 1")
            let stats = try await world.services.journeys.stats(workspaceID: World.workspace, id: id)
            #expect(stats.versions.map(\.entered) == [1, 1])
        }
    }

    @Test("a restarted process resumes every run where it was, and each timer fires once", arguments: TestBackend.available)
    func restart(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.createWorkspace(Workspace(id: World.workspace, name: World.workspace, createdAt: Instant(millisecondsSinceEpoch: 0)))
            let clock = ManualClock(World.noon)
            let before = DispatchWorld(store, clock: clock, owner: "first")
            try await Self.prepare(before, tags: ["welcomed", "vip", "vip-welcome", "arm-a", "arm-b"])
            let id = try await Self.save(before, Self.onboarding)
            _ = try await before.services.journeys.start(workspaceID: World.workspace, id: id)
            var customers: [Int64] = []
            for index in 0..<5 { customers.append(try await before.customer("u\(index)")) }
            _ = try await before.services.journeys.enter(workspaceID: World.workspace, id: id, profileIDs: customers, requestKey: "r")
            await before.settle()
            // The process stops; another starts on the same database a day later.
            clock.advance(days: 1)
            let after = DispatchWorld(store, clock: clock, owner: "second")
            await after.settle()
            let stats = try await after.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0]
            #expect(stats.exited == ["completed": 5])
            for customer in customers {
                let tags = try await after.tags(customer)
                #expect(tags.contains("welcomed"))
                #expect(tags.contains("arm-a") != tags.contains("arm-b"))
            }
        }
    }

    @Test("a segment entry triggers a journey", arguments: TestBackend.available)
    func segmentTrigger(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await Self.prepare(world, tags: ["vip", "vip-welcome"])
            _ = try await world.services.segments.save(
                workspaceID: World.workspace,
                .init(id: "vips", name: "VIPs", description: "", kind: .dynamic, rule: try SegmentRule(text: "has tag \"vip\""), field: "ruleText"),
                replacing: nil)
            let id = try await Self.save(world, [
                "name": "VIP welcome", "trigger": ["type": "segment", "segment": "vips", "on": "entered"], "start": "t",
                "nodes": [Self.tag("t", "vip-welcome", next: "done"), Self.exit],
            ])
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            let customer = try await world.customer("u1")
            _ = try await world.services.tagging.tag(
                workspaceID: World.workspace, profileID: customer, tags: ["vip"], origin: .init(.manual, reference: "t"))
            await world.intelligence.drain()
            await world.settle()
            #expect(try await world.tags(customer) == ["vip", "vip-welcome"])
        }
    }

    @Test("Pond's own timeline events trigger journeys: tagging a customer `vip` enters the VIP welcome",
          arguments: TestBackend.available)
    func systemEventTrigger(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await Self.prepare(world, tags: ["vip", "regular", "vip-welcome"])
            let id = try await Self.save(world, [
                "name": "VIP welcome", "start": "t",
                "trigger": ["type": "event", "event": "Tag Added", "where": [["key": "tag", "op": "eq", "value": "vip"]]],
                "nodes": [Self.tag("t", "vip-welcome", next: "done"), Self.exit],
            ])
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            let vip = try await world.customer("vip"), regular = try await world.customer("regular")
            let origin = TaggingService.Origin(.manual, reference: "t")
            _ = try await world.services.tagging.tag(workspaceID: World.workspace, profileID: vip, tags: ["vip"], origin: origin)
            _ = try await world.services.tagging.tag(workspaceID: World.workspace, profileID: regular, tags: ["regular"], origin: origin)
            await world.settle()
            #expect(try await world.tags(vip) == ["vip", "vip-welcome"])
            #expect(try await world.tags(regular) == ["regular"], "the filter holds: another tag enters nobody")
        }
    }

    @Test("a merge is not leaving a segment: an exit-triggered journey enters only customers who really left",
          arguments: TestBackend.available)
    func mergeIsNoExit(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await Self.prepare(world, tags: ["missed"])
            _ = try await world.services.segments.save(
                workspaceID: World.workspace,
                .init(id: "browsers", name: "Browsers", description: "", kind: .dynamic,
                      rule: try SegmentRule(text: #"performed "Product Viewed" >= 1 time ever"#), field: "ruleText"),
                replacing: nil)
            let id = try await Self.save(world, [
                "name": "Left browsing", "trigger": ["type": "segment", "segment": "browsers", "on": "exited"], "start": "t",
                "reentry": "always", "nodes": [Self.tag("t", "missed", next: "done"), Self.exit],
            ])
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            let member = try await world.customer("member")
            try await world.track([
                ["type": "track", "userId": "member", "event": "Product Viewed"],
                ["type": "track", "anonymousId": "visitor-2", "event": "Product Viewed"],
            ])
            await world.intelligence.drain()
            await world.settle()
            try await world.track([["type": "identify", "userId": "member", "anonymousId": "visitor-2"]])
            await world.intelligence.drain()
            await world.settle()
            #expect(try await world.tags(member).isEmpty, "still a browser after the merge")
            #expect(try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0].entered == 0)
        }
    }

    @Test("an invalid journey is refused with every problem and its path, and nothing is saved", arguments: TestBackend.available)
    func refusals(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let json: JSONValue = [
                "name": "Broken", "trigger": ["type": "manual"], "start": "a",
                "nodes": [
                    ["id": "a", "type": "action", "action": ["type": "send_message", "template": "nope", "channel": "sms"], "next": "b"],
                    ["id": "b", "type": "delay", "seconds": 0, "next": "done"], Self.exit,
                    ["id": "orphan", "type": "exit"],
                ],
            ]
            do {
                _ = try await Self.save(world, json)
                Issue.record("saved")
            } catch let error as DefinitionError {
                let problems = error.details["problems"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
                #expect(Set(problems).isSuperset(of: ["journey_unknown_template", "journey_invalid_delay", "journey_unreachable_node"]),
                        "\(problems)")
                #expect(error.details["path"]?.stringValue?.isEmpty == false)
            }
            #expect(try await world.services.journeys.list(workspaceID: World.workspace).isEmpty)
        }
    }

    @Test("a journey's message is rendered for the customer, decided by the dispatcher and delivered once",
          arguments: TestBackend.available)
    func sendsMessages(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let customer = try await world.customer("u1", ["phone": "13800138000", "name": "李雷"])
            let silent = try await world.customer("u2", ["phone": "13800138001"])
            try await world.grant(customer, on: "sms")
            _ = try await world.services.templates.save(
                workspaceID: World.workspace, id: "hello",
                definition: ["name": "Hello", "category": "marketing", "bodies": ["sms": ["text": "{{name|亲爱的会员}}，会员日 8 折"]]],
                replacing: nil)
            let id = try await Self.save(world, [
                "name": "Hello", "trigger": ["type": "manual"], "start": "send",
                "nodes": [
                    ["id": "send", "type": "action", "action": ["type": "send_message", "template": "hello", "channel": "sms"], "next": "done"],
                    Self.exit,
                ],
            ])
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            _ = try await world.services.journeys.enter(
                workspaceID: World.workspace, id: id, profileIDs: [customer, silent], requestKey: "r")
            await world.settle()
            let deliveries = try await world.store.sandboxDeliveries(workspaceID: World.workspace, profileID: nil, before: nil, limit: 10)
            #expect(deliveries.map(\.content.text) == ["李雷，会员日 8 折"])
            let stats = try await world.services.journeys.stats(workspaceID: World.workspace, id: id).versions[0]
            let messages = Dictionary(stats.messages.map { ("\($0.status.rawValue)/\($0.reason?.rawValue ?? "-")", $0.count) }, uniquingKeysWith: +)
            #expect(messages == ["delivered/-": 1, "suppressed/no_consent": 1], "the customer without consent is suppressed, with the reason")
            #expect(stats.exited == ["completed": 2])

            // The journey sends the template: it cannot be deleted until a version without it is saved.
            let refused = await #expect(throws: DefinitionError.self) {
                try await world.services.templates.delete(workspaceID: World.workspace, id: "hello")
            }
            #expect(refused?.code == "template_in_use")
            #expect(refused?.details["usedBy"] == [.string("journey \(id)")])
            _ = try await world.services.journeys.save(workspaceID: World.workspace, id: nil, replacing: id, [
                "name": "Hello", "trigger": ["type": "manual"], "start": "done", "nodes": [Self.exit],
            ])
            try await world.services.templates.delete(workspaceID: World.workspace, id: "hello")
        }
    }
}
