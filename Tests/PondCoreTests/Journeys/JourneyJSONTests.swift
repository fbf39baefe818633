import Testing

@testable import PondCore

/// The JSON form the management API accepts and returns.
@Suite("Journey JSON form")
struct JourneyJSONTests {
    static let abandonedCart: JSONValue = [
        "name": "购物车挽回",
        "trigger": [
            "type": "event", "event": "Cart Abandoned", "dedupeKey": "cart_id",
            "where": [["key": "amount", "op": "gte", "value": 100]],
        ],
        "start": "wait",
        "nodes": [
            [
                "id": "wait", "type": "wait_for_event", "event": "Order Completed", "timeoutSeconds": 3600,
                "onEvent": "done", "onTimeout": "vip",
            ],
            [
                "id": "vip", "type": "condition", "rule": ["type": "has_tag", "tag": "会员"], "then": "ab", "else": "remind",
            ],
            [
                "id": "ab", "type": "split",
                "arms": [["name": "A", "percent": 50, "next": "remind"], ["name": "B", "percent": 50, "next": "morning"]],
            ],
            ["id": "morning", "type": "delay", "until": "time_of_day", "at": "10:00", "weekdays": [1, 2, 3, 4, 5], "next": "remind"],
            [
                "id": "remind", "type": "action",
                "action": ["type": "send_message", "template": "cart", "channel": "sms", "expiresAfterSeconds": 86400],
                "next": "later",
            ],
            ["id": "later", "type": "delay", "seconds": 86400, "next": "bday"],
            ["id": "bday", "type": "delay", "until": "date_trait", "trait": "birthday", "offsetDays": -1, "at": "09:00", "next": "done"],
            ["id": "done", "type": "exit"],
        ],
        "goal": ["rule": ["type": "performed", "event": "Order Completed", "op": "at_least", "count": 1, "days": 2], "withinDays": 2],
        "reentry": "always",
        "maxConcurrentRuns": 1000,
    ]

    @Test("reads every node and trigger shape and writes the same document back")
    func roundTrip() throws {
        let definition = try JourneyDefinition(json: Self.abandonedCart)
        #expect(definition.nodes.map(\.id) == ["wait", "vip", "ab", "morning", "remind", "later", "bday", "done"])
        #expect(definition.reentry == .always)
        #expect(definition.nodes[3].kind == .delay(.untilTimeOfDay(TimeOfDay(hour: 10), weekdays: Weekday.workdays), next: "remind"))
        guard case .event(_, let filters, "cart_id") = definition.trigger else {
            Issue.record("trigger \(definition.trigger)")
            return
        }
        #expect(filters == [SegmentCondition.PropertyFilter("amount", .greaterThanOrEqual(100))])
        #expect(definition.json == Self.abandonedCart)
        #expect(try JourneyDefinition(json: definition.json) == definition)
        #expect(JourneyValidator.problems(definition, catalog: JourneyFixture.catalog).isEmpty)
    }

    @Test("other triggers and optional members", arguments: [
        ["type": "segment", "segment": "vip", "on": "exited"],
        ["type": "date_trait", "trait": "birthday", "offsetDays": 3, "at": "08:00", "recurrence": "once"],
        ["type": "schedule", "at": "20:00", "segment": "vip"],
        ["type": "schedule", "weekdays": [6, 7], "at": "20:00", "segment": "vip"],
        ["type": "manual"],
    ] as [JSONValue])
    func triggers(_ trigger: JSONValue) throws {
        let json: JSONValue = [
            "name": "t", "trigger": trigger, "start": "done", "nodes": [["id": "done", "type": "exit"]], "reentry": "once",
            "exitWhen": ["type": "has_tag", "tag": "员工"],
        ]
        #expect(try JourneyDefinition(json: json).json == json)
    }

