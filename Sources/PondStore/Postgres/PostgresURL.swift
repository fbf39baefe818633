import Foundation
import PostgresNIO

/// A `postgres://user[:password]@host[:port]/database[?sslmode=…]` connection URL, as libpq reads it.
///
/// Only the subset Pond needs is understood: `sslmode`, plus `application_name` and `options` (libpq's way to set
/// server settings such as `-c search_path=…`), which are sent as startup parameters. Other libpq parameters are
/// reported in `ignoredParameters` rather than rejected, so a URL copied from a hosting console still works.
///
/// The password never appears in `description` or in any error, so the value is safe to log.
struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is encrypted; the names and meanings are libpq's `sslmode`.
    enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or no connection, without checking the certificate: protects against eavesdropping, not against a
        /// server impersonating the database. Exactly libpq's `require`.
        case require
        /// TLS with the certificate checked against the system's trusted authorities and the host name.
        case verifyFull = "verify-full"
    }

    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String?
    var tls: TLSMode
    var startupParameters: [String: String]
    var ignoredParameters: [String]

    init(_ string: String) throws {
        let (scheme, afterScheme) = try Self.splitScheme(string)
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError.invalidURL("scheme must be postgres:// or postgresql://, not \(scheme)://")
        }

        var rest = Substring(afterScheme)
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring?
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if authorityEnd < rest.endIndex { path = rest[rest.index(after: authorityEnd)...] }
        let authority = rest[..<authorityEnd]

        // The password may itself contain "@" when not percent-encoded; the host never does.
        guard let at = authority.lastIndex(of: "@") else {
            throw StoreError.invalidURL("a user is required: postgres://user[:password]@host[:port]/database")
        }
        let userInfo = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]
        if let colon = userInfo.firstIndex(of: ":") {
            user = try Self.decode(userInfo[..<colon], "user")
            password = try Self.decode(userInfo[userInfo.index(after: colon)...], "password")
        } else {
            user = try Self.decode(userInfo, "user")
            password = nil
        }
        guard !user.isEmpty else {
            throw StoreError.invalidURL("a user is required: postgres://user[:password]@host[:port]/database")
        }

        (host, port) = try Self.parseHostPort(hostPort)
        if let path, !path.isEmpty {
            let name = try Self.decode(path, "database name")
            guard !name.contains("/") else { throw StoreError.invalidURL("the database name must not contain '/'") }
            database = name
        } else {
            database = nil
        }

        tls = Self.isLoopback(host) ? .disable : .prefer
        startupParameters = [:]
        ignoredParameters = []
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(parts[0], "parameter name")
            let value = parts.count > 1 ? try Self.decode(parts[1], "value of \(key)") : ""
            switch key {
            case "sslmode":
                switch value {
                case "allow", "prefer": tls = .prefer
                case "verify-ca":
                    throw StoreError.invalidURL("sslmode=verify-ca is not supported; use verify-full or require")
                default:
                    guard let mode = TLSMode(rawValue: value) else {
                        let known = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                        throw StoreError.invalidURL("sslmode must be one of \(known), not '\(value)'")
                    }
                    tls = mode
                }
            case "application_name", "options":
                startupParameters[key] = value
            default:
                ignoredParameters.append(key)
            }
        }
    }

    /// The URL with the password replaced, for logs and messages.
    var description: String {
        let credentials = password == nil ? user : "\(user):***"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(credentials)@\(hostPart):\(port)/\(database ?? "")?sslmode=\(tls.rawValue)"
    }

    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: clientTLS())
        configuration.options.additionalStartupParameters = startupParameters.sorted { $0.key < $1.key }
            .map { ($0.key, $0.value) }
        return configuration
    }

    /// The same settings for a single connection outside the pool.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch (self.tls, tlsConfiguration()) {
        case (.disable, _), (_, nil): tls = .disable
        case (.prefer, let configuration?): tls = .prefer(try NIOSSLContext(configuration: configuration))
        case (_, let configuration?): tls = .require(try NIOSSLContext(configuration: configuration))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.additionalStartupParameters = startupParameters.sorted { $0.key < $1.key }
            .map { ($0.key, $0.value) }
        return configuration
    }

    private func clientTLS() -> PostgresClient.Configuration.TLS {
        switch (tls, tlsConfiguration()) {
        case (.disable, _), (_, nil): return .disable
        case (.prefer, let configuration?): return .prefer(configuration)
        case (_, let configuration?): return .require(configuration)
        }
    }

    /// `prefer` and `require` encrypt without checking the certificate, as libpq does; `verify-full` checks it.
    private func tlsConfiguration() -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyFull: break
        }
        return configuration
    }

    private static func splitScheme(_ string: String) throws -> (String, Substring) {
        guard let range = string.range(of: "://") else {
            throw StoreError.invalidURL("expected postgres://user[:password]@host[:port]/database")
        }
        return (string[..<range.lowerBound].lowercased(), string[range.upperBound...])
    }

    private static func parseHostPort(_ hostPort: Substring) throws -> (String, Int) {
        let host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            // An IPv6 literal: [::1]:5432
            guard let close = hostPort.firstIndex(of: "]") else {
                throw StoreError.invalidURL("unterminated IPv6 address in host")
            }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw StoreError.invalidURL("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        guard !host.isEmpty else { throw StoreError.invalidURL("a host is required") }
        let name = try decode(host, "host")
        guard let portText else { return (name, 5432) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw StoreError.invalidURL("port must be a number from 1 to 65535, not '\(portText)'")
        }
        return (name, port)
    }

    private static func decode(_ part: Substring, _ what: String) throws -> String {
        guard let decoded = String(part).removingPercentEncoding else {
            // Never echo the part itself: it may be the password.
            throw StoreError.invalidURL("the \(what) has an invalid percent-encoding")
        }
        return decoded
    }

    private static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
