import Foundation
import NIOSSL
import PondCore

/// A configured channel, as stored and as the management API sends it: a JSON object whose `type` names the kind.
///
/// ```json
/// {"type": "sandbox"}
/// {"type": "webhook", "url": "https://hooks.example.com/pond", "secret": "…"}
/// {"type": "smtp", "host": "smtp.example.com", "port": 587, "security": "starttls",
///  "username": "…", "password": "…", "from": "品牌 <noreply@example.com>"}
/// {"type": "sms_aliyun", "accessKeyId": "…", "accessKeySecret": "…", "signName": "品牌", "regionId": "cn-hangzhou"}
/// ```
///
/// `parse` validates everything a send would otherwise fail on later, so a bad configuration is refused when it is
/// saved, with the member at fault; `json` is the full form to store (secrets included), `redacted()` the form to
/// show, where every secret is `"set"` or `null`.
public enum ChannelConfiguration: Sendable, Hashable, Codable {
    case sandbox(SandboxConfiguration)
    case webhook(WebhookConfiguration)
    case smtp(SMTPConfiguration)
    case aliyunSMS(AliyunSMSConfiguration)

    /// Every `type` value, for documentation and error messages.
    public static let types = ["sandbox", "webhook", "smtp", "sms_aliyun"]

    public var type: String {
        switch self {
        case .sandbox: "sandbox"
        case .webhook: "webhook"
        case .smtp: "smtp"
        case .aliyunSMS: "sms_aliyun"
        }
    }

    /// The channel the configuration serves in dispatch rules and consent.
    public var channelID: ChannelID {
        switch self {
        case .sandbox: .sandbox
        case .webhook: .webhook
        case .smtp: .email
        case .aliyunSMS: .sms
        }
    }

    public static func parse(_ json: JSONValue) throws(ChannelConfigurationError) -> ChannelConfiguration {
        guard case .object(let members) = json else {
            throw ChannelConfigurationError(.invalidConfig, path: "", "a channel configuration is a JSON object")
        }
        guard let type = members["type"]?.stringValue else {
            throw ChannelConfigurationError(.invalidConfig, path: "type", "is required: one of \(types.joined(separator: ", "))")
        }
        var reader = ConfigurationReader(members)
        let configuration: ChannelConfiguration
        switch type {
        case "sandbox":
            configuration = .sandbox(SandboxConfiguration())
        case "webhook":
            configuration = .webhook(try parseWebhook(&reader))
        case "smtp":
            configuration = .smtp(try parseSMTP(&reader))
        case "sms_aliyun":
            configuration = .aliyunSMS(try parseAliyun(&reader))
        default:
            throw ChannelConfigurationError(
                .unknownType, path: "type", "unknown channel type; one of \(types.joined(separator: ", "))")
        }
        try reader.finish()
        return configuration
    }

    private static func invalid(_ path: String, _ message: String) -> ChannelConfigurationError {
        ChannelConfigurationError(.invalidConfig, path: path, message)
    }

