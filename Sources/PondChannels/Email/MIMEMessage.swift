import Crypto
import Foundation
import PondCore

/// The RFC 5322 message an `OutboundMessage` becomes: headers, and a `multipart/alternative` body with a
/// `text/plain` and a `text/html` part (only `text/plain` when there is no HTML).
///
/// Choices, and why:
/// - Bodies are UTF-8 in base64, lines of 76: every relay passes 7-bit data unchanged, and base64 never produces a
///   line starting with `.`, so nothing in a body depends on dot-stuffing (which the SMTP client still does).
/// - A subject or display name that is not plain ASCII goes as RFC 2047 encoded words (Chinese subjects).
/// - `Message-ID` is derived from the idempotency key — the key itself when it is a valid dot-atom, else a hash of
///   it — so a retried send has the same id and receivers (and Pond's bounce handling) can recognise it.
/// - `List-Unsubscribe: <url>` when the message has an unsubscribe URL, and for an `https` URL also
///   `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058, which requires HTTPS), the one-click
///   unsubscribe large mailbox providers require of bulk senders.
/// - Any CR or LF in a value that goes into a header is refused rather than removed: it is either a bug upstream or
///   an attempt to add headers (header injection).
struct MIMEMessage: Sendable {
    var messageID: String
    /// The whole message, CRLF line endings, not yet dot-stuffed.
    var bytes: [UInt8]

    init(
        _ message: OutboundMessage, from: MailAddress, to: MailAddress, replyTo: MailAddress?, date: Instant
    ) throws(ChannelFailure) {
        for (name, value) in [("subject", message.subject), ("unsubscribe URL", message.unsubscribeURL)] {
            if let value, value.containsLineBreakOrNUL {
                throw .invalidMessage("the \(name) contains a line break")
            }
        }
        messageID = Self.messageID(for: message.idempotencyKey, domain: from.domain)

        var headers: [String] = [
            "Date: " + Self.rfc5322Date(date),
            "From: " + from.headerValue,
            "To: " + to.headerValue,
        ]
        if let replyTo { headers.append("Reply-To: " + replyTo.headerValue) }
        if let subject = message.subject {
            if EncodedWord.isPlain(subject) {
                headers.append("Subject: " + subject)
            } else {
                headers.append("Subject: " + EncodedWord.encode(subject).joined(separator: "\r\n "))
            }
        }
        headers.append("Message-ID: <\(messageID)>")
        headers.append("MIME-Version: 1.0")
        if let url = message.unsubscribeURL {
            guard Self.isAcceptableUnsubscribeURL(url) else {
                throw .invalidMessage("the unsubscribe URL must be an http(s) or mailto URL without spaces or brackets")
            }
            headers.append("List-Unsubscribe: <\(url)>")
            if url.lowercased().hasPrefix("https://") {
                headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
            }
        }

        var lines = headers
        if let html = message.html {
            let digest = SHA256.hash(data: Array(message.idempotencyKey.utf8))
            let boundary = "pond-alt-" + WebhookSignature.hex(digest.prefix(12))
            lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a multi-part message in MIME format.")
            lines.append("--" + boundary)
            lines.append(contentsOf: Self.part(type: "text/plain", content: message.text))
            lines.append("--" + boundary)
            lines.append(contentsOf: Self.part(type: "text/html", content: html))
            lines.append("--" + boundary + "--")
        } else {
            lines.append(contentsOf: Self.part(type: "text/plain", content: message.text))
        }
        bytes = Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// The headers of one text part, a blank line, and its base64 body.
    private static func part(type: String, content: String) -> [String] {
        // Text is sent in canonical form (RFC 2046 §4.1.1): CRLF line breaks, whatever the template used.
        let canonical = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        var lines = [
            "Content-Type: \(type); charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        let encoded = Array(Data(canonical.utf8).base64EncodedString().utf8)
        var start = 0
        while start < encoded.count {
            let end = min(start + 76, encoded.count)
            lines.append(String(decoding: encoded[start..<end], as: UTF8.self))
            start = end
        }
        return lines
    }

    static func messageID(for key: String, domain: String) -> String {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.".utf8)
        let bytes = Array(key.utf8)
        let isDotAtom = !bytes.isEmpty && bytes.count <= 200 && bytes.allSatisfy(atext.contains)
            && bytes.first != UInt8(ascii: ".") && bytes.last != UInt8(ascii: ".") && !key.contains("..")
        let local = isDotAtom ? key : "pond." + WebhookSignature.hex(SHA256.hash(data: bytes).prefix(16))
        return local + "@" + domain
    }

    static func isAcceptableUnsubscribeURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") else {
            return false
        }
        return url.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Thu, 03 Dec 2026 13:13:25 +0000` (RFC 5322 §3.3), in UTC.
    static func rfc5322Date(_ instant: Instant) -> String {
        let seconds = instant.millisecondsSinceEpoch >= 0
            ? instant.millisecondsSinceEpoch / 1000 : (instant.millisecondsSinceEpoch - 999) / 1000
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = ISO8601.civilFromDays(days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let weekday = weekdays[((days % 7) + 7) % 7]
        return "\(weekday), \(two(day)) \(months[month - 1]) \(year) \(two(secondOfDay / 3600)):"
            + "\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60)) +0000"
    }

    /// The message as the `DATA` command carries it: a `.` doubled at the start of every line (RFC 5321 §4.5.2),
    /// then the terminating `CRLF.CRLF`.
    var dotStuffed: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var atLineStart = true
        for byte in bytes {
            if atLineStart, byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == 0x0A
        }
        if out.last != 0x0A { out.append(contentsOf: [0x0D, 0x0A]) }
        out.append(contentsOf: Array(".\r\n".utf8))
        return out
    }
}
