import Hummingbird
import NIOCore
import NIOHTTP1

extension Request {
    /// The whole body, at most `limit` bytes; `tooLarge` is thrown for anything bigger.
    ///
    /// A declared `Content-Length` over the limit is refused before a byte is read (and `MessageGuard` then closes
    /// the connection instead of waiting for the rest). Only a body over the limit is too large: one the decoder
    /// cannot parse (a bad chunk size) is the client's malformed request, and one that goes silent has timed out.
    func collectBody(limit: Int, tooLarge: @autoclosure () -> any Error) async throws -> ByteBuffer {
        if let declared = headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge() }
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        } catch let error as HTTPParserError {
            throw APIError(.badRequest, .malformedRequest, "the request body is not valid HTTP/1.1: \(error)")
        } catch let error as BodyTimeout {
            throw APIError(.requestTimeout, .requestTimeout, "the request body went silent for \(error.seconds) s")
        }
    }
}
