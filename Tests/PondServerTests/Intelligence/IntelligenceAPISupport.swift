import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PondCore
import PondServer
import PondStore
import PondTestSupport
import Testing

/// The management API as the workspace's admin sees it, plus a way to feed tracking events in and let the
/// background work (stitching, then re-evaluation) catch up — in tests nothing runs in the background.
struct Console {
    let pond: TestPond
    let client: any TestClientProtocol

    /// The real application on a fresh database of `backend`, like `TestPond.run`, but without its background
    /// services: the test client would otherwise run the stitching and intelligence services, whose start-up sweep
    /// and once-a-second drain would race with what a test does. Tests call `settle()` instead.
    static func run(on backend: TestBackend, _ body: @Sendable (Console) async throws -> Void) async throws {
        try await TestPond.run(on: backend, stitching: false) { pond, client in
            try await body(Console(pond: pond, client: client))
        }
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: pond.admin)
    }

    func post(_ uri: String, _ value: JSONValue? = nil) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: pond.admin, body: value.map(body))
    }

    func put(_ uri: String, _ value: JSONValue) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .put, headers: pond.admin, body: body(value))
    }

    func delete(_ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .delete, headers: pond.admin)
    }

    /// Uploads a CSV file (`lines` joined with CRLF, as Excel writes them).
    func upload(_ uri: String, _ lines: [String]) async throws -> TestResponse {
        var headers = pond.admin
        headers[.contentType] = "text/csv; charset=utf-8"
        return try await client.execute(
            uri: uri, method: .post, headers: headers, body: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n"))
    }

    /// Sends messages through the tracking API with the write key, then stitches them and re-evaluates the profiles
    /// they touched, as the background services would.
    func send(_ messages: [JSONValue]) async throws {
        let response = try await client.execute(
            uri: "/v1/batch", method: .post, headers: pond.basic, body: body(["batch": .array(messages)]))
        #expect(response.status == .ok)
        await settle()
    }

    /// Lets stitching and re-evaluation finish what is queued.
    func settle() async {
        await pond.runtime.stitcher.drain()
        await pond.runtime.intelligence.drain()
    }

    func order(_ user: String, category: String, amount: Double, daysAgo: Int = 0) -> JSONValue {
        [
            "type": "track", "userId": .string(user), "event": "Order Completed", "messageId": .string(UUID().uuidString),
            "properties": ["category": .string(category), "revenue": .double(amount)],
            "timestamp": .string(ISO8601.format(pond.clock.now().adding(days: -daysAgo))),
        ]
    }

    func identify(_ user: String, phone: String? = nil, traits: [String: JSONValue] = [:], daysAgo: Int = 0) -> JSONValue {
        var traits = traits
        if let phone { traits["phone"] = .string(phone) }
        return [
            "type": "identify", "userId": .string(user), "messageId": .string(UUID().uuidString), "traits": .object(traits),
            "timestamp": .string(ISO8601.format(pond.clock.now().adding(days: -daysAgo))),
        ]
    }

    /// The root profile id of a customer by identity (`user_id:u1`, `phone:13800138000`).
    func profile(_ identity: String) async throws -> Int64 {
        let response = try await get("/api/v1/profiles?identity=\(identity)")
        guard case .int(let id)? = response.json["id"] else {
            Issue.record("no profile with \(identity): \(String(buffer: response.body))")
            throw CancellationError()
        }
        return id
    }

    func tagsOf(_ profile: Int64) async throws -> [String] {
        try await get("/api/v1/profiles/\(profile)/tags").json["tags"]?.arrayValue?.compactMap { $0["tag"]?.stringValue } ?? []
    }

    func segmentsOf(_ profile: Int64) async throws -> [String] {
        try await get("/api/v1/profiles/\(profile)/segments").json["segments"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            ?? []
    }

    func membersOf(_ segment: String) async throws -> [Int64] {
        try await get("/api/v1/segments/\(segment)/members?limit=1000").json["members"]?.arrayValue?.compactMap {
            if case .int(let id)? = $0["profileId"] { return id }
            return nil
        } ?? []
    }

    /// Defines tags (and a group for them) in one go.
    func defineTags(_ names: [String], group: String? = nil) async throws {
        if let group {
            #expect(try await post("/api/v1/tag-groups", ["name": .string(group)]).status == .created)
        }
        for name in names {
            var definition: [String: JSONValue] = ["name": .string(name)]
            if let group { definition["group"] = .string(group) }
            let response = try await post("/api/v1/tags", .object(definition))
            #expect(response.status == .created, "defining tag \(name): \(String(buffer: response.body))")
        }
    }
}

/// A tag name as it goes into a URL path.
func pathEncoded(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
}

extension TestResponse {
    /// The values of `key` in each element of the array `array`.
    func values(_ array: String, _ key: String) -> [JSONValue] {
        json[array]?.arrayValue?.compactMap { $0[key] } ?? []
    }
}

extension JSONValue {
    var int: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}