    @Test("null targets are read as unconnected, and defaults fill what is left out")
    func drafts() throws {
        let definition = try JourneyDefinition(json: [
            "name": "draft", "trigger": ["type": "manual"], "start": "a",
            "nodes": [["id": "a", "type": "condition", "rule": ["type": "has_tag", "tag": "会员"], "then": nil]],
            "goal": nil,
        ])
        #expect(definition.nodes[0].kind == .condition(.condition(.hasTag("会员")), then: nil, else: nil))
        #expect(definition.reentry == .once && definition.goal == nil)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let change: @Sendable (inout [String: JSONValue]) -> Void
        let code: JourneyError.Code
        let path: String
        var testDescription: String { "\(code.rawValue) at \(path)" }
    }

    static func node(_ index: Int, _ edit: @escaping @Sendable (inout [String: JSONValue]) -> Void) -> @Sendable (inout [String: JSONValue]) -> Void {
        { root in
            guard case .array(var nodes) = root["nodes"]!, case .object(var node) = nodes[index] else { return }
            edit(&node)
            nodes[index] = .object(node)
            root["nodes"] = .array(nodes)
        }
    }

    static let bad: [Bad] = [
        Bad(change: { $0["colour"] = "red" }, code: .unknownField, path: "colour"),
        Bad(change: { $0["name"] = nil }, code: .missingField, path: "name"),
        Bad(change: { $0["nodes"] = "x" }, code: .wrongType, path: "nodes"),
        Bad(change: { $0["reentry"] = "twice" }, code: .wrongType, path: "reentry"),
        Bad(change: { $0["trigger"] = ["type": "webhook"] }, code: .invalidTrigger, path: "trigger.type"),
        Bad(change: { $0["trigger"] = ["type": "manual", "segment": "x"] }, code: .unknownField, path: "trigger.segment"),
        Bad(
            change: { $0["trigger"] = ["type": "event", "event": "E", "where": [["key": "a", "op": "around", "value": 1]]] },
            code: .invalidRule, path: "trigger.where[0]"),
        Bad(change: { $0["trigger"] = ["type": "schedule", "at": "25:00", "segment": "vip"] }, code: .wrongType, path: "trigger.at"),
        Bad(change: { $0["trigger"] = ["type": "schedule", "weekdays": [0], "at": "20:00", "segment": "vip"] }, code: .wrongType, path: "trigger.weekdays[0]"),
        Bad(change: node(0) { $0["nxt"] = "a" }, code: .unknownField, path: "nodes.wait.nxt"),
        Bad(change: node(0) { $0["type"] = "sleep" }, code: .unknownNodeType, path: "nodes.wait.type"),
        Bad(change: node(0) { $0["timeoutSeconds"] = "1h" }, code: .wrongType, path: "nodes.wait.timeoutSeconds"),
        Bad(change: node(1) { $0["rule"] = ["type": "all", "rules": [["type": "has_tag"]]] }, code: .invalidRule, path: "nodes.vip.rule.all[0]"),
        Bad(change: node(2) { $0["arms"] = [["name": "A", "percent": "half"]] }, code: .wrongType, path: "nodes.ab.arms[0].percent"),
        Bad(change: node(3) { $0["until"] = "tomorrow" }, code: .wrongType, path: "nodes.morning.until"),
        Bad(change: node(5) { $0["at"] = "10:00" }, code: .unknownField, path: "nodes.later.at"),
        Bad(change: node(4) { $0["action"] = "send" }, code: .wrongType, path: "nodes.remind.action"),
        Bad(change: node(7) { $0["id"] = 7 }, code: .wrongType, path: "nodes[7].id"),
        Bad(change: node(7) { $0["id"] = "a b"; $0["next"] = "x" }, code: .unknownField, path: "nodes[7].next"),
    ]

    @Test("malformed documents are refused at the member at fault", arguments: bad)
    func refuses(_ bad: Bad) {
        guard case .object(var root) = Self.abandonedCart else { return }
        bad.change(&root)
        #expect {
            _ = try JourneyDefinition(json: .object(root))
        } throws: { error in
            guard let error = error as? JourneyError else { return false }
            return error.code == bad.code && error.path == bad.path
        }
    }
}
