import Testing

@testable import PondCore

/// Reading and printing template texts.
@Suite("Template text")
struct TemplateTextTests {
    static func variable(_ name: String, _ fallback: String? = nil) -> TemplateText.Segment {
        .variable(TemplateVariable(name, fallback: fallback)!)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let segments: [TemplateText.Segment]
        let canonical: String?
        init(_ text: String, _ segments: [TemplateText.Segment], canonical: String? = nil) {
            self.text = text
            self.segments = segments
            self.canonical = canonical
        }
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        Case("您好", [.literal("您好")]),
        Case("", []),
        Case("{{name}}", [variable("name")]),
        Case("您好，{{name|亲爱的会员}}！", [.literal("您好，"), variable("name", "亲爱的会员"), .literal("！")]),
        Case("{{ name | 亲爱的 会员 }}", [variable("name", "亲爱的 会员")], canonical: "{{name|亲爱的 会员}}"),
        Case("{{name|}}", [variable("name", "")]),
        Case("{{name | a|b }}", [variable("name", "a|b")], canonical: "{{name|a|b}}"),
        Case("{{address.city}}", [variable("address.city")]),
        Case("{{event.order_id}}", [variable("event.order_id")]),
        Case("{{links.unsubscribe}}", [variable("links.unsubscribe")]),
        Case("{{会员等级}}", [variable("会员等级")]),
        Case("\\{{name}}", [.literal("{{name}}")]),
        Case("a \\\\ b", [.literal("a \\ b")], canonical: "a \\ b"),
        Case("C:\\temp", [.literal("C:\\temp")]),
        Case("{{{name}}", [.literal("{"), variable("name")], canonical: "\\{{{name}}"),
        Case("{ single } braces }}", [.literal("{ single } braces }}")]),
        Case("{{name}}}", [variable("name"), .literal("}")]),
        Case("{{x|a} }}", [variable("x", "a}")]),
        Case("\\\\{{name}}", [.literal("\\"), variable("name")]),
        Case("{{x|{{y}}", [variable("x", "{{y")]),
    ]

    @Test("reads literals, variables, fallbacks and escapes", arguments: cases)
    func reads(_ c: Case) throws {
        let text = try TemplateText(parsing: c.text)
        #expect(text.segments == c.segments)
        #expect(text.source == (c.canonical ?? c.text))
        #expect(try TemplateText(parsing: text.source) == text)
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        let text: String
        let offset: Int
        let mentions: String
        init(_ text: String, at offset: Int, mentioning mentions: String) {
            self.text = text
            self.offset = offset
            self.mentions = mentions
        }
        var testDescription: String { text }
    }

    static let failures: [Failure] = [
        Failure("您好 {{name", at: 3, mentioning: "never closed"),
        Failure("{{}}", at: 2, mentioning: "needs a path"),
        Failure("ab{{  | x}}", at: 6, mentioning: "needs a path"),
        Failure("{{first name}}", at: 7, mentioning: "a space"),
        Failure("{{a..b}}", at: 4, mentioning: "empty segment"),
        Failure("{{.a}}", at: 2, mentioning: "empty segment"),
        Failure("{{a.}}", at: 3, mentioning: "end with a dot"),
        Failure("{{na<me}}", at: 4, mentioning: "\"<\""),
        Failure("x {{event}}", at: 4, mentioning: "reserved"),
        Failure("{{a{{b}}", at: 3, mentioning: "\"{\""),
    ]

    @Test("refuses malformed variables with the character offset", arguments: failures)
    func refuses(_ f: Failure) {
        #expect {
            _ = try TemplateText(parsing: f.text, path: "bodies.sms.text")
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            return error.code == .syntax && error.path == "bodies.sms.text" && error.offset == f.offset
                && error.message.contains(f.mentions) && error.message.contains("character \(f.offset)")
        }
    }

    @Test("variable sources: traits, the trigger event and system values")
    func sources() throws {
        let text = try TemplateText(parsing: "{{name}}{{address.city}}{{event.amount}}{{event.a.b}}{{profile.id}}{{links.x}}")
        #expect(
            text.variables.map(\.source) == [
                .trait("name"), .trait("address.city"), .event("amount"), .event("a.b"), .system("profile.id"),
                .system("links.x"),
            ])
    }

    @Test("a variable built in code refuses a fallback that could not be written back")
    func unwritableFallbacks() {
        #expect(TemplateVariable("name", fallback: "a}}b") == nil)
        #expect(TemplateVariable("name", fallback: " padded") == nil)
        #expect(TemplateVariable("first name") == nil)
        #expect(TemplateVariable("name", fallback: "a}") != nil)
    }
}
