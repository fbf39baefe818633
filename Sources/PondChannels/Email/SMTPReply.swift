/// One SMTP reply: a three-digit code and its text, one entry per line of a multi-line reply (`250-…` lines then
/// a `250 …` line, RFC 5321 §4.2.1).
struct SMTPReply: Sendable, Hashable {
    var code: Int
    var lines: [String]

    var isPositive: Bool { (200...399).contains(code) }
    var isTransientNegative: Bool { (400...499).contains(code) }

    /// The text for a failure reason: one line, bounded.
    var summary: String { HTTPOutcome.excerpt("\(code) " + lines.joined(separator: " / ")) }
}

/// What can go wrong below the level of replies.
enum SMTPTransportError: Error, Sendable {
    case timeout
    case connectionClosed
    /// The server said something that is not an SMTP reply, or a reply larger than any real server sends.
    case malformedReply(String)
}
