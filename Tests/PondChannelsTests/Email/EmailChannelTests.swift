import Foundation
import PondChannels
import PondCore
import PondTestSupport
import Testing

/// The email channel against a real SMTP server (aiosmtpd), the received message read back with Python's `email`
/// package: a second, independent reading of the MIME we write.
@Suite(.enabled(if: SMTPSink.configured, "needs POND_TEST_PYTHON with aiosmtpd (scripts/test sets it up)"))
struct EmailChannelTests {
    let clock = ManualClock()

    func channel(
        _ sink: SMTPSink, security: SMTPConfiguration.Security = .none, username: String? = nil,
        password: String? = nil, trusting pem: String? = nil, policy: RetryPolicy = RetryPolicy(attempts: 1)
    ) -> RetryingChannel {
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", port: sink.port, security: security, username: username,
            password: password.map { Secret($0) }, from: "池塘会员中心 <noreply@pond.example>",
            replyTo: "service@pond.example", trustedCertificatesPEM: pem)
        return RetryingChannel(
            EmailChannel(configuration: configuration, clock: clock), policy: policy, sleep: RecordedSleeps().sleep)
    }

    func email(
        key: String = "broadcast-12/profile-42", to: String = "member@example.com", subject: String = "双十二会员专享：全场五折",
        html: String? = "<p>亲爱的会员，<b>全场五折</b>。</p>", unsubscribe: String? = "https://pond.example/u/abc123"
    ) -> OutboundMessage {
        outbound(
            key: key, to: to, category: .marketing, subject: subject, text: "亲爱的会员，全场五折。\n.这一行以点开头",
            html: html, unsubscribeURL: unsubscribe, template: nil)
    }

    @Test func aMarketingEmailArrivesWithBothPartsAnEncodedSubjectAndOneClickUnsubscribe() async throws {
        try await SMTPSink.run { sink in
            let receipt = try await channel(sink).send(email())
            let received = try sink.received()
            #expect(received.count == 1)
            let message = try #require(received.first)
            #expect(message.mailFrom == "noreply@pond.example")
            #expect(message.recipients == ["member@example.com"])

            let parsed = try sink.parse(message)
            #expect(parsed["defects"] == [])
            let headers = try #require(parsed["headers"])
            #expect(headers["Subject"] == "双十二会员专享：全场五折")
            #expect(headers["From"] == "池塘会员中心 <noreply@pond.example>")
            #expect(headers["To"] == "member@example.com")
            #expect(headers["Reply-To"] == "service@pond.example")
            #expect(headers["Message-ID"] == "<broadcast-12/profile-42@pond.example>")
            #expect(headers["List-Unsubscribe"] == "<https://pond.example/u/abc123>")
            #expect(headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
            #expect(headers["Date"] == .string(MIMEDate.expected(clock.now())))
            #expect(parsed["content_type"] == "multipart/alternative")
            let parts = try #require(parsed["parts"]?.arrayValue)
            #expect(parts.map { $0["type"] } == ["text/plain", "text/html"])
            #expect(parts.allSatisfy { $0["charset"] == "utf-8" })
            // Text travels in canonical form (RFC 2046 §4.1.1): CRLF line breaks, and a line may start with a dot.
            #expect(parts.first?["content"] == "亲爱的会员，全场五折。\r\n.这一行以点开头")
            #expect(parts.last?["content"] == "<p>亲爱的会员，<b>全场五折</b>。</p>")
            #expect(receipt.providerMessageID == "broadcast-12/profile-42@pond.example")
        }
    }

    @Test func aTextOnlyEmailIsOnePlainPart() async throws {
        try await SMTPSink.run { sink in
            _ = try await channel(sink).send(email(subject: "Your order shipped", html: nil, unsubscribe: nil))
            let parsed = try sink.parse(try #require(try sink.received().first))
            #expect(parsed["content_type"] == "text/plain")
            #expect(parsed["headers"]?["Subject"] == "Your order shipped")
            #expect(parsed["headers"]?["List-Unsubscribe"] == .null)
            #expect(parsed["parts"]?.arrayValue?.count == 1)
        }
    }

    @Test func aServerRequiringAuthAcceptsTheRightCredentials() async throws {
        try await SMTPSink.run(auth: "pond:correct-horse") { sink in
            _ = try await channel(sink, username: "pond", password: "correct-horse").send(email())
            let received = try sink.received()
            #expect(received.first?.authenticated == true)
        }
    }

    @Test func aWrongPasswordIsPermanentAndNotInTheReason() async throws {
        try await SMTPSink.run(auth: "pond:correct-horse") { sink in
            let channel = channel(sink, username: "pond", password: "wrong-battery")
            let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(email()) }
            #expect(failure?.code == "smtp_auth_failed")
            #expect(failure?.isTransient == false)
            #expect(failure.map { !$0.description.contains("wrong-battery") } == true)
            let received = try sink.received()
            #expect(received.isEmpty)
        }
    }

    @Test func withoutCredentialsAServerRequiringAuthRefusesTheMessage() async throws {
        try await SMTPSink.run(auth: "pond:correct-horse") { sink in
            let channel = channel(sink)
            let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(email()) }
            #expect(failure?.isTransient == false)
            let received = try sink.received()
            #expect(received.isEmpty)
        }
    }

    @Test func aRefusedRecipientIsPermanentAndADeferredOneTransient() async throws {
        try await SMTPSink.run { sink in
            let channel = channel(sink)
            let refused = await failureOf { () async throws(ChannelFailure) in
                try await channel.send(email(to: "reject-me@example.com"))
            }
            #expect(refused?.code == "smtp_recipient_refused")
            #expect(refused?.reason.contains("550") == true)
            let deferred = await failureOf { () async throws(ChannelFailure) in
                try await channel.send(email(to: "later@example.com"))
            }
            #expect(deferred?.code == "smtp_451")
            #expect(deferred?.isTransient == true)
            let received = try sink.received()
            #expect(received.isEmpty)
        }
    }

    @Test func starttlsUpgradesTheConnectionBeforeAuthenticating() async throws {
        try await SMTPSink.withCertificate { files, pem in
            try await SMTPSink.run(auth: "pond:correct-horse", tls: files) { sink in
                _ = try await channel(
                    sink, security: .starttls, username: "pond", password: "correct-horse", trusting: pem
                ).send(email())
                let received = try sink.received()
                #expect(received.count == 1)
                #expect(received.first?.overTLS == true)
                #expect(received.first?.authenticated == true)
            }
        }
    }

    @Test func implicitTLSSpeaksTLSFromTheFirstByte() async throws {
        try await SMTPSink.withCertificate { files, pem in
            try await SMTPSink.run(auth: "pond:correct-horse", tls: files, implicitTLS: true) { sink in
                _ = try await channel(
                    sink, security: .tls, username: "pond", password: "correct-horse", trusting: pem
                ).send(email())
                let received = try sink.received()
                #expect(received.count == 1)
                #expect(received.first?.overTLS == true)
            }
        }
    }

    @Test func aCertificateNobodyTrustsIsRefusedAndNothingIsSent() async throws {
        try await SMTPSink.withCertificate { files, _ in
            try await SMTPSink.run(auth: "pond:correct-horse", tls: files) { sink in
                let channel = channel(sink, security: .starttls, username: "pond", password: "correct-horse")
                let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(email()) }
                #expect(failure?.code == "smtp_tls_failed", "\(String(describing: failure))")
                #expect(failure?.isTransient == false)
                let received = try sink.received()
                #expect(received.isEmpty)
            }
        }
    }

    @Test func starttlsIsNeverSkippedWhenTheServerDoesNotOfferIt() async throws {
        try await SMTPSink.run { sink in
            let channel = channel(sink, security: .starttls)
            let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(email()) }
            #expect(failure?.code == "smtp_starttls_unavailable")
            let received = try sink.received()
            #expect(received.isEmpty)
        }
    }

    @Test func aRecipientThatCouldInjectCommandsIsRefusedBeforeConnecting() async throws {
        try await SMTPSink.run { sink in
            let channel = channel(sink)
            let failure = await failureOf { () async throws(ChannelFailure) in
                try await channel.send(email(to: "member@example.com>\r\nRCPT TO:<victim@example.com"))
            }
            #expect(failure?.code == "invalid_address")
            let received = try sink.received()
            #expect(received.isEmpty)
        }
    }

    @Test func nobodyListeningIsTransient() async throws {
        let port = try await SMTPSink.run { sink in sink.port }
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", port: port, security: .none, from: "noreply@pond.example")
        let channel = EmailChannel(configuration: configuration)
        let failure = await failureOf { () async throws(ChannelFailure) in try await channel.send(email()) }
        #expect(failure?.isTransient == true)
    }
}

/// The `Date` header as Python's `email` package prints it back.
enum MIMEDate {
    static func expected(_ instant: Instant) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1000))
    }
}
