import Hummingbird
import PondCore

enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value))))
    }
}

extension JSONValue {
    /// An object with `members` added (replacing members of the same name): a rendering plus what one endpoint
    /// says beside it.
    func adding(_ members: [String: JSONValue]) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object.merge(members) { _, new in new }
        return .object(object)
    }
}

extension Request {
    /// Reads a JSON object body for the management API, with a clear 400 on anything else.
    func jsonObject(limit: Int = 1 << 20) async throws -> [String: JSONValue] {
        let buffer = try await collectBody(
            limit: limit, tooLarge: APIError(.contentTooLarge, .payloadTooLarge, "request body is larger than \(limit) bytes"))
        if buffer.readableBytes == 0 { return [:] }
        do {
            guard case .object(let object) = try JSONParser.parse(buffer.readableBytesView) else {
                throw APIError(.badRequest, .invalidJSON, "body must be a JSON object")
            }
            return object
        } catch let error as JSONParser.Failure {
            let path = JSONPathLocator.path(to: error.offset, in: Array(buffer.readableBytesView))
            throw APIError(.badRequest, .invalidJSON, "body is not valid JSON: \(error)\(path.isEmpty ? "" : " (in \(path))")")
        }
    }

    func query(_ name: String) -> String? {
        uri.queryParameters.get(name)
    }

    func intQuery(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("'\(name)' must be an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    /// `?after=`: a non-negative cursor an endpoint returned earlier.
    func cursor() throws -> Int64? {
        try query("after").map { text in
            guard let value = Int64(text), value >= 0 else {
                throw APIError.badRequest("'after' must be a cursor returned by this endpoint")
            }
            return value
        }
    }

    /// A query parameter that must be one of `choices`: `nil` when absent and not `required`.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type, required: Bool) throws -> T?
    where T.RawValue == String {
        let words = T.allCases.map(\.rawValue).joined(separator: " or ")
        guard let text = query(name) else {
            if required { throw APIError.badRequest("'\(name)' is required: \(words)") }
            return nil
        }
        guard let value = T(rawValue: text) else { throw APIError.badRequest("'\(name)' must be \(words), got '\(text)'") }
        return value
    }
}

extension Instant {
    var json: JSONValue { .string(ISO8601.format(self)) }
}
