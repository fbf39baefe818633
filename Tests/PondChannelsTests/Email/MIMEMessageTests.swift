import Foundation
import PondCore
import Testing

@testable import PondChannels

@Suite struct MIMEMessageTests {
    let from = MailAddress(parsing: "池塘会员中心 <noreply@pond.example>")!
    let to = MailAddress(parsing: "member@example.com", allowDisplayName: false)!
    let date = Instant(millisecondsSinceEpoch: 1_795_000_000_000)

    func text(_ message: OutboundMessage) throws -> String {
        String(decoding: try MIMEMessage(message, from: from, to: to, replyTo: nil, date: date).bytes, as: UTF8.self)
    }

    @Test func theDateIsRFC5322InUTC() {
        #expect(MIMEMessage.rfc5322Date(Instant(millisecondsSinceEpoch: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MIMEMessage.rfc5322Date(date) == "Wed, 18 Nov 2026 11:06:40 +0000")
    }

    @Test func aLongChineseSubjectBecomesEncodedWordsOfWholeCharacters() throws {
        let subject = String(repeating: "双十二会员专享优惠，", count: 6)
        let words = EncodedWord.encode(subject)
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 60 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = words.map { word -> String in
            let base64 = word.dropFirst(10).dropLast(2)
            let data = Data(base64Encoded: String(base64))!
            // Each word decodes alone: no character was split between words.
            return String(data: data, encoding: .utf8)!
        }
        #expect(decoded.joined() == subject)
    }

    @Test func aLineBreakInTheSubjectIsRefusedNotSent() {
        #expect(throws: ChannelFailure.self) {
            try MIMEMessage(
                outbound(subject: "Hello\r\nBcc: everyone@example.com", template: nil), from: from, to: to,
                replyTo: nil, date: date)
        }
    }

    @Test func theMessageIDIsTheKeyWhenItCanBeAndAHashOfItOtherwise() {
        #expect(MIMEMessage.messageID(for: "run-9/step-2", domain: "pond.example") == "run-9/step-2@pond.example")
        let hashed = MIMEMessage.messageID(for: "has space <and> brackets", domain: "pond.example")
        #expect(hashed.hasPrefix("pond."))
        #expect(hashed.hasSuffix("@pond.example"))
        #expect(!hashed.contains(" "))
        #expect(hashed == MIMEMessage.messageID(for: "has space <and> brackets", domain: "pond.example"))
    }

    @Test func oneClickUnsubscribeIsOfferedOnlyForHTTPS() throws {
        let secure = try text(outbound(unsubscribeURL: "https://pond.example/u/abc", template: nil))
        #expect(secure.contains("\r\nList-Unsubscribe: <https://pond.example/u/abc>\r\n"))
        #expect(secure.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        let plain = try text(outbound(unsubscribeURL: "http://pond.example/u/abc", template: nil))
        #expect(plain.contains("List-Unsubscribe: <http://pond.example/u/abc>"))
        #expect(!plain.contains("List-Unsubscribe-Post"))
        let none = try text(outbound(template: nil))
        #expect(!none.contains("List-Unsubscribe"))
    }

    @Test func dotStuffingDoublesLeadingDotsAndEndsTheData() {
        var message = try! MIMEMessage(outbound(template: nil), from: from, to: to, replyTo: nil, date: date)
        message.bytes = Array("a\r\n.b\r\n..c\r\nd.".utf8)
        #expect(String(decoding: message.dotStuffed, as: UTF8.self) == "a\r\n..b\r\n...c\r\nd.\r\n.\r\n")
    }

    @Test func everyLineEndsInCRLFAndNoneIsTooLong() throws {
        let message = try text(outbound(
            subject: String(repeating: "很长的主题", count: 30), text: String(repeating: "正文\n", count: 200),
            html: "<p>" + String(repeating: "内容", count: 500) + "</p>", template: nil))
        let bareLF = message.utf8.enumerated().contains { index, byte in
            byte == 0x0A && (index == 0 || Array(message.utf8)[index - 1] != 0x0D)
        }
        #expect(!bareLF)
        #expect(message.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }
}
