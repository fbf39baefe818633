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
            return StoreError.database("postgres \(error.code)\(cause)\(statement)")
        }
        let state = info[.sqlState] ?? "?????"
        var message = info[.message] ?? "no message"
        if state.hasPrefix("22") { message = redactingQuotedText(message) }
        return StoreError.database("SQLSTATE \(state): \(message)\(statement)")
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
