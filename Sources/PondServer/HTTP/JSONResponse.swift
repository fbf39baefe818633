import Hummingbird
import PondCore

enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value))))
    }
}

extension Request {
    /// Reads a JSON object body for the management API, with a clear 400 on anything else.
    func jsonObject(limit: Int = 1 << 20) async throws -> [String: JSONValue] {
        let buffer = try await collectBody(
            limit: limit, tooLarge: APIError(.contentTooLarge, "payload_too_large", "request body is larger than \(limit) bytes"))
        if buffer.readableBytes == 0 { return [:] }
        do {
            guard case .object(let object) = try JSONParser.parse(buffer.readableBytesView) else {
                throw APIError(.badRequest, "invalid_json", "body must be a JSON object")
            }
            return object
        } catch let error as JSONParser.Failure {
            let path = JSONPathLocator.path(to: error.offset, in: Array(buffer.readableBytesView))
            throw APIError(.badRequest, "invalid_json", "body is not valid JSON: \(error)\(path.isEmpty ? "" : " (in \(path))")")
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
}

extension Instant {
    var json: JSONValue { .string(ISO8601.format(self)) }
}
