import PondCore

/// An error answer written as bytes, for the moments no request is there to answer through the framework: a
/// connection over the cap, a request head that timed out or could not be parsed. Same JSON shape as `APIError`.
struct RawErrorResponse {
    var status: Int
    var code: String
    var message: String
    var retryAfter: Int?
    /// The methods a 405 lists.
    var allow: String?

    init(status: Int, code: String, message: String, retryAfter: Int? = nil, allow: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.allow = allow
    }

    var bytes: [UInt8] {
        let body = JSONWriter.bytes(["code": .string(code), "message": .string(message)])
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        head += "Content-Type: application/json; charset=utf-8\r\n"
        head += "Content-Length: \(body.count)\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n"
        if let retryAfter { head += "Retry-After: \(retryAfter)\r\n" }
        if let allow { head += "Allow: \(allow)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }
}
