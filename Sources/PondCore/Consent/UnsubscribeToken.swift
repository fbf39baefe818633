import Crypto
import Foundation

/// The signed part of an unsubscribe link (`/u/<token>`) in a marketing message: which customer, on which channel,
/// withdraws marketing consent. A link is the customer's own action, so it must work without logging in — and
/// therefore must not be forgeable: anyone could otherwise unsubscribe anyone by editing a number.
///
/// `v1.<workspace>.<profile>.<channel>.<signature>`, the signature the first 16 bytes of HMAC-SHA256 over the rest
/// with the workspace's own link secret, base64url. It carries no personal data (a profile id, not a phone number)
/// and never expires: a customer may unsubscribe from a message years old.
public struct UnsubscribeToken: Sendable, Hashable {
    public var workspaceID: String
    public var profileID: Int64
    public var channel: ChannelID

    public init(workspaceID: String, profileID: Int64, channel: ChannelID) {
        self.workspaceID = workspaceID
        self.profileID = profileID
        self.channel = channel
    }

    public func signed(secret: SymmetricKey) -> String {
        let payload = "v1.\(workspaceID).\(profileID).\(channel.rawValue)"
        return payload + "." + Self.signature(payload, secret)
    }

    /// The workspace a token names, read before its secret is known (to look the secret up); nil for text that is
    /// not a token at all.
    public static func workspace(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "v1" else { return nil }
        return String(parts[1])
    }

    /// The token's claims when its signature is the secret's, nil otherwise (compared in constant time).
    public static func verify(_ token: String, secret: SymmetricKey) -> UnsubscribeToken? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "v1", let profile = Int64(parts[2]) else { return nil }
        let channel = ChannelID(String(parts[3]))
        guard channel.isWellFormed, !parts[1].isEmpty else { return nil }
        let payload = parts[0..<4].joined(separator: ".")
        let expected = Array(signature(payload, secret).utf8), given = Array(parts[4].utf8)
        guard expected.count == given.count else { return nil }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        guard difference == 0 else { return nil }
        return UnsubscribeToken(workspaceID: String(parts[1]), profileID: profile, channel: channel)
    }

    private static func signature(_ payload: String, _ secret: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: secret)
        return Data(Array(mac).prefix(16)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The replies that withdraw marketing consent on the channel they arrive on (回复 TD 退订): what Chinese SMS and
/// WeCom customers are told to send, and what they send unprompted.
public enum UnsubscribeKeywords {
    public static let words: Set<String> = ["TD", "T", "R", "N", "退订", "退", "取消订阅", "STOP", "UNSUBSCRIBE"]

    /// Whether a reply is one of the words, ignoring case, surrounding spaces and punctuation ("td。", " 退订！").
    public static func matches(_ reply: String) -> Bool {
        let trimmed = reply.unicodeScalars.filter {
            !CharacterSet.whitespacesAndNewlines.contains($0) && !CharacterSet.punctuationCharacters.contains($0)
        }
        let word = String(String.UnicodeScalarView(trimmed)).uppercased()
        return words.contains(word)
    }
}
