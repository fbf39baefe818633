import Hummingbird
import PondCore
import PondEngine

/// The unsubscribe link of every marketing message (`/u/<token>`), for customers, without logging in: the token is
/// signed (`UnsubscribeToken`).
///
/// Opening the link (`GET`) only shows a page with a button: mail scanners and chat apps open links to preview them,
/// and a preview must not unsubscribe anyone. The button, and a mail client's one-click unsubscribe (RFC 8058:
/// `POST` with `List-Unsubscribe=One-Click`), `POST` to the same address and revoke marketing on the link's channel
/// at once. A token that is not ours gets the same page as one that is, so a guessed link learns nothing.
struct UnsubscribeController: Sendable {
    let consent: ConsentService

    func register(on router: Router<APIRequestContext>) {
        router.get("u/:token") { _, context in
            let token = try context.text("token")
            return Self.page(
                title: "退订营销消息 · Unsubscribe",
                body: """
                    <p>不想再收到我们的营销消息？点击下方按钮即可退订，立即生效。</p>
                    <p>Don't want our marketing messages any more? Unsubscribe below; it takes effect at once.</p>
                    <form method="post" action="/u/\(Self.escape(token))"><button type="submit">退订 · Unsubscribe</button></form>
                    """)
        }
        router.post("u/:token") { _, context in
            _ = try await consent.unsubscribe(token: try context.text("token"))
            return Self.page(
                title: "已退订 · Unsubscribed",
                body: """
                    <p>您已退订，我们不会再通过该渠道向您发送营销消息。订单与服务通知不受影响。</p>
                    <p>You are unsubscribed: no more marketing messages on this channel. Order and service notices still reach you.</p>
                    """)
        }
    }

    static func page(title: String, body: String) -> Response {
        let html = """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6}
            button{font-size:1.1rem;padding:.6rem 1.4rem}</style></head>
            <body><h1>\(title)</h1>\(body)</body></html>
            """
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .init("Referrer-Policy")!: "no-referrer"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
