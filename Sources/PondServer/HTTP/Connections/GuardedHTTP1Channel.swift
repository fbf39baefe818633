import Foundation
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 channel with `ConnectionLimits` enforced around it: `SocketGuard` next to the socket
/// (connection cap, idle and header timeouts, which must see bytes before the HTTP decoder has a request to show)
/// and `MessageGuard` after the decoder (body timeout, protocol errors answered in JSON, responses that close
/// connections whose request was not read to its end, `nosniff`).
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    private let http1: HTTP1Channel
    private let limits: ConnectionLimits
    private let connections: ConnectionCount

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits) {
        http1 = HTTP1Channel(
            responder: responder, configuration: .init(additionalChannelHandlers: [MessageGuard()]))
        self.limits = limits
        connections = ConnectionCount()
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(
                SocketGuard(limits: limits, connections: connections), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }

    static func builder(limits: ConnectionLimits) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in GuardedHTTP1Channel(responder: responder, limits: limits) }
    }
}

/// Open connections across every event loop.
final class ConnectionCount: @unchecked Sendable {
    private let lock = NSLock()
    private var open = 0

    /// Counts a new connection; false if that makes more than `maximum`.
    func opened(maximum: Int) -> Bool {
        lock.withLock {
            open += 1
            return open <= maximum
        }
    }

    func closed() {
        lock.withLock { open -= 1 }
    }
}
