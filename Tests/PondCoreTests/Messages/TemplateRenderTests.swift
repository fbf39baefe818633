import Testing

@testable import PondCore

/// Filling a template for one profile.
private func text(_ source: String) throws -> TemplateText { try TemplateText(parsing: source) }

@Suite("Template rendering")
struct TemplateRenderTests {

    @Test("traits, nested traits, event properties and system values")
    func sources() throws {
        let values = TemplateValues(
            traits: ["name": "小林", "address": ["city": "杭州"], "vip.level": "金卡"],
            event: ["product": "滤芯", "cart": ["total": 299]],
            system: ["links.unsubscribe": "https://p.example/u/1"])
        let rendered = try text(
            "{{name}}/{{address.city}}/{{vip.level}}/{{event.product}}/{{event.cart.total}}/{{links.unsubscribe}}"
        ).render(values)
        #expect(rendered == "小林/杭州/金卡/滤芯/299/https://p.example/u/1")
    }

    @Test("a whole dotted key is read before the nested path")
    func wholeKeyFirst() throws {
        let values = TemplateValues(traits: ["address.city": "上海", "address": ["city": "杭州"]])
        #expect(try text("{{address.city}}").render(values) == "上海")
    }

    @Test("numbers without a spurious .0, booleans as words")
    func numbers() throws {
        let values = TemplateValues(traits: ["a": 99.0, "b": 0.5, "c": -3, "d": true, "e": 20261122000123])
        #expect(try text("{{a}} {{b}} {{c}} {{d}} {{e}}").render(values) == "99 0.5 -3 true 20261122000123")
    }

    @Test("missing, null, empty, arrays and objects take the fallback")
    func fallbacks() throws {
        let values = TemplateValues(traits: ["n": .null, "e": "", "a": [1, 2], "o": ["x": 1]])
        #expect(try text("{{m|1}}{{n|2}}{{e|3}}{{a|4}}{{o|5}}{{m|}}").render(values) == "12345")
    }

    @Test("a variable without a value or fallback fails the render, listing each missing name once")
    func missing() throws {
        let template = try text("您好，{{name}}，{{event.order_id}} {{name}} {{city|}}")
        #expect(throws: TemplateRenderError(missing: ["name", "event.order_id"])) {
            try template.render(TemplateValues(traits: [:], event: nil))
        }
        #expect(TemplateRenderError(missing: ["name"]).code == "template_missing_value")
    }

    @Test("HTML escaping covers values and fallbacks, not the template's own markup")
    func html() throws {
        let template = try text("<p>{{name|<新朋友> & \"您\"}}</p><b>{{note}}</b>")
        let values = TemplateValues(traits: ["note": "Tom's <script>alert(1)</script> & co"])
        #expect(
            try template.render(values, escaping: .html)
                == "<p>&lt;新朋友&gt; &amp; &quot;您&quot;</p><b>Tom&#39;s &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b>")
        #expect(try template.render(values, escaping: .plain) == "<p><新朋友> & \"您\"</p><b>Tom's <script>alert(1)</script> & co</b>")
    }

    @Test("a value holding template syntax is inserted literally, never evaluated")
    func noInjection() throws {
        let values = TemplateValues(traits: ["name": "{{links.unsubscribe}}", "secret": "s3cr3t"], system: ["links.unsubscribe": "u"])
        #expect(try text("Hi {{name}}").render(values) == "Hi {{links.unsubscribe}}")
        #expect(try text("{{name|{{secret}}}}").render(TemplateValues()) == "{{secret}}")
    }

    @Test("a body renders every part; the preview shows what is missing and lists it")
    func body() throws {
        let body = TemplateBody(
            subject: try text("{{name|会员}}，您的专属礼遇"), text: try text("Hi {{name}}"),
            html: try text("<h1>{{name}}</h1>"),
            providerTemplate: ProviderTemplate(code: "SMS_1", parameters: ["who": try text("{{name}}"), "n": try text("{{event.n|0}}")]))
        let rendered = try body.render(TemplateValues(traits: ["name": "A&B"]))
        #expect(rendered.subject == "A&B，您的专属礼遇")
        #expect(rendered.text == "Hi A&B")
        #expect(rendered.html == "<h1>A&amp;B</h1>")
        #expect(rendered.providerTemplate == RenderedBody.Provider(code: "SMS_1", parameters: ["who": "A&B", "n": "0"]))
        let (preview, missing) = body.preview(TemplateValues())
        #expect(missing == ["name"])
        #expect(preview.text == "Hi {{name}}")
        #expect(preview.subject == "会员，您的专属礼遇")
        #expect(throws: TemplateRenderError(missing: ["name"])) { try body.render(TemplateValues()) }
    }
}
