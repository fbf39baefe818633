import PondCore
import Testing

extension Segments {
    /// The JSON form the management API accepts and returns.
    @Suite("JSON form")
    struct JSONFormTests {
        struct Case: Sendable, CustomTestStringConvertible {
            let json: JSONValue
            let rule: SegmentRule
            init(_ json: JSONValue, _ rule: SegmentRule) {
                self.json = json
                self.rule = rule
            }
            var testDescription: String { JSONWriter.string(json) }
        }

        static let jan1 = SegmentFixture.at("2026-01-01T00:00:00Z")

        static let shapes: [Case] = [
            Case(["type": "trait", "key": "city", "op": "eq", "value": "上海"], .trait("city", .equals("上海"))),
            Case(["type": "trait", "key": "n", "op": "ne", "value": 2.5], .trait("n", .notEquals(2.5))),
            Case(
                ["type": "trait", "key": "t", "op": "lt", "value": ["date": "2026-01-01T00:00:00.000Z"]],
                .trait("t", .lessThan(.date(jan1)))),
            Case(["type": "trait", "key": "n", "op": "lte", "value": 1], .trait("n", .lessThanOrEqual(1))),
            Case(["type": "trait", "key": "n", "op": "gt", "value": 1], .trait("n", .greaterThan(1))),
            Case(["type": "trait", "key": "n", "op": "gte", "value": 1], .trait("n", .greaterThanOrEqual(1))),
            Case(["type": "trait", "key": "n", "op": "between", "min": 1, "max": 5], .trait("n", .between(1, 5))),
            Case(
                ["type": "trait", "key": "c", "op": "in", "values": ["a", 1, true]],
                .trait("c", .oneOf(["a", 1, true]))),
            Case(["type": "trait", "key": "c", "op": "contains", "value": "护肤"], .trait("c", .contains("护肤"))),
            Case(["type": "trait", "key": "p", "op": "starts_with", "value": "138"], .trait("p", .startsWith("138"))),
            Case(["type": "trait", "key": "e", "op": "exists"], .trait("e", .exists)),
            Case(["type": "trait", "key": "e", "op": "not_exists"], .trait("e", .notExists)),
            Case(["type": "trait", "key": "t", "op": "within_last", "days": 30], .trait("t", .withinLast(days: 30))),
            Case(
                ["type": "trait", "key": "b", "op": "birthday_within", "days": 7], .trait("b", .birthdayWithin(days: 7))
            ),
            Case(["type": "has_tag", "tag": "会员"], .hasTag("会员")),
            Case(["type": "lacks_tag", "tag": "会员"], .lacksTag("会员")),
            Case(
                [
                    "type": "performed", "event": "Order Completed", "op": "at_least", "count": 2, "days": 90,
                    "where": [
                        ["key": "category", "op": "eq", "value": "护肤"], ["key": "amount", "op": "gt", "value": 200],
                    ],
                ],
                .performed(
                    "Order Completed", .atLeast, 2, inDays: 90,
                    where: [.property("category", .equals("护肤")), .property("amount", .greaterThan(200))])),
            Case(
                ["type": "performed", "event": "Refund", "op": "exactly", "count": 0],
                .performed("Refund", .exactly, 0)),
            Case(
                ["type": "first_event", "event": "Order Completed", "relation": "within", "days": 30],
                .eventTime(.first, "Order Completed", .within, days: 30)),
            Case(
                [
                    "type": "last_event", "event": "Order Completed", "relation": "before", "days": 90,
                    "where": [["key": "amount", "op": "exists"]],
                ],
                .eventTime(.last, "Order Completed", .before, days: 90, where: [.property("amount", .exists)])),
            Case(["type": "rfm_layer", "op": "eq", "value": "X"], .condition(.rfmLayer(.equals("X")))),
            Case(["type": "rfm_layer", "op": "in", "values": ["X", "Y"]], .condition(.rfmLayer(.oneOf(["X", "Y"])))),
            Case(
                ["type": "rfm_score", "dimension": "m", "op": "gte", "value": 4],
                .condition(.rfmScore(.monetary, .greaterOrEqual, 4))),
            Case(["type": "stage", "op": "eq", "value": "活跃"], .stage("活跃")),
            Case(["type": "stage", "op": "in", "values": ["新客"]], .condition(.stage(.oneOf(["新客"])))),
            Case(["type": "channel", "channel": "wecom"], .channel("wecom")),
            Case(["type": "in_segment", "segment": "vip"], .inSegment("vip")),
            Case(["type": "consent", "purpose": "marketing", "state": "denied"], .consent("marketing", .denied)),
            Case(
                [
                    "type": "all",
                    "rules": [
                        ["type": "has_tag", "tag": "a"], ["type": "not", "rule": ["type": "has_tag", "tag": "b"]],
                    ],
                ],
                .all([.hasTag("a"), .not(.hasTag("b"))])),
            Case(["type": "any", "rules": [["type": "has_tag", "tag": "a"]]], .any([.hasTag("a")])),
        ]

        @Test("each node kind has one JSON shape, read and written alike", arguments: shapes)
        func shapesRoundTrip(_ example: Case) throws {
            #expect(try SegmentRule(json: example.json) == example.rule)
            #expect(example.rule.json == example.json)
        }

