import Foundation
import HTTPTypes
import Hummingbird
import PondCore
import PondEngine
import PondStore

/// The Segment-compatible tracking API: `POST /v1/batch`, `/v1/identify`, `/v1/track`, `/v1/page`,
/// `/v1/screen`, `/v1/group`, `/v1/alias`.
///
/// Success is always HTTP 200 with `{"success":true}`: the official Segment and RudderStack SDKs treat anything
/// else — even 204 — as a failure and send the batch again. A 200 is only written after the batch is committed.
struct TrackingController: Sendable {
    let parser: MessageParser
    let pipeline: IngestPipeline
    let keys: KeyCache
    let clock: any Clock

    static let writeKeyHeader = HTTPField.Name("X-Write-Key")!

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/batch") { request, _ in try await handle(request, type: nil) }
        for type in MessageType.allCases {
            router.post("/v1/\(type.rawValue)") { request, _ in try await handle(request, type: type) }
        }
    }

    func handle(_ request: Request, type: MessageType?) async throws -> Response {
        do {
            let headerKey = try Self.headerWriteKey(request)
            if let headerKey, try await keys.key(secret: headerKey)?.kind != .write {
                throw IngestError(.invalidWriteKey, "unknown or revoked write key")
            }
            let body = try await readBody(request)
            let parsed = try parser.parse(body: body, endpoint: type, receivedAt: clock.now())
            guard let secret = headerKey ?? parsed.writeKey, !secret.isEmpty else {
                throw IngestError(.missingWriteKey, "send the write key as Basic auth, 'X-Write-Key' or 'writeKey' in the body")
            }
            guard let key = try await keys.key(secret: secret), key.kind == .write else {
                throw IngestError(.invalidWriteKey, "unknown or revoked write key")
            }
            let events = parsed.messages.map { message in
                IncomingEvent(
                    workspaceID: key.workspaceID, source: key.source,
                    // Only `context.channel` names a touchpoint; the top-level `channel` that RudderStack SDKs set
                    // ("server", "web") names the library's kind and must not override the key's channel.
                    channel: message.contextChannel ?? key.channel,
                    message: message)
            }
            try await pipeline.submit(events)
            return JSONResponse.make(["success": true])
        } catch let error as IngestError {
            throw APIError(error)
        }
    }

    private func readBody(_ request: Request) async throws -> [UInt8] {
        let limit = parser.limits.maximumBatchBytes
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces) ?? "identity"
        guard ["identity", "gzip", "x-gzip", "deflate"].contains(encoding) else {
            throw IngestError(.unsupportedEncoding, "Content-Encoding '\(encoding)' is not supported; use gzip or none")
        }
        let buffer = try await request.collectBody(
            limit: limit, tooLarge: IngestError(.payloadTooLarge, "request body is larger than \(limit) bytes"))
        let raw = Array(buffer.readableBytesView)
        guard encoding != "identity" else { return raw }
        do {
            return try Inflate.decompress(raw, limit: limit)
        } catch .tooLarge {
            throw IngestError(.payloadTooLarge, "decompressed body is larger than \(limit) bytes")
        } catch {
            throw IngestError(.invalidJSON, "body is not valid \(encoding) data")
        }
    }

    /// The write key from `Authorization: Basic base64(key:)` or `X-Write-Key`, if either is present.
    static func headerWriteKey(_ request: Request) throws(IngestError) -> String? {
        if let header = request.headers[writeKeyHeader], !header.isEmpty { return header }
        guard let authorization = request.headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return nil }
        guard let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let decoded = String(data: data, encoding: .utf8)
        else { throw IngestError(.invalidWriteKey, "the Basic authorization header is not valid base64") }
        let user = decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return user.isEmpty ? nil : user
    }
}