    private static func httpURL(_ text: String, at path: String) throws(ChannelConfigurationError) -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty, !text.contains(" ")
        else { throw invalid(path, "must be an http or https URL") }
        return text
    }

    private static func parseWebhook(_ reader: inout ConfigurationReader) throws(ChannelConfigurationError)
        -> WebhookConfiguration
    {
        let url = try httpURL(try reader.string("url"), at: "url")
        let secret = try reader.secret("secret")
        guard secret.reveal().utf8.count >= 16 else { throw invalid("secret", "must be at least 16 bytes") }
        return WebhookConfiguration(url: url, secret: secret)
    }

    private static func parseSMTP(_ reader: inout ConfigurationReader) throws(ChannelConfigurationError)
        -> SMTPConfiguration
    {
        let host = try reader.string("host")
        guard host.allSatisfy({ !$0.isWhitespace }) else { throw invalid("host", "must be a host name or address") }
        let security: SMTPConfiguration.Security
        if let text = try reader.optionalString("security") {
            guard let value = SMTPConfiguration.Security(rawValue: text) else {
                throw invalid("security", "one of none, starttls, tls")
            }
            security = value
        } else {
            security = .starttls
        }
        let defaultPort = switch security {
        case .none: 25
        case .starttls: 587
        case .tls: 465
        }
        let port = try reader.optionalInt("port", in: 1...65535) ?? defaultPort
        let username = try reader.optionalString("username")
        let password = try reader.optionalSecret("password")
        if (username == nil) != (password == nil) {
            throw invalid(username == nil ? "username" : "password", "username and password go together")
        }
        let from = try reader.string("from")
        guard MailAddress(parsing: from) != nil else {
            throw invalid("from", "must be an address such as noreply@example.com or Name <noreply@example.com>")
        }
        let replyTo = try reader.optionalString("replyTo")
        if let replyTo, MailAddress(parsing: replyTo) == nil { throw invalid("replyTo", "must be an email address") }
        let heloName = try reader.optionalString("heloName")
        if let heloName, heloName.isEmpty || heloName.contains(where: { $0.isWhitespace }) {
            throw invalid("heloName", "must be a host name")
        }
        let pem = try reader.optionalString("trustedCertificatesPEM")
        if let pem {
            guard security != .none else { throw invalid("trustedCertificatesPEM", "needs security starttls or tls") }
            guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)), !certificates.isEmpty else {
                throw invalid("trustedCertificatesPEM", "must hold PEM certificates")
            }
        }
        return SMTPConfiguration(
            host: host, port: port, security: security, username: username, password: password, from: from,
            replyTo: replyTo, heloName: heloName, trustedCertificatesPEM: pem)
    }

    private static func parseAliyun(_ reader: inout ConfigurationReader) throws(ChannelConfigurationError)
        -> AliyunSMSConfiguration
    {
        let baseURL = try httpURL(
            try reader.optionalString("baseURL") ?? AliyunSMSConfiguration.defaultBaseURL, at: "baseURL")
        return AliyunSMSConfiguration(
            baseURL: baseURL, accessKeyId: try reader.string("accessKeyId"),
            accessKeySecret: try reader.secret("accessKeySecret"), signName: try reader.string("signName"),
            regionId: try reader.optionalString("regionId") ?? "cn-hangzhou")
    }

    /// The full form, secrets included: what the store keeps. Never send it to a client.
    public var json: JSONValue { document(revealing: true) }

    /// The form to show: every secret replaced by `"set"` (or `null` when there is none).
    public func redacted() -> JSONValue { document(revealing: false) }

    private func document(revealing: Bool) -> JSONValue {
        func secret(_ value: Secret?) -> JSONValue {
            guard let value else { return .null }
            return .string(revealing ? value.reveal() : "set")
        }
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        switch self {
        case .sandbox:
            return ["type": "sandbox"]
        case .webhook(let c):
            return ["type": "webhook", "url": .string(c.url), "secret": secret(c.secret)]
        case .smtp(let c):
            return [
                "type": "smtp", "host": .string(c.host), "port": .int(Int64(c.port)),
                "security": .string(c.security.rawValue), "username": optional(c.username),
                "password": secret(c.password), "from": .string(c.from), "replyTo": optional(c.replyTo),
                "heloName": optional(c.heloName), "trustedCertificatesPEM": optional(c.trustedCertificatesPEM),
            ]
        case .aliyunSMS(let c):
            return [
                "type": "sms_aliyun", "baseURL": .string(c.baseURL), "accessKeyId": .string(c.accessKeyId),
                "accessKeySecret": secret(c.accessKeySecret), "signName": .string(c.signName),
                "regionId": .string(c.regionId),
            ]
        }
    }

    public init(from decoder: any Decoder) throws {
        self = try Self.parse(try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
