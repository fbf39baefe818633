import Foundation
import Hummingbird
import HummingbirdTesting
import PondCore
import PondTestSupport
import Testing

@Suite("Tracking API")
struct TrackingAPITests {
    @Test("a batch is committed before its 200, and a resend stores nothing new", arguments: TestBackend.available)
    func batchIsDurableAndIdempotent(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            let batch = body(["batch": [
                message(["type": "track", "event": "Viewed", "anonymousId": "a1", "messageId": "m1"]),
                message(["type": "identify", "userId": "u1", "anonymousId": "a1", "messageId": "m2"]),
            ]])
            let first = try await client.execute(uri: "/v1/batch", method: .post, headers: pond.basic, body: batch)
            #expect(first.status == .ok)
            #expect(first.json == ["success": true])
            #expect(try await pond.events() == 2)
            let again = try await client.execute(uri: "/v1/batch", method: .post, headers: pond.basic, body: batch)
            #expect(again.status == .ok)
            #expect(try await pond.events() == 2)
        }
    }

    @Test("the write key may come as Basic auth, X-Write-Key or writeKey in the body; other keys get 401",
          arguments: TestBackend.available)
    func writeKeySources(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            let track: [String: JSONValue] = ["event": "Viewed", "anonymousId": "a1"]
            #expect(try await client.execute(uri: "/v1/track", method: .post, headers: pond.basic, body: body(.object(track))).status == .ok)
            #expect(try await client.execute(uri: "/v1/track", method: .post, headers: [.init("X-Write-Key")!: pond.writeKey],
                                             body: body(.object(track))).status == .ok)
            var withKey = track
            withKey["writeKey"] = .string(pond.writeKey)
            #expect(try await client.execute(uri: "/v1/track", method: .post, body: body(.object(withKey))).status == .ok)

            let missing = try await client.execute(uri: "/v1/track", method: .post, body: body(.object(track)))
            #expect(missing.status == .unauthorized)
            #expect(missing.code == "missing_write_key")
            let adminAsWrite = try await client.execute(
                uri: "/v1/track", method: .post, headers: [.init("X-Write-Key")!: pond.adminKey], body: body(.object(track)))
            #expect(adminAsWrite.status == .unauthorized)
            #expect(adminAsWrite.code == "invalid_write_key")
            #expect(try await pond.events() == 3)
        }
    }

    @Test("a revoked write key is refused at once", arguments: TestBackend.available)
    func revokedKeyIsRefused(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            let track = body(["event": "Viewed", "anonymousId": "a1"])
            #expect(try await client.execute(uri: "/v1/track", method: .post, headers: pond.basic, body: track).status == .ok)
            let keys = try await client.execute(uri: "/api/v1/keys", method: .get, headers: pond.admin).json
            let writeID = try #require(keys["keys"]?.arrayValue?.first { $0["kind"] == "write" }?["id"]?.stringValue)
            let revoked = try await client.execute(uri: "/api/v1/keys/\(writeID)", method: .delete, headers: pond.admin)
            #expect(revoked.status == .ok)
            let after = try await client.execute(uri: "/v1/track", method: .post, headers: pond.basic, body: track)
            #expect(after.status == .unauthorized)
        }
    }

    @Test("gzip bodies are accepted; corrupt gzip, unknown encodings and decompression bombs are refused",
          arguments: TestBackend.available)
    func compressedBodies(backend: TestBackend) async throws {
        try await TestPond.run(on: backend, limits: .init(maximumBatchBytes: 64 * 1024)) { pond, client in
            var headers = pond.basic
            headers[.contentEncoding] = "gzip"
            let payload = JSONWriter.bytes(["batch": [message(["type": "track", "event": "Viewed", "anonymousId": "a1"])]])
            let ok = try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: ByteBuffer(bytes: try gzip(payload)))
            #expect(ok.status == .ok)
            let corrupt = try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: ByteBuffer(bytes: [0x1f, 0x8b, 1, 2, 3]))
            #expect(corrupt.status == .badRequest)
            let bomb = try gzip([UInt8](repeating: 0x20, count: 10 * 1024 * 1024))
            #expect(bomb.count < 64 * 1024)
            let bombed = try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: ByteBuffer(bytes: bomb))
            #expect(bombed.status == .contentTooLarge)
            headers[.contentEncoding] = "br"
            let brotli = try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: ByteBuffer(bytes: payload))
            #expect(brotli.status == .unsupportedMediaType)
            #expect(brotli.code == "unsupported_encoding")
            #expect(try await pond.events() == 1)
        }
    }

    @Test("bad input gets a coded 4xx, nothing is stored, and the server keeps serving", arguments: TestBackend.available, [
        (#"{"batch": [{"type":"track","event":"x","anonymousId":"a"}"#, "invalid_json"),
        (#"{"batch": [{"type":"track","event":"x","anonymousId":"a"}, {"type":"track","event":42,"anonymousId":"b"}]}"#, "invalid_message"),
        (#"{"batch": [{"type":"track","event":"x","userId":"null"}]}"#, "missing_identity"),
        (#"{"batch": [{"type":"unknown","anonymousId":"a"}]}"#, "invalid_message"),
        (#"{"batch": {"type":"track"}}"#, "invalid_message"),
        (#"[1,2,3]"#, "invalid_json"),
    ])
    func badInput(backend: TestBackend, input: (raw: String, code: String)) async throws {
        let (raw, code) = input
        try await TestPond.run(on: backend) { pond, client in
            let response = try await client.execute(uri: "/v1/batch", method: .post, headers: pond.basic, body: ByteBuffer(string: raw))
            #expect(response.status == .badRequest)
            #expect(response.code == code)
            #expect(response.json["message"]?.stringValue?.isEmpty == false)
            #expect(try await pond.events() == 0)
            let healthy = try await client.execute(
                uri: "/v1/track", method: .post, headers: pond.basic, body: body(["event": "x", "anonymousId": "a"]))
            #expect(healthy.status == .ok)
        }
    }

    @Test("invalid UTF-8 is refused with invalid_json", arguments: TestBackend.available)
    func invalidUTF8(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            var bytes = Array(#"{"event":"x","anonymousId":""#.utf8)
            bytes += [0xC3, 0x28]
            bytes += Array(#""}"#.utf8)
            let response = try await client.execute(uri: "/v1/track", method: .post, headers: pond.basic, body: ByteBuffer(bytes: bytes))
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_json")
        }
    }

    @Test("bodies and messages over the limits get 413", arguments: TestBackend.available)
    func sizeLimits(backend: TestBackend) async throws {
        try await TestPond.run(on: backend, limits: .init(maximumMessageBytes: 1024, maximumBatchBytes: 8 * 1024)) { pond, client in
            let big = String(repeating: "长", count: 600)
            let oneLarge = try await client.execute(
                uri: "/v1/track", method: .post, headers: pond.basic,
                body: body(["event": "x", "anonymousId": "a", "properties": ["note": .string(big)]]))
            #expect(oneLarge.status == .contentTooLarge)
            #expect(oneLarge.code == "message_too_large")
            let batch = body(["batch": .array((0..<200).map { i in message(["type": "track", "event": "x", "anonymousId": .string("a\(i)")]) })])
            let tooBig = try await client.execute(uri: "/v1/batch", method: .post, headers: pond.basic, body: batch)
            #expect(tooBig.status == .contentTooLarge)
            #expect(tooBig.code == "payload_too_large")
            #expect(try await pond.events() == 0)
        }
    }

    @Test("client clock skew is corrected with sentAt", arguments: TestBackend.available)
    func clockSkewCorrection(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            let now = pond.clock.now()
            // The client's clock runs 2 hours fast; the event happened 5 minutes before it was sent.
            let sentAt = now.adding(milliseconds: 2 * 3_600_000)
            let timestamp = sentAt.adding(milliseconds: -5 * 60_000)
            let response = try await client.execute(
                uri: "/v1/track", method: .post, headers: pond.basic,
                body: body(["event": "Viewed", "userId": "u1", "timestamp": .string(ISO8601.format(timestamp)),
                            "sentAt": .string(ISO8601.format(sentAt))]))
            #expect(response.status == .ok)
            await pond.runtime.stitcher.drain()
            let profile = try await client.execute(uri: "/api/v1/profiles?identity=user_id:u1", method: .get, headers: pond.admin)
            let id = try #require(profile.json["id"])
            let events = try await client.execute(uri: "/api/v1/profiles/\(id.path)/events", method: .get, headers: pond.admin).json
            let stored = try #require(events["events"]?.arrayValue?.first)
            #expect(stored["timestamp"]?.stringValue == ISO8601.format(now.adding(milliseconds: -5 * 60_000)))
            #expect(stored["originalTimestamp"]?.stringValue == ISO8601.format(timestamp))
        }
    }
}

/// gzip-compresses with the system's `gzip`, an independent implementation from the server's zlib inflate.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-c"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let writer = Thread {
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(data)
}
