/// An SMTP relay (the brand's own, or a provider's such as 阿里云邮件推送 or Tencent Exmail) that Pond submits email to.
public struct SMTPConfiguration: Sendable, Hashable, Codable {
    /// How the connection is protected.
    /// - `none`: plain TCP, for a relay on the same host or private network.
    /// - `starttls`: plain TCP upgraded with `STARTTLS` before anything else is said (submission, port 587). If the
    ///   server does not offer `STARTTLS` the send fails: falling back to plain text would let anyone on the path
    ///   strip the offer and read the password.
    /// - `tls`: TLS from the first byte (port 465).
    public enum Security: String, Sendable, Hashable, Codable, CaseIterable {
        case none
        case starttls
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// Both or neither: with them the client authenticates with `AUTH PLAIN` (or `AUTH LOGIN` if that is all the
    /// server offers).
    public var username: String?
    public var password: Secret?
    /// The sender, `noreply@example.com` or `品牌 <noreply@example.com>`; its domain also names the `Message-ID`s.
    public var from: String
    public var replyTo: String?
    /// The name the client gives in `EHLO`; the sender's domain when not set.
    public var heloName: String?
    /// PEM certificates to trust besides the system's, for a relay with a certificate of a private CA.
    public var trustedCertificatesPEM: String?

    public init(
        host: String, port: Int, security: Security = .starttls, username: String? = nil, password: Secret? = nil,
        from: String, replyTo: String? = nil, heloName: String? = nil, trustedCertificatesPEM: String? = nil
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.replyTo = replyTo
        self.heloName = heloName
        self.trustedCertificatesPEM = trustedCertificatesPEM
    }
}
