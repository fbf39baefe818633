import PondCore
import Testing

extension Segments {
    /// The text form: one canonical spelling per rule, a few aliases people type, and errors that point at the text.
    @Suite("Text form")
    struct TextFormTests {
        struct Case: Sendable, CustomTestStringConvertible {
            let text: String
            let rule: SegmentRule
            init(_ text: String, _ rule: SegmentRule) {
                self.text = text
                self.rule = rule
            }
            var testDescription: String { text }
        }

        static let jan1 = SegmentFixture.at("2026-01-01T00:00:00Z")

        /// Every condition kind in its canonical spelling.
        static let canonical: [Case] = [
            Case(#"city = "上海""#, .trait("city", .equals("上海"))),
            Case("vip != true", .trait("vip", .notEquals(true))),
            Case("amount < 200", .trait("amount", .lessThan(200))),
            Case("amount <= 200.5", .trait("amount", .lessThanOrEqual(200.5))),
            Case("amount > -3", .trait("amount", .greaterThan(-3))),
            Case("amount >= 2.0", .trait("amount", .greaterThanOrEqual(.double(2)))),
            Case("ratio >= 1e-07", .trait("ratio", .greaterThanOrEqual(1e-7))),
            Case("signup_at before 2026-01-01T00:00:00.000Z", .trait("signup_at", .lessThan(.date(jan1)))),
            Case("signup_at after 2026-01-01T00:00:00.000Z", .trait("signup_at", .greaterThan(.date(jan1)))),
            Case("signup_at <= 2026-01-01T00:00:00.000Z", .trait("signup_at", .lessThanOrEqual(.date(jan1)))),
            Case("amount between 100 and 500", .trait("amount", .between(100, 500))),
            Case(#"city in ["上海", "北京"]"#, .trait("city", .oneOf(["上海", "北京"]))),
            Case(#"interests contains "护肤""#, .trait("interests", .contains("护肤"))),
            Case(#"phone starts with "138""#, .trait("phone", .startsWith("138"))),
            Case("email exists", .trait("email", .exists)),
            Case("email not exists", .trait("email", .notExists)),
            Case("last_login within last 30d", .trait("last_login", .withinLast(days: 30))),
            Case("生日 birthday in next 7d", .trait("生日", .birthdayWithin(days: 7))),
            Case(#""first name" = "王""#, .trait("first name", .equals("王"))),
            Case(#""stage" = "x""#, .trait("stage", .equals("x"))),
            Case(#"has tag "会员""#, .hasTag("会员")),
            Case(#"lacks tag "黑名单""#, .lacksTag("黑名单")),
            Case(
                #"performed "Order Completed" >= 2 times in 90d where category = "护肤" and amount > 200"#,
                .performed(
                    "Order Completed", .atLeast, 2, inDays: 90,
                    where: [.property("category", .equals("护肤")), .property("amount", .greaterThan(200))])),
            Case(#"performed "Refund" = 1 time"#, .performed("Refund", .exactly, 1)),
            Case(#"performed "Refund" <= 3 times in 30d"#, .performed("Refund", .atMost, 3, inDays: 30)),
            Case(#"first "Order Completed" within 30d"#, .eventTime(.first, "Order Completed", .within, days: 30)),
            Case(#"last "Order Completed" before 90d ago"#, .eventTime(.last, "Order Completed", .before, days: 90)),
            Case(
                #"last "Page Viewed" after 7d ago where path starts with "/sale""#,
                .eventTime(.last, "Page Viewed", .after, days: 7, where: [.property("path", .startsWith("/sale"))])),
            Case(#"rfm layer = "重要价值客户""#, .condition(.rfmLayer(.equals("重要价值客户")))),
            Case(#"rfm layer in ["重要价值客户", "重要保持客户"]"#, .condition(.rfmLayer(.oneOf(["重要价值客户", "重要保持客户"])))),
            Case("rfm r >= 4", .condition(.rfmScore(.recency, .greaterOrEqual, 4))),
            Case("rfm f != 1", .condition(.rfmScore(.frequency, .notEqual, 1))),
            Case("rfm m < 2", .condition(.rfmScore(.monetary, .less, 2))),
            Case(#"stage = "活跃""#, .stage("活跃")),
            Case(#"stage in ["新客", "活跃"]"#, .condition(.stage(.oneOf(["新客", "活跃"])))),
            Case(#"channel present "wecom""#, .channel("wecom")),
            Case(#"in segment "vip""#, .inSegment("vip")),
            Case(#"consent "marketing" granted"#, .consent("marketing", .granted)),
            Case(#"consent "marketing" denied"#, .consent("marketing", .denied)),
            Case(#"consent "marketing" unknown"#, .consent("marketing", .unknown)),
        ]

        @Test("each condition kind reads from and prints as its canonical text", arguments: canonical)
        func canonicalForms(_ example: Case) throws {
            #expect(try SegmentRule(text: example.text) == example.rule)
            #expect(example.rule.text == example.text)
        }

        /// Spellings people type that read as the canonical rule.
        static let aliases: [Case] = [
            Case(
                #"performed "Order Completed" at least 2 times within last 90d"#,
                .performed("Order Completed", .atLeast, 2, inDays: 90)),
            Case(#"performed "E" at most 3 times in last 90 days"#, .performed("E", .atMost, 3, inDays: 90)),
            Case(#"performed "E" exactly 1 time"#, .performed("E", .exactly, 1)),
            Case(#"performed "E""#, .performed("E")),
            Case(#"performed "E" ever"#, .performed("E")),
            Case(#"performed "E" in 30d"#, .performed("E", inDays: 30)),
            Case(#"performed E >= 1 time"#, .performed("E")),
            Case("a ≠ 1", .trait("a", .notEquals(1))),
            Case("a <> 1", .trait("a", .notEquals(1))),
            Case("a == 1", .trait("a", .equals(1))),
            Case("a ≤ 1", .trait("a", .lessThanOrEqual(1))),
            Case("a ≥ 1", .trait("a", .greaterThanOrEqual(1))),
            Case("t < 2026-01-01", .trait("t", .lessThan(.date(jan1)))),
            Case("t before 2026-01-01T08:00:00+08:00", .trait("t", .lessThan(.date(jan1)))),
            Case("t in last 30d", .trait("t", .withinLast(days: 30))),
            Case("t within 30d", .trait("t", .withinLast(days: 30))),
            Case("dob birthday within next 7 days", .trait("dob", .birthdayWithin(days: 7))),
            Case(#"first "E" in last 30d"#, .eventTime(.first, "E", .within, days: 30)),
            Case("has tag vip", .hasTag("vip")),
            Case(#"HAS TAG "x" AND NOT Stage = "y""#, .all([.hasTag("x"), .not(.stage("y"))])),
            Case(#"  has tag "x"    or   has tag "y"  "#, .any([.hasTag("x"), .hasTag("y")])),
            Case("n = 1.5E3", .trait("n", .equals(1500.0))),
        ]

        @Test("aliases read as the canonical rule", arguments: aliases)
        func aliasForms(_ example: Case) throws {
            #expect(try SegmentRule(text: example.text) == example.rule)
        }

        @Test("the example from the product brief reads as the intended tree")
        func briefExample() throws {
            let rule = try SegmentRule(
                text: #"performed "Order Completed" >= 2 times in 90d where category = "护肤" and amount > 200 and "#
                    + #"has tag "会员" and not stage = "流失""#)
            #expect(
                rule
                    == .all([
                        .performed(
                            "Order Completed", .atLeast, 2, inDays: 90,
                            where: [.property("category", .equals("护肤")), .property("amount", .greaterThan(200))]),
                        .hasTag("会员"),
                        .not(.stage("流失")),
                    ]))
        }

        // MARK: Precedence and parentheses

        @Test("and binds tighter than or")
        func andBeforeOr() throws {
            #expect(
                try SegmentRule(text: "a = 1 or b = 2 and c = 3")
                    == .any([.trait("a", .equals(1)), .all([.trait("b", .equals(2)), .trait("c", .equals(3))])]))
        }

        @Test("not binds tighter than and")
        func notBeforeAnd() throws {
            #expect(
                try SegmentRule(text: "not a = 1 and b = 2")
                    == .all([.not(.trait("a", .equals(1))), .trait("b", .equals(2))]))
        }

        @Test("parentheses override precedence")
        func parentheses() throws {
            let rule = SegmentRule.all([
                .any([.trait("a", .equals(1)), .trait("b", .equals(2))]), .trait("c", .equals(3)),
            ])
            #expect(try SegmentRule(text: "(a = 1 or b = 2) and c = 3") == rule)
            #expect(rule.text == "(a = 1 or b = 2) and c = 3")
            #expect(
                try SegmentRule(text: "not (a = 1 and b = 2)")
                    == .not(.all([.trait("a", .equals(1)), .trait("b", .equals(2))])))
        }

        @Test("a chain of ands is one group; a parenthesised one stays nested")
        func flatAndNested() throws {
            let a = SegmentRule.trait("a", .equals(1))
            let b = SegmentRule.trait("b", .equals(2))
            let c = SegmentRule.trait("c", .equals(3))
            #expect(try SegmentRule(text: "a = 1 and b = 2 and c = 3") == .all([a, b, c]))
            #expect(try SegmentRule(text: "(a = 1 and b = 2) and c = 3") == .all([.all([a, b]), c]))
            #expect(SegmentRule.all([.all([a, b]), c]).text == "(a = 1 and b = 2) and c = 3")
            #expect(SegmentRule.any([.any([a, b]), c]).text == "(a = 1 or b = 2) or c = 3")
            #expect(try SegmentRule(text: "((a = 1))") == a)
        }

        @Test("the printer adds no parentheses that precedence makes unnecessary")
        func minimalParentheses() {
            let a = SegmentRule.trait("a", .equals(1))
            let b = SegmentRule.trait("b", .equals(2))
            let c = SegmentRule.trait("c", .equals(3))
            #expect(SegmentRule.any([.all([a, b]), c]).text == "a = 1 and b = 2 or c = 3")
            #expect(SegmentRule.not(.not(a)).text == "not not a = 1")
        }

        @Test("a one-rule group is written all(…) or any(…)")
        func singleRuleGroups() throws {
            let rule = SegmentRule.all([.any([.hasTag("x")]), .hasTag("y")])
            #expect(rule.text == #"any(has tag "x") and has tag "y""#)
            #expect(try SegmentRule(text: rule.text) == rule)
            #expect(try SegmentRule(text: #"any(has tag "x", has tag "y")"#) == .any([.hasTag("x"), .hasTag("y")]))
        }

        @Test("a where list takes every following `and property …`; parentheses end it")
        func greedyWhere() throws {
            #expect(
                try SegmentRule(text: #"performed "E" where a = 1 and b = 2"#)
                    == .performed("E", where: [.property("a", .equals(1)), .property("b", .equals(2))]))
            let eventThenTrait = SegmentRule.all([
                .performed("E", where: [.property("a", .equals(1))]), .trait("b", .equals(2)),
            ])
            #expect(try SegmentRule(text: #"(performed "E" where a = 1) and b = 2"#) == eventThenTrait)
            #expect(eventThenTrait.text == #"(performed "E" >= 1 time where a = 1) and b = 2"#)
            #expect(
                try SegmentRule(text: #"performed "E" where a = 1 and has tag "x""#)
                    == .all([.performed("E", where: [.property("a", .equals(1))]), .hasTag("x")]))
        }

        // MARK: Literals

        @Test("strings take escapes, and the printer escapes what it must")
        func stringEscapes() throws {
            let rule = try SegmentRule(text: #"has tag "a\"b\\c\nd\te\r\u{1F600}\u{7}""#)
            #expect(rule == .hasTag("a\"b\\c\nd\te\r😀\u{7}"))
            #expect(rule.text == #"has tag "a\"b\\c\nd\te\r😀\u{7}""#)
        }

        @Test("a key that is a keyword, has spaces or starts with a digit is quoted")
        func quotedKeys() {
            #expect(SegmentRule.trait("and", .exists).text == #""and" exists"#)
            #expect(SegmentRule.trait("TRUE", .exists).text == #""TRUE" exists"#)
            #expect(SegmentRule.trait("9lives", .exists).text == #""9lives" exists"#)
            #expect(SegmentRule.trait("会员等级", .exists).text == "会员等级 exists")
            #expect(SegmentRule.trait("address.city", .exists).text == "address.city exists")
        }

        @Test("integers and doubles stay distinct through the text")
        func numberKinds() throws {
            #expect(try SegmentRule(text: "n = 2") == .trait("n", .equals(.int(2))))
            #expect(try SegmentRule(text: "n = 2.0") == .trait("n", .equals(.double(2))))
            #expect(try SegmentRule(text: "n = -9223372036854775808") == .trait("n", .equals(.int(.min))))
        }

        // MARK: Errors

        struct ErrorCase: Sendable, CustomTestStringConvertible {
            let text: String
            let offset: Int
            let code: SegmentRuleError.Code
            init(_ text: String, _ offset: Int, _ code: SegmentRuleError.Code = .syntaxError) {
                self.text = text
                self.offset = offset
                self.code = code
            }
            var testDescription: String { text }
        }

        static let syntaxErrors: [ErrorCase] = [
            ErrorCase("city = ", 7),
            ErrorCase(#"has tag "x" and"#, 15),
            ErrorCase(#"has tag "x" or or has tag "y""#, 15),
            ErrorCase(#"performed "E" >= 2"#, 18),
            ErrorCase("amount > 5 6", 11),
            ErrorCase(#"city = "unterminated"#, 7),
            ErrorCase(#"city = "a\qb""#, 9),
            ErrorCase("city § 1", 5),
            ErrorCase("signup before 5", 14),
            ErrorCase(#"performed "E" in 90x"#, 17),
            ErrorCase("a = 2026-13-01", 4),
            ErrorCase("a = 99999999999999999999", 4),
            ErrorCase("城市 = ", 5),
            ErrorCase(#"(has tag "x""#, 12),
            ErrorCase(#"has tag and"#, 8),
            ErrorCase("rfm x >= 1", 4),
            ErrorCase(#"consent "m" maybe"#, 12),
            ErrorCase("", 0),
            ErrorCase("city = \"a\nb\"", 9),
        ]

        @Test("a syntax error names the character offset where reading stopped", arguments: syntaxErrors)
        func syntaxErrorOffsets(_ example: ErrorCase) throws {
            let error = try #require(throws: SegmentRuleError.self) { try SegmentRule(text: example.text) }
            #expect(error.code == example.code)
            #expect(error.offset == example.offset, "\(error)")
        }

        @Test("offsets count characters, not UTF-8 bytes")
        func offsetsAreCharacters() throws {
            let error = try #require(throws: SegmentRuleError.self) { try SegmentRule(text: #"城市 = "上海" 北京"#) }
            #expect(error.offset == 10)
        }

        @Test("hostile nesting is refused before it can exhaust the stack")
        func deepNesting() throws {
            let text = String(repeating: "(", count: 10_000) + #"has tag "x""# + String(repeating: ")", count: 10_000)
            let error = try #require(throws: SegmentRuleError.self) { try SegmentRule(text: text) }
            #expect(error.code == .depthExceeded)
            #expect(error.offset == SegmentRule.Limits.maximumDepth * 4)
        }

        @Test("a validation error found after reading carries both the path and the offset of the node")
        func validationErrorsPointIntoTheText() throws {
            let error = try #require(throws: SegmentRuleError.self) {
                try SegmentRule(text: #"has tag "a" and performed "E" >= 2 times in 5000d"#)
            }
            #expect(error.code == .absurdWindow)
            #expect(error.path == "all[1]")
            #expect(error.offset == 16)

            let filterError = try #require(throws: SegmentRuleError.self) {
                try SegmentRule(text: #"performed "E" where a = 1 and b < "x""#)
            }
            #expect(filterError.code == .wrongType)
            #expect(filterError.path == "where[1]")
            #expect(filterError.offset == 30)
        }

        @Test("an empty explicit group reads but does not validate")
        func emptyExplicitGroup() throws {
            let error = try #require(throws: SegmentRuleError.self) { try SegmentRule(text: #"has tag "a" or all()"#) }
            #expect(error.code == .emptyGroup)
            #expect(error.path == "any[1]")
            #expect(error.offset == 15)
        }
    }
}
