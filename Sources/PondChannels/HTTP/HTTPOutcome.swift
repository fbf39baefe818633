import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// The one reading of HTTP answers and transport errors that the HTTP channels share.
enum HTTPOutcome {
    /// 408, 429 and every 5xx are worth another try; the rest of 4xx (and redirects, which a signed request must
    /// not follow) are not.
    static func isTransient(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// `Retry-After` as delta-seconds (RFC 9110 §10.2.3). The HTTP-date form is read as no hint: the backoff then
    /// applies, which errs towards trying sooner, and the engine's own schedule takes over after the attempts.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces),
            let seconds = Int64(value), seconds >= 0
        else { return nil }
        return .seconds(min(seconds, 86_400))
    }

    /// A transport failure (nothing, or nothing whole, came back) as a transient channel failure. The reason names
    /// the kind of error only: error descriptions of HTTP libraries may include the request's URL, and a URL can
    /// carry signed query parameters.
    static func transportFailure(_ error: any Error, service: String) -> ChannelFailure {
        if let failure = error as? ChannelFailure { return failure }
        let kind: String
        if let error = error as? HTTPClientError {
            if error == .connectTimeout || error == .readTimeout || error == .deadlineExceeded {
                return .transient(code: "timeout", reason: "\(service) did not answer in time")
            }
            if error == .cancelled {
                return .transient(code: "cancelled", reason: "the request to \(service) was cancelled")
            }
            kind = "\(error)"
        } else if error is NIOConnectionError || error is IOError || error is ChannelError {
            kind = "could not connect or the connection dropped"
        } else {
            kind = String(describing: type(of: error))
        }
        return .transient(code: "network_error", reason: "\(service): \(kind)")
    }

    /// Text from a provider's answer made safe to keep: one line, bounded length.
    static func excerpt(_ text: String, limit: Int = 200) -> String {
        let line = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }
}
