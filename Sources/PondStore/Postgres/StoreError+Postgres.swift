import PostgresNIO

extension StoreError {
    /// What the driver or the server reported, as a `StoreError.database` naming the SQLSTATE, the server's
    /// message and the statement — never the bound values, which may be personal data. The server's `DETAIL`
    /// (`Key (…)=(…) already exists`) is left out for the same reason, and so are quoted values in data-exception
    /// messages (class 22, such as `invalid input syntax for type bigint: "…"`).
    ///
    /// Errors that are not the driver's (cancellation, the caller's own) pass through unchanged.
    static func postgres(_ error: any Error, in sql: String?) -> any Error {
        guard let error = error as? PSQLError else { return error }
        let statement = sql.map { ", in: \($0.prefix(200))" } ?? ""
        guard error.code == .server, let info = error.serverInfo else {
            // Socket-level causes (refused, reset, TLS) help and carry no data; other underlying errors, such as a
            // message that failed to decode, might quote row bytes and are left out.
            let socketLevel: [PSQLError.Code] = [
                .connectionError, .serverClosedConnection, .clientClosedConnection, .failedToAddSSLHandler,
            ]
            let cause = socketLevel.contains(error.code) ? error.underlying.map { " (\($0))" } ?? "" : ""
            let description = "postgres \(error.code)\(cause)\(statement)"
            return socketLevel.contains(error.code) ? StoreError.unavailable(description) : StoreError.database(description)
        }
        let state = info[.sqlState] ?? "?????"
        var message = info[.message] ?? "no message"
        if state.hasPrefix("22") { message = redactingQuotedText(message) }
        let description = "SQLSTATE \(state): \(message)\(statement)"
        return isTransient(sqlState: state) ? StoreError.unavailable(description) : StoreError.database(description)
    }

    /// SQLSTATEs that describe the server's moment rather than the statement: connection exceptions (08),
    /// transaction rollbacks such as deadlocks and serialisation failures (40), insufficient resources (53),
    /// operator intervention such as a shutdown (57), system errors (58) and a lock not available (55P03).
    static func isTransient(sqlState state: String) -> Bool {
        ["08", "40", "53", "57", "58"].contains(String(state.prefix(2))) || state == "55P03"
    }

    private static func redactingQuotedText(_ message: String) -> String {
        var result = ""
        var inQuotes = false
        for character in message {
            if character == "\"" {
                if inQuotes { result += "…\"" } else { result.append(character) }
                inQuotes.toggle()
            } else if !inQuotes {
                result.append(character)
            }
        }
        return result
    }
}
