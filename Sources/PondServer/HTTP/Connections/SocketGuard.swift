import NIOCore

/// The socket side of a guarded connection (see `GuardedHTTP1Channel`): counts it against the cap, and runs the
/// one timer a connection has, whose meaning follows the request's phase. `MessageGuard`, after the HTTP decoder,
/// moves the phase along as request parts arrive and responses leave.
final class SocketGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = IOData

    enum Phase {
        /// Waiting for the first byte of the next request.
        case idle
        /// A request's first bytes are in; its head is not complete.
        case head
        /// The head is in; its body is arriving.
        case body
        /// The request is read whole; the server is answering it.
        case answering
    }

    private let limits: ConnectionLimits
    private let connections: ConnectionCount
    private var counted = false
    /// Answered here and closing: what the client still sends is dropped.
    private var refused = false
    private(set) var phase = Phase.idle
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(limits: ConnectionLimits, connections: ConnectionCount) {
        self.limits = limits
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        counted = true
        guard connections.opened(maximum: limits.maximumConnections) else {
            context.fireChannelActive()
            refuse(
                RawErrorResponse(status: 503, code: "too_many_connections",
                      message: "the server has \(limits.maximumConnections) connections open; retry shortly",
                      retryAfter: 1))
            return
        }
        enter(.idle)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        if counted {
            counted = false
            connections.closed()
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        if phase == .idle { enter(.head) }
        context.fireChannelRead(data)
    }

    /// Moves to `phase` and arms its timer: idle, head and body phases are bounded, answering is not (the server
    /// is working).
    func enter(_ phase: Phase) {
        self.phase = phase
        timer?.cancel()
        timer = nil
        guard let context else { return }
        let timeout: Duration
        switch phase {
        case .idle: timeout = limits.idleTimeout
        case .head: timeout = limits.headerTimeout
        case .body: timeout = limits.bodyTimeout
        case .answering: return
        }
        timer = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [weak self] in self?.expired(phase) }
    }

    private func expired(_ phase: Phase) {
        guard phase == self.phase, let context else { return }
        switch phase {
        case .idle:
            context.close(promise: nil)
        case .head:
            refuse(
                RawErrorResponse(status: 408, code: "request_timeout",
                      message: "the request head did not arrive within \(limits.headerTimeout.seconds) s"))
        case .body:
            // The server is reading the body: it is told through its body stream, answers 408 itself, and
            // `MessageGuard` closes the connection after that answer. A server that does not answer is cut off.
            context.pipeline.fireErrorCaught(BodyTimeout(seconds: limits.bodyTimeout.seconds))
            timer = context.eventLoop.scheduleTask(in: .seconds(5)) { [weak self] in self?.context?.close(promise: nil) }
        case .answering:
            break
        }
    }

    /// Answers with `response` straight on the socket, past the HTTP encoder (no request may have been decoded),
    /// and closes the connection: the sending side first, so that a request the client already sent, unread,
    /// does not turn the close into a reset that destroys the answer before the client reads it.
    func refuse(_ response: RawErrorResponse) {
        guard let context, !refused else { return }
        refused = true
        timer?.cancel()
        let buffer = context.channel.allocator.buffer(bytes: response.bytes)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))).whenComplete { _ in
            context.close(mode: .output, promise: nil)
            self.timer = context.eventLoop.scheduleTask(in: .seconds(2)) { context.close(promise: nil) }
        }
    }
}

/// A request body that went silent for longer than `ConnectionLimits.bodyTimeout`.
struct BodyTimeout: Error {
    let seconds: Int64
}

extension Duration {
    /// Whole seconds, for messages.
    var seconds: Int64 { components.seconds }
}
