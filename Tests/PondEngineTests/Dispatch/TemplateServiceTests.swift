import Foundation
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// Templates saved per workspace: checked against what its customers have, versioned, previewed against a real
/// customer and rendered for sending with the customer's own links.
@Suite("Template service")
struct TemplateServiceTests {
    typealias World = BroadcastWorld

    @Test("a variable naming no known trait is refused at its path, with the closest known name suggested",
          arguments: TestBackend.available)
    func unknownVariable(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            _ = try await world.customers(1, traits: { _ in ["name": "李雷", "city": "上海"] })
            let refused = await refusal {
                try await world.template(
                    "t", ["name": "会员日", "category": "marketing",
                          "bodies": ["email": ["subject": "{{name}}", "text": "您好 {{nmae}}，{{ctiy}}见"], "sms": ["text": "{{profile.idd}}"]]])
            }
            #expect(refused?.code == "template_unknown_variable")
            #expect(refused?.details["path"] == "bodies.email.text")
            #expect(refused?.message.contains("did you mean {{name}}?") == true, "\(refused?.message ?? "")")
            let problems = refused?.details["problems"]?.arrayValue ?? []
            #expect(problems.map { $0["path"]?.stringValue } == ["bodies.email.text", "bodies.email.text", "bodies.sms.text"],
                    "every problem at once, in a stable order")
            #expect(problems.last?["message"]?.stringValue?.contains("{{profile.id}}") == true)
            #expect(try await world.services.templates.templates(workspaceID: World.workspace).isEmpty, "nothing saved")
        }
    }

    @Test("structural mistakes are refused with the member at fault", arguments: TestBackend.available)
    func structure(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let typo = await refusal {
                try await world.template("t", ["name": "x", "category": "marketing", "bodies": ["email": ["subjct": "hi", "text": "hi"]]])
            }
            #expect(typo?.code == "template_unknown_field")
            #expect(typo?.details["path"] == "bodies.email.subjct")
            let category = await refusal { try await world.template("t", World.sms("hi", category: "promo")) }
            #expect(category?.code == "template_invalid_category")
            #expect(category?.details["path"] == "category")
            let syntax = await refusal { try await world.template("t", World.sms("hi {{name")) }
            #expect(syntax?.code == "template_syntax")
            #expect(syntax?.details["path"] == "bodies.sms.text")
            #expect(syntax?.details["offset"] != nil)
            let long = await refusal { try await world.template("t", World.sms(String(repeating: "好", count: 501))) }
            #expect(long?.code == "template_too_long")
        }
    }

    @Test("a template is saved under a generated id, versioned on every save, listed, and deleted", arguments: TestBackend.available)
    func lifecycle(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let templates = world.services.templates
            let created = try await templates.save(
                workspaceID: World.workspace, id: nil, definition: World.sms("会员日 8 折"), replacing: nil)
            #expect(created.id == "template", "a name without ASCII letters takes the fallback")
            var named = World.sms("会员日")
            named = ["name": "Member Day", "category": named["category"]!, "bodies": named["bodies"]!]
            #expect(try await templates.save(workspaceID: World.workspace, id: nil, definition: named, replacing: nil).id == "member-day")
            let taken = await refusal {
                try await templates.save(workspaceID: World.workspace, id: "member-day", definition: named, replacing: nil)
            }
            #expect(taken?.code == "already_exists")
            let replaced = try await templates.save(
                workspaceID: World.workspace, id: nil, definition: World.sms("会员日 7 折"), replacing: "member-day")
            #expect(replaced.version == 2)
            #expect(replaced.template.bodies[.sms]?.text.source == "会员日 7 折")
            #expect(try await templates.templates(workspaceID: World.workspace).map(\.id) == ["member-day", "template"])
            let missing = await refusal {
                try await templates.save(workspaceID: World.workspace, id: nil, definition: named, replacing: "nope")
            }
            #expect(missing?.kind == .notFound)
            try await templates.delete(workspaceID: World.workspace, id: "template")
            #expect(await refusal { try await templates.template(workspaceID: World.workspace, id: "template") }?.kind == .notFound)
        }
    }

    @Test("a preview fills a real customer's traits and the event given, takes fallbacks and lists what is missing",
          arguments: TestBackend.available)
    func preview(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let ids = try await world.customers(2, traits: { index in index == 0 ? ["name": "李雷"] : ["city": "上海", "name": ""] })
            try await world.template(
                "t", ["name": "x", "category": "marketing", "bodies": ["email": [
                    "subject": "{{name|亲爱的会员}}，您好", "text": "{{city}}门店 满{{event.amount}}减 退订 {{links.unsubscribe}}",
                    "html": "<b>{{name}}</b>",
                ]]])
            let templates = world.services.templates
            let first = try await templates.preview(
                workspaceID: World.workspace, templateID: "t", profileID: ids[0], channel: "email", event: ["amount": 199])
            #expect(first.body.subject == "李雷，您好")
            #expect(first.body.html == "<b>李雷</b>")
            #expect(first.missing == ["city"])
            #expect(first.body.text.hasPrefix("{{city}}门店 满199减 退订 http://127.0.0.1:8080/u/"))
            let link = String(first.body.text.split(separator: " ").last!)
            let token = String(link.split(separator: "/").last!)
            let claims = try await world.services.consent.links.verify(token)
            #expect(claims?.profileID == ids[0], "the real, signed link of this customer")
            #expect(claims?.channel == .email)

            let second = try await templates.preview(
                workspaceID: World.workspace, templateID: "t", profileID: ids[1], channel: "email", event: nil)
            #expect(second.body.subject == "亲爱的会员，您好", "an empty trait takes the fallback")
            #expect(second.missing == ["event.amount", "name"])
            let noBody = await refusal {
                try await templates.preview(workspaceID: World.workspace, templateID: "t", profileID: ids[0], channel: "sms", event: nil)
            }
            #expect(noBody?.code == "template_lacks_channel")
            #expect(noBody?.details["path"] == "channel")
            #expect(await refusal {
                try await templates.preview(workspaceID: World.workspace, templateID: "t", profileID: 999_999, channel: "email", event: nil)
            }?.kind == .notFound)
        }
    }

    @Test("rendering for sending fills profile.id and, for marketing email, the unsubscribe link beside the body",
          arguments: TestBackend.available)
    func renderForSending(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let ids = try await world.customers(1, traits: { _ in ["name": "李雷"] })
            let renderer = try await world.services.templates.renderer(workspaceID: World.workspace)
            let marketing = try MessageTemplate(json: [
                "name": "x", "category": "marketing",
                "bodies": [
                    "email": ["subject": "{{name}}", "text": "退订：{{links.unsubscribe}} #{{profile.id}}"],
                    "sms": ["text": "{{name}}，会员日", "providerTemplate": ["code": "SMS_1", "parameters": ["who": "{{name}}"]]],
                ],
            ])
            let email = try #require(try renderer.content(marketing, channel: .email, profileID: ids[0], traits: ["name": "李雷"]))
            let link = try #require(email.parameters[TemplateRenderer.unsubscribeURLParameter])
            #expect(email.text == "退订：\(link) #\(ids[0])")
            #expect(link == (try await world.services.consent.links.link(workspaceID: World.workspace, profileID: ids[0], channel: .email)),
                    "the same link the consent service signs")
            let sms = try #require(try renderer.content(marketing, channel: .sms, profileID: ids[0], traits: ["name": "李雷"]))
            #expect(sms.providerTemplate == "SMS_1")
            #expect(sms.parameters == ["who": "李雷"], "no unsubscribe parameter outside email")
            #expect(try renderer.content(marketing, channel: .wecom, profileID: ids[0], traits: [:]) == nil)

            let service = try MessageTemplate(json: [
                "name": "x", "category": "service", "bodies": ["email": ["text": "发货了 {{links.unsubscribe}}"]],
            ])
            #expect(throws: TemplateRenderError(missing: ["links.unsubscribe"]), "a service message has no unsubscribe link") {
                try renderer.content(service, channel: .email, profileID: ids[0], traits: [:])
            }
            let asMarketing = try renderer.content(service, channel: .email, category: .marketing, profileID: ids[0], traits: [:])
            #expect(asMarketing?.parameters[TemplateRenderer.unsubscribeURLParameter] != nil, "the send's category decides")
        }
    }
}