        @Test("optional members may be null; whole-number doubles count as integers")
        func lenientOptionals() throws {
            let rule = try SegmentRule(json: [
                "type": "performed", "event": "E", "op": "at_least", "count": 1.0, "days": nil, "where": nil,
            ])
            #expect(rule == .performed("E"))
        }

        @Test("a date value carries an offset that is applied")
        func dateOffsets() throws {
            let rule = try SegmentRule(json: [
                "type": "trait", "key": "t", "op": "gt", "value": ["date": "2026-01-01T08:00:00+08:00"],
            ])
            #expect(rule == .trait("t", .greaterThan(.date(Self.jan1))))
        }

        struct ErrorCase: Sendable, CustomTestStringConvertible {
            let json: JSONValue
            let code: SegmentRuleError.Code
            let path: String
            init(_ json: JSONValue, _ code: SegmentRuleError.Code, _ path: String = "") {
                self.json = json
                self.code = code
                self.path = path
            }
            var testDescription: String { "\(code.rawValue): \(JSONWriter.string(json))" }
        }

        static let tag: JSONValue = ["type": "has_tag", "tag": "a"]

        static let errors: [ErrorCase] = [
            ErrorCase(["type": "has_tag", "tag": "a", "colour": "red"], .unknownField),
            ErrorCase(["type": "trait", "key": "e", "op": "exists", "value": 1], .unknownField),
            ErrorCase(
                ["type": "all", "rules": [tag, ["type": "any", "rules": [["type": "has_tag"]]]]], .missingField,
                "all[1].any[0]"),
            ErrorCase(
                ["type": "all", "rules": [tag, ["type": "any", "rules": [["type": "has_tag", "tga": "x"]]]]],
                .unknownField,
                "all[1].any[0]"),
            ErrorCase(["tag": "a"], .missingField),
            ErrorCase(["type": "trait", "key": "c", "value": 1], .missingField),
            ErrorCase(["type": 1], .wrongType),
            ErrorCase("has tag a", .wrongType),
            ErrorCase(["type": "all", "rules": tag], .wrongType),
            ErrorCase(["type": "has_tag", "tag": 5], .wrongType),
            ErrorCase(["type": "trait", "key": "c", "op": "eq", "value": nil], .missingField),
            ErrorCase(["type": "trait", "key": "c", "op": "eq", "value": [1]], .wrongType),
            ErrorCase(["type": "trait", "key": "c", "op": "starts_with", "value": 1], .wrongType),
            ErrorCase(["type": "performed", "event": "E", "op": "at_least", "count": 1.5], .wrongType),
            ErrorCase(["type": "performed", "event": "E", "op": "at_least", "count": "2"], .wrongType),
            ErrorCase(["type": "stage", "op": "in", "values": ["a", 1]], .wrongType),
            ErrorCase(["type": "segment", "segment": "vip"], .unknownCondition),
            ErrorCase(["type": "trait", "key": "c", "op": "like", "value": "a%"], .unknownOperator),
            ErrorCase(["type": "performed", "event": "E", "op": "more_than", "count": 1], .unknownOperator),
            ErrorCase(["type": "first_event", "event": "E", "relation": "during", "days": 1], .unknownOperator),
            ErrorCase(["type": "consent", "purpose": "m", "state": "maybe"], .unknownOperator),
            ErrorCase(["type": "rfm_score", "dimension": "x", "op": "eq", "value": 1], .unknownOperator),
            ErrorCase(["type": "stage", "op": "ne", "value": "a"], .unknownOperator),
            ErrorCase(["type": "trait", "key": "t", "op": "lt", "value": ["date": "yesterday"]], .invalidDate),
            ErrorCase(
                ["type": "trait", "key": "t", "op": "lt", "value": ["date": "2026-01-01", "tz": "+08"]], .unknownField),
            ErrorCase(
                [
                    "type": "performed", "event": "E", "op": "at_least", "count": 1,
                    "where": [["key": "a", "op": "eq", "value": 1], ["key": "b", "op": "nope"]],
                ],
                .unknownOperator, "where[1]"),
            ErrorCase(["type": "not", "rule": ["type": "has_tag", "tag": ""]], .invalidName, "not"),
            ErrorCase(["type": "any", "rules": []], .emptyGroup),
        ]

        @Test("malformed JSON is refused with a code and the path of the offending node", arguments: errors)
        func errorsNameTheNode(_ example: ErrorCase) throws {
            let error = try #require(throws: SegmentRuleError.self) { try SegmentRule(json: example.json) }
            #expect(error.code == example.code, "\(error)")
            #expect(error.path == example.path, "\(error)")
            #expect(error.offset == nil)
        }

        @Test("JSON nested past the depth limit is refused while reading, naming where")
        func deepJSON() throws {
            var json: JSONValue = ["type": "has_tag", "tag": "a"]
            for _ in 0..<40 { json = ["type": "not", "rule": json] }
            let error = try #require(throws: SegmentRuleError.self) { try SegmentRule(json: json) }
            #expect(error.code == .depthExceeded)
            #expect(error.path == Array(repeating: "not", count: 16).joined(separator: "."))
        }

        @Test("an unknown field is named in the message")
        func unknownFieldMessage() throws {
            let error = try #require(throws: SegmentRuleError.self) {
                try SegmentRule(json: ["type": "channel", "channel": "wecom", "chanel": "wecom"])
            }
            #expect(error.message.contains("\"chanel\""))
        }
    }
}
