import Foundation
import Hummingbird
import PondCore
import PondEngine

/// Reading an uploaded CSV file: the body itself, optionally gzip- or deflate-compressed, within a size limit
/// before and after decompression.
enum CSVBody {
    /// `advice` completes the too-large message ("split the file", "import it with `pond import`").
    static func read(_ request: Request, limit: Int, advice: String) async throws -> ByteBuffer {
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces) ?? "identity"
        guard ["identity", "gzip", "x-gzip", "deflate"].contains(encoding) else {
            throw APIError(
                .unsupportedMediaType, .unsupportedEncoding, "Content-Encoding '\(encoding)' is not supported; use gzip or none")
        }
        let buffer = try await request.collectBody(
            limit: limit,
            tooLarge: APIError(.contentTooLarge, .payloadTooLarge, "the CSV is larger than \(limit >> 20) MB; \(advice)"))
        guard encoding != "identity" else { return buffer }
        do {
            return ByteBuffer(bytes: try Inflate.decompress(Array(buffer.readableBytesView), limit: limit))
        } catch .tooLarge {
            throw APIError(.contentTooLarge, .payloadTooLarge, "the decompressed CSV is larger than \(limit >> 20) MB")
        } catch {
            throw APIError(.badRequest, .invalidCSV, "the body is not valid \(encoding) data")
        }
    }

    /// An uploaded list of customers (`ProfileList`): `text/csv` in UTF-8, `?delimiter=comma|tab|semicolon`.
    static func list(_ request: Request) async throws -> (bytes: [UInt8], delimiter: CSVDelimiter) {
        try checkContentType(request)
        var delimiter = CSVDelimiter.comma
        if let name = request.query("delimiter") {
            guard let chosen = CSVDelimiter(name: name) else {
                throw APIError.badRequest("'delimiter' must be comma, tab or semicolon, got '\(name)'")
            }
            delimiter = chosen
        }
        let body = try await read(request, limit: ProfileList.maximumBytes, advice: "split the file")
        return (Array(body.readableBytesView), delimiter)
    }

    static func checkContentType(_ request: Request) throws {
        guard let contentType = request.headers[.contentType]?.lowercased() else { return }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let mediaType = parts.first ?? ""
        if mediaType == "application/json" || mediaType.hasPrefix("multipart/")
            || mediaType == "application/x-www-form-urlencoded"
        {
            throw APIError(
                .unsupportedMediaType, .unsupportedMediaType,
                "send the CSV file itself as the body with 'Content-Type: text/csv' (not \(mediaType))")
        }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard charset == "utf-8" || charset == "utf8" else {
                throw APIError(
                    .unsupportedMediaType, .unsupportedEncoding,
                    "CSV must be UTF-8, got charset=\(charset); save the file as \"CSV UTF-8\" or convert it "
                        + "with `iconv -f GB18030 -t UTF-8`")
            }
        }
    }
}
