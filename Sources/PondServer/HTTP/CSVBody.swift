import Hummingbird

/// Reading an uploaded CSV file: the body itself, optionally gzip- or deflate-compressed, within a size limit
/// before and after decompression.
enum CSVBody {
    /// `advice` completes the too-large message ("split the file", "import it with `pond import`").
    static func read(_ request: Request, limit: Int, advice: String) async throws -> ByteBuffer {
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces) ?? "identity"
        guard ["identity", "gzip", "x-gzip", "deflate"].contains(encoding) else {
            throw APIError(
                .unsupportedMediaType, "unsupported_encoding", "Content-Encoding '\(encoding)' is not supported; use gzip or none")
        }
        let buffer = try await request.collectBody(
            limit: limit,
            tooLarge: APIError(.contentTooLarge, "payload_too_large", "the CSV is larger than \(limit >> 20) MB; \(advice)"))
        guard encoding != "identity" else { return buffer }
        do {
            return ByteBuffer(bytes: try Inflate.decompress(Array(buffer.readableBytesView), limit: limit))
        } catch .tooLarge {
            throw APIError(.contentTooLarge, "payload_too_large", "the decompressed CSV is larger than \(limit >> 20) MB")
        } catch {
            throw APIError(.badRequest, "invalid_csv", "the body is not valid \(encoding) data")
        }
    }
}
