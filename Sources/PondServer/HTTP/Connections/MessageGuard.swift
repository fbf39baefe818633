import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The HTTP side of a guarded connection (see `GuardedHTTP1Channel`), between the decoder and the framework.
///
/// - Moves `SocketGuard`'s phase along: a head starts the body timer, each body part re-arms it, the end stops it,
///   the end of the response starts the idle timer.
/// - Answers what never reaches a route in Pond's JSON shape instead of an empty 400: a request the decoder cannot
///   parse (conflicting lengths, a bad chunk size, headers over the limit), `TRACE`/`CONNECT` (405), a target with
///   an encoded NUL (which no backend can store).
/// - A response sent before its request was read to the end (an early 413) closes the connection, so the rest of
///   a body the server refused is never waited for.
/// - Every response says `X-Content-Type-Options: nosniff`.
final class MessageGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var socket: SocketGuard?
    private var requestEnded = true
    private var closeAfterResponse = false
    /// A request answered here; its remaining parts are dropped.
    private var refused = false

    func handlerAdded(context: ChannelHandlerContext) {
        socket = try? context.pipeline.syncOperations.handler(type: SocketGuard.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            requestEnded = false
            refused = false
            if let refusal = Self.refusal(of: head) {
                refused = true
                socket?.refuse(refusal)
                return
            }
            socket?.enter(.body)
        case .body:
            if refused { return }
            socket?.enter(.body)
        case .end:
            requestEnded = true
            if refused { return }
            socket?.enter(.answering)
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            return context.fireErrorCaught(error)
        }
        switch socket?.phase {
        case .idle?, .head?, nil:
            // No request reached the server: nobody else will answer.
            socket?.refuse(Self.refusal(parseError))
        case .body?, .answering?:
            // The server is reading this request's body: its read fails, it answers, and the connection closes.
            closeAfterResponse = true
            context.fireErrorCaught(error)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response):
            response.headerFields[.xContentTypeOptions] = "nosniff"
            if !requestEnded {
                closeAfterResponse = true
                response.headerFields[.connection] = "close"
            }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if closeAfterResponse {
                context.writeAndFlush(data).whenComplete { _ in context.close(promise: nil) }
                promise?.succeed()
            } else {
                context.write(data, promise: promise)
                socket?.enter(.idle)
            }
        }
    }

    /// Requests answered before any route sees them.
    private static func refusal(of head: HTTPRequest) -> RawErrorResponse? {
        if head.method == .trace || head.method == .connect {
            return RawErrorResponse(
                status: 405, code: "method_not_allowed", message: "\(head.method.rawValue) is not supported",
                allow: "GET, HEAD, POST, PUT, PATCH, DELETE")
        }
        if let path = head.path, path.utf8.contains(0) || path.lowercased().contains("%00") {
            return RawErrorResponse(
                status: 400, code: "invalid_text", message: "the request target contains U+0000 (%00), which Pond does not store")
        }
        return nil
    }

    private static func refusal(_ error: HTTPParserError) -> RawErrorResponse {
        if case .headerOverflow = error {
            return RawErrorResponse(
                status: 431, code: "headers_too_large", message: "the request line and headers are larger than the server accepts")
        }
        return RawErrorResponse(status: 400, code: "malformed_request", message: "the request is not valid HTTP/1.1: \(error)")
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
