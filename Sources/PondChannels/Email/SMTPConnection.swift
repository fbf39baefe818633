import NIOCore
import NIOPosix
import NIOSSL

/// One client connection to an SMTP server: send a line, await the next reply, upgrade to TLS.
///
/// Every wait for a reply is bounded by `commandTimeout`; when it passes, the connection is closed, so nothing can
/// later arrive out of step. The reply handler lives on the channel's event loop and is only touched there
/// (`NIOLoopBound`).
struct SMTPConnection: Sendable {
    let channel: any Channel
    private let replies: NIOLoopBound<SMTPReplyHandler>
    private let commandTimeout: TimeAmount

    static func connect(
        host: String, port: Int, tls: NIOSSLContext?, group: any EventLoopGroup, connectTimeout: TimeAmount,
        commandTimeout: TimeAmount
    ) async throws -> SMTPConnection {
        let serverHostname = Self.serverHostname(host)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler())
                }
            }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        do {
            let replies = try await channel.eventLoop.submit {
                NIOLoopBound(
                    try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self), eventLoop: channel.eventLoop)
            }.get()
            return SMTPConnection(channel: channel, replies: replies, commandTimeout: commandTimeout)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// The name sent for SNI and checked against the certificate; an IP address cannot be sent as SNI, so for one
    /// the certificate chain is verified without a name.
    private static func serverHostname(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }

    func reply() async throws -> SMTPReply {
        let loop = channel.eventLoop
        let replies = self.replies
        let timeout = commandTimeout
        let channel = self.channel
        return try await loop.flatSubmit {
            let promise = loop.makePromise(of: SMTPReply.self)
            replies.value.nextReply(promise)
            let timer = loop.scheduleTask(in: timeout) {
                promise.fail(SMTPTransportError.timeout)
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
            return promise.futureResult
        }.get()
    }

    /// Writes `bytes`; when the write fails because the connection ended, throws what ended it.
    func write(_ bytes: [UInt8]) async throws {
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        } catch {
            let replies = self.replies
            let cause = try? await channel.eventLoop.submit { replies.value.connectionFailure }.get()
            throw (cause ?? nil) ?? error
        }
    }

    func command(_ line: String) async throws -> SMTPReply {
        try await write(Array((line + "\r\n").utf8))
        return try await reply()
    }

    /// Puts TLS under the connection after the server's `220` to `STARTTLS`. The handshake starts as the handler is
    /// added; what is written next waits for it.
    func startTLS(_ context: NIOSSLContext, host: String) async throws {
        let replies = self.replies
        let channel = self.channel
        let serverHostname = Self.serverHostname(host)
        try await channel.eventLoop.submit {
            guard !replies.value.hasUnreadInput else {
                throw SMTPTransportError.malformedReply("the server sent data before the TLS handshake")
            }
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: context, serverHostname: serverHostname), position: .first)
        }.get()
    }

    func close() {
        channel.close(promise: nil)
    }
}
