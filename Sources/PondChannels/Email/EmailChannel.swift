import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PondCore
import Synchronization

/// Sends email by submitting it to an SMTP relay, over a connection of its own per message.
///
/// The conversation (RFC 5321): greeting, `EHLO`, `STARTTLS` and `EHLO` again when configured, `AUTH PLAIN` (or
/// `LOGIN`), `MAIL FROM`, `RCPT TO`, `DATA` with the dot-stuffed message (`MIMEMessage`), `QUIT`. A connection per
/// message keeps one slow or broken relay conversation from affecting another send; at the volumes of private-domain
/// email a pooled connection would save little.
///
/// Replies decide the outcome: a 4xx anywhere is transient (greylisting, a full queue, `421` closing); a 5xx is
/// permanent — at `RCPT TO` it is `smtp_recipient_refused` (no such mailbox, refused domain), at `AUTH` it is
/// `smtp_auth_failed`. A timeout, a dropped connection or an unreadable reply is transient. The receipt names the
/// message by its `Message-ID`, which is what a bounce will quote.
public struct EmailChannel: MessageChannel {
    public let id: ChannelID
    private let configuration: SMTPConfiguration
    private let sender: MailAddress?
    private let replyTo: MailAddress?
    private let tls: Result<NIOSSLContext, ChannelFailure>?
    private let group: any EventLoopGroup
    private let clock: any Clock
    private let connectTimeout: TimeAmount
    private let commandTimeout: TimeAmount

