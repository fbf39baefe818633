import Crypto
import Foundation

/// Signature version 1.0 of Aliyun's RPC-style APIs, the one `dysmsapi` uses.
///
/// As published: the parameters (all but `Signature`) are sorted by name, each name and value percent-encoded, and
/// joined as `name=value` with `&` into the canonicalized query string; the string to sign is
/// `<HTTP method>&%2F&<percent-encoded canonicalized query string>`; the signature is the base64 of its
/// HMAC-SHA1 under the key `AccessKeySecret + "&"`, and is itself sent percent-encoded as `Signature`.
public enum AliyunRPCSignature {
    /// Aliyun's percent-encoding: RFC 3986 unreserved characters (`A–Z a–z 0–9 - _ . ~`) stay, every other byte of
    /// the UTF-8 form becomes `%XX` with capital hex — so a space is `%20` (not `+`), `*` is `%2A` and `~` is left
    /// alone, which is where a URL encoder taken off the shelf usually differs.
    public static func percentEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x5F, 0x2E, 0x7E:
                out.append(byte)
            default:
                out.append(0x25)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The parameters sorted by name (byte order) and encoded as `name=value&…`.
    public static func canonicalizedQuery(_ parameters: [String: String]) -> String {
        parameters.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { percentEncode($0.key) + "=" + percentEncode($0.value) }
            .joined(separator: "&")
    }

    public static func stringToSign(method: String, parameters: [String: String]) -> String {
        method + "&" + percentEncode("/") + "&" + percentEncode(canonicalizedQuery(parameters))
    }

    /// The `Signature` value (not yet percent-encoded for the URL).
    public static func signature(method: String, parameters: [String: String], secret: Secret) -> String {
        let key = SymmetricKey(data: Array((secret.reveal() + "&").utf8))
        let code = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(stringToSign(method: method, parameters: parameters).utf8), using: key)
        return Data(code).base64EncodedString()
    }

    /// The full query string of a signed `GET`: the canonicalized query followed by `&Signature=…`.
    public static func signedQuery(parameters: [String: String], secret: Secret) -> String {
        canonicalizedQuery(parameters) + "&Signature="
            + percentEncode(signature(method: "GET", parameters: parameters, secret: secret))
    }
}
