import NIOCore

/// Reads SMTP replies off the connection and hands them, in order, to whoever asked for the next one.
///
/// SMTP is strictly request–reply (the client does not pipeline here), so a queue of waiting promises matched to a
/// queue of complete replies is all the protocol needs. Lines end in CRLF (a bare LF is accepted); a reply of more
/// than 100 lines or a line longer than 4096 bytes ends the connection: no real server sends one, and reading it
/// would let a broken server make the client buffer without bound.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    static let maximumLineLength = 4096
    static let maximumLines = 100

    private var unread = ByteBuffer()
    private var partial: [String] = []
    private var partialCode: Int?
    private var replies: [SMTPReply] = []
    private var waiting: [EventLoopPromise<SMTPReply>] = []
    private var failure: (any Error)?

    /// Whether the server sent anything not yet asked for. After `STARTTLS` there must be nothing: bytes that
    /// arrived in plain text before the handshake would otherwise be read as if they came over TLS.
    var hasUnreadInput: Bool { unread.readableBytes > 0 || !partial.isEmpty || !replies.isEmpty }

    /// What ended the connection, if something did: a failed TLS handshake reaches the pipeline as an error, while
    /// the write that follows only sees a closed channel.
    var connectionFailure: (any Error)? { failure }

    func nextReply(_ promise: EventLoopPromise<SMTPReply>) {
        if !replies.isEmpty {
            promise.succeed(replies.removeFirst())
        } else if let failure {
            promise.fail(failure)
        } else {
            waiting.append(promise)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        unread.writeBuffer(&buffer)
        do {
            while let line = try nextLine() { try consume(line) }
            if unread.readableBytes > Self.maximumLineLength {
                throw SMTPTransportError.malformedReply("a reply line longer than \(Self.maximumLineLength) bytes")
            }
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPTransportError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        let waiters = waiting
        waiting = []
        for promise in waiters { promise.fail(failure ?? error) }
    }

    private func nextLine() throws -> String? {
        guard let newline = unread.readableBytesView.firstIndex(of: 0x0A) else { return nil }
        let length = newline - unread.readerIndex
        guard var bytes = unread.readBytes(length: length + 1) else { return nil }
        bytes.removeLast()
        if bytes.last == 0x0D { bytes.removeLast() }
        guard bytes.count <= Self.maximumLineLength else {
            throw SMTPTransportError.malformedReply("a reply line longer than \(Self.maximumLineLength) bytes")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func consume(_ line: String) throws {
        let utf8 = Array(line.utf8)
        guard utf8.count >= 3, utf8[0...2].allSatisfy({ (0x30...0x39).contains($0) }),
            utf8.count == 3 || utf8[3] == UInt8(ascii: " ") || utf8[3] == UInt8(ascii: "-")
        else {
            throw SMTPTransportError.malformedReply("not an SMTP reply: \(HTTPOutcome.excerpt(line, limit: 60))")
        }
        let code = Int(String(decoding: utf8[0...2], as: UTF8.self))!
        if let partialCode, partialCode != code {
            throw SMTPTransportError.malformedReply("a multi-line reply changed its code")
        }
        let text = utf8.count > 4 ? String(decoding: utf8[4...], as: UTF8.self) : ""
        partial.append(text)
        guard partial.count <= Self.maximumLines else {
            throw SMTPTransportError.malformedReply("a reply of more than \(Self.maximumLines) lines")
        }
        if utf8.count > 3, utf8[3] == UInt8(ascii: "-") {
            partialCode = code
            return
        }
        let reply = SMTPReply(code: code, lines: partial)
        partial = []
        partialCode = nil
        if waiting.isEmpty {
            replies.append(reply)
        } else {
            waiting.removeFirst().succeed(reply)
        }
    }
}
