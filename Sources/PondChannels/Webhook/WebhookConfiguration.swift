/// A brand's own endpoint that receives each message as signed JSON (see `WebhookChannel`).
public struct WebhookConfiguration: Sendable, Hashable, Codable {
    /// `http` or `https`; plain `http` is accepted for endpoints on a private network, and the signature still
    /// protects the body.
    public var url: String
    /// The key of the HMAC-SHA256 signature the receiver checks (`WebhookSignature.verify`); at least 16 bytes.
    public var secret: Secret

    public init(url: String, secret: Secret) {
        self.url = url
        self.secret = secret
    }
}
