import Foundation

/// What one HTTP connection may take of the server: how many may be open, and how long each may sit silent.
///
/// Without these, connections that send nothing are kept for ever, and a client with a file descriptor per
/// connection can take every descriptor the process has (1,100 idle connections stopped `/healthz` behind a 1,024
/// limit). Each is a `pond serve` option.
public struct ConnectionLimits: Sendable {
    /// Connections open at once; one more is answered 503 `too_many_connections` and closed.
    public var maximumConnections: Int
    /// How long a connection may wait for the first byte of its next request (after opening, or after a response).
    public var idleTimeout: Duration
    /// How long a request head may take to arrive whole, once its first byte has: a client trickling headers
    /// (slowloris) is answered 408 `request_timeout` and closed.
    public var headerTimeout: Duration
    /// The longest silence while a request body is being received; then 408 `request_timeout`.
    public var bodyTimeout: Duration

    public init(
        maximumConnections: Int = 2_048, idleTimeout: Duration = .seconds(75), headerTimeout: Duration = .seconds(20),
        bodyTimeout: Duration = .seconds(30)
    ) {
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    /// Raises the process's open-file limit to what `maximumConnections` needs (plus room for the database and
    /// logs), up to the hard limit, and returns the connection cap that limit allows: never more connections than
    /// descriptors, or the process would fail to open its own files before the cap refused anyone.
    public func raisingFileLimit() -> ConnectionLimits {
        let reserve = 256
        var limit = rlimit()
        guard getrlimit(Self.nofile, &limit) == 0 else { return self }
        let wanted = rlim_t(maximumConnections + reserve)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = min(wanted, limit.rlim_max)
            if setrlimit(Self.nofile, &raised) == 0 { limit = raised }
        }
        var adjusted = self
        adjusted.maximumConnections = max(1, min(maximumConnections, Int(limit.rlim_cur) - reserve))
        return adjusted
    }

    #if os(Linux)
    private static let nofile = Int32(RLIMIT_NOFILE.rawValue)
    #else
    private static let nofile = RLIMIT_NOFILE
    #endif
}