    public init(
        id: ChannelID = .email, configuration: SMTPConfiguration, clock: any Clock = SystemClock(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, connectTimeout: Duration = .seconds(10),
        commandTimeout: Duration = .seconds(30)
    ) {
        self.id = id
        self.configuration = configuration
        self.sender = MailAddress(parsing: configuration.from)
        self.replyTo = configuration.replyTo.flatMap { MailAddress(parsing: $0) }
        self.clock = clock
        self.group = group
        self.connectTimeout = .init(connectTimeout)
        self.commandTimeout = .init(commandTimeout)
        switch configuration.security {
        case .none:
            tls = nil
        case .starttls, .tls:
            tls = Result { () throws(ChannelFailure) -> NIOSSLContext in
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                do {
                    if let pem = configuration.trustedCertificatesPEM {
                        tlsConfiguration.additionalTrustRoots = [
                            .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
                        ]
                    }
                    return try NIOSSLContext(configuration: tlsConfiguration)
                } catch {
                    throw .permanent(code: "smtp_tls_failed", reason: "the TLS settings could not be loaded")
                }
            }
        }
    }

    public func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt {
        guard let sender else {
            throw .permanent(code: "channel_invalid_config", reason: "the configured sender is not a valid address")
        }
        guard let recipient = MailAddress(parsing: message.address, allowDisplayName: false) else {
            throw .permanent(code: "invalid_address", reason: "the recipient is not a valid email address")
        }
        let now = clock.now()
        let mime = try MIMEMessage(message, from: sender, to: recipient, replyTo: replyTo, date: now)
        let tlsContext = try tls?.get()
        let holder = ConnectionHolder()
        do {
            try await withTaskCancellationHandler {
                try await converse(mime, from: sender.address, to: recipient.address, tls: tlsContext, holder: holder)
            } onCancel: {
                holder.cancel()
            }
        } catch {
            holder.cancel()
            throw Self.failure(for: error)
        }
        return ChannelReceipt(providerMessageID: mime.messageID, acceptedAt: now)
    }

    private func converse(
        _ mime: MIMEMessage, from: String, to: String, tls: NIOSSLContext?, holder: ConnectionHolder
    ) async throws {
        let connection = try await SMTPConnection.connect(
            host: configuration.host, port: configuration.port, tls: configuration.security == .tls ? tls : nil,
            group: group, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
        guard holder.hold(connection) else { throw CancellationError() }
        try Self.expect(try await connection.reply(), 220, at: "the greeting")

        let helo = configuration.heloName ?? sender?.domain ?? "localhost"
        var capabilities = try await ehlo(connection, name: helo)
        if configuration.security == .starttls, let tls {
            guard capabilities.contains(where: { $0 == "STARTTLS" }) else {
                throw ChannelFailure.permanent(
                    code: "smtp_starttls_unavailable", reason: "the server does not offer STARTTLS")
            }
            try Self.expect(try await connection.command("STARTTLS"), 220, at: "STARTTLS")
            try await connection.startTLS(tls, host: configuration.host)
            capabilities = try await ehlo(connection, name: helo)
        }
        if let username = configuration.username, let password = configuration.password {
            try await authenticate(connection, username: username, password: password, capabilities: capabilities)
        }
        try Self.expect(try await connection.command("MAIL FROM:<\(from)>"), 250, at: "MAIL FROM")
        let recipient = try await connection.command("RCPT TO:<\(to)>")
        guard recipient.code == 250 || recipient.code == 251 else {
            throw Self.refusal(recipient, at: "RCPT TO", permanentCode: "smtp_recipient_refused")
        }
        try Self.expect(try await connection.command("DATA"), 354, at: "DATA")
        try await connection.write(mime.dotStuffed)
        let accepted = try await connection.reply()
        guard accepted.code == 250 else {
            throw Self.refusal(accepted, at: "the end of DATA", permanentCode: "smtp_message_rejected")
        }
        // The message is accepted; a QUIT that fails changes nothing.
        _ = try? await connection.command("QUIT")
        connection.close()
    }

    /// The server's extensions, upper-cased, from its `EHLO` reply (the first line is its greeting).
    private func ehlo(_ connection: SMTPConnection, name: String) async throws -> [String] {
        let reply = try await connection.command("EHLO \(name)")
        try Self.expect(reply, 250, at: "EHLO")
        return reply.lines.dropFirst().map { $0.uppercased() }
    }

    private func authenticate(
        _ connection: SMTPConnection, username: String, password: Secret, capabilities: [String]
    ) async throws {
        let mechanisms = capabilities.filter { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }
            .flatMap { $0.dropFirst(5).split(separator: " ").map(String.init) }
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
            let reply = try await connection.command("AUTH PLAIN " + base64("\0\(username)\0\(password.reveal())"))
            guard reply.code == 235 else { throw Self.refusal(reply, at: "AUTH", permanentCode: "smtp_auth_failed") }
        } else {
            try Self.expect(try await connection.command("AUTH LOGIN"), 334, at: "AUTH")
            try Self.expect(try await connection.command(base64(username)), 334, at: "AUTH")
            let reply = try await connection.command(base64(password.reveal()))
            guard reply.code == 235 else { throw Self.refusal(reply, at: "AUTH", permanentCode: "smtp_auth_failed") }
        }
    }

    private static func expect(_ reply: SMTPReply, _ code: Int, at stage: String) throws {
        guard reply.code == code else { throw refusal(reply, at: stage, permanentCode: "smtp_rejected") }
    }

    private static func refusal(_ reply: SMTPReply, at stage: String, permanentCode: String) -> ChannelFailure {
        let reason = "the SMTP server answered \(reply.summary) at \(stage)"
        if reply.isTransientNegative { return .transient(code: "smtp_\(reply.code)", reason: reason) }
        if (500...599).contains(reply.code) { return .permanent(code: permanentCode, reason: reason) }
        return .transient(code: "malformed_response", reason: "unexpected " + reason)
    }

    private static func failure(for error: any Error) -> ChannelFailure {
        switch error {
        case let failure as ChannelFailure:
            return failure
        case SMTPTransportError.timeout:
            return .transient(code: "timeout", reason: "the SMTP server did not answer in time")
        case SMTPTransportError.connectionClosed:
            return .transient(code: "smtp_connection_closed", reason: "the SMTP server closed the connection")
        case SMTPTransportError.malformedReply(let what):
            return .transient(code: "malformed_response", reason: "the SMTP server: \(what)")
        case is CancellationError:
            return .transient(code: "cancelled", reason: "the send was cancelled")
        case is NIOSSLError, is BoringSSLError:
            return .permanent(code: "smtp_tls_failed", reason: "the TLS handshake with the SMTP server failed")
        case ChannelError.connectTimeout(_):
            return .transient(code: "timeout", reason: "could not connect to the SMTP server in time")
        default:
            return .transient(
                code: "network_error", reason: "could not reach the SMTP server (\(String(describing: type(of: error))))")
        }
    }
}

/// The open connection of a send, so cancelling the send closes it (which fails the reply being waited for).
private final class ConnectionHolder: Sendable {
    private struct State {
        var connection: SMTPConnection?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Keeps `connection`; false, after closing it, when the send was cancelled meanwhile.
    func hold(_ connection: SMTPConnection) -> Bool {
        let cancelled = state.withLock { state in
            state.connection = connection
            return state.cancelled
        }
        if cancelled { connection.close() }
        return !cancelled
    }

    func cancel() {
        let connection = state.withLock { state in
            state.cancelled = true
            return state.connection
        }
        connection?.close()
    }
}
