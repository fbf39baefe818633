import Foundation
import Crypto
import PondCore

/// How a webhook delivery proves it comes from Pond, and how a receiver checks it.
///
/// The sender signs `"<timestamp>.<body>"` with HMAC-SHA256 under the shared secret and sends
/// `Pond-Timestamp: <unix seconds>` and `Pond-Signature: v1=<hex>`. Signing the timestamp with the body means a
/// captured request cannot be replayed later with a fresh timestamp; the receiver refuses timestamps outside its
/// tolerance. `Pond-Signature` may list several `v1=` values separated by commas — one per secret while a secret is
/// being rotated — and one match is enough. Comparison is in constant time.
public enum WebhookSignature {
    public static let timestampHeader = "Pond-Timestamp"
    public static let signatureHeader = "Pond-Signature"
    public static let idempotencyKeyHeader = "Pond-Idempotency-Key"

    /// Why a request was refused, for the receiver's own logs.
    public enum Verification: Sendable, Hashable {
        case valid
        case missingHeader(String)
        case malformedTimestamp
        case outsideTolerance
        case mismatch
    }

    /// The `Pond-Signature` value for `body` sent at `timestamp` (unix seconds).
    public static func sign(body: some Sequence<UInt8>, timestamp: Int64, secret: Secret) -> String {
        "v1=" + hex(mac(body: body, timestamp: timestamp, secret: secret.reveal()))
    }

    /// Checks a received request: its raw body bytes as received (not re-serialised JSON), and its two headers.
    /// - Parameter tolerance: how far the timestamp may be from `now`, either way (clocks drift); 5 minutes by
    ///   default.
    public static func verify(
        body: some Sequence<UInt8>, timestamp: String?, signature: String?, secret: String, now: Instant,
        tolerance: Duration = .seconds(300)
    ) -> Verification {
        guard let timestamp else { return .missingHeader(timestampHeader) }
        guard let signature else { return .missingHeader(signatureHeader) }
        guard let seconds = Int64(timestamp.trimmingCharacters(in: .whitespaces)) else { return .malformedTimestamp }
        let skew = abs(now.millisecondsSinceEpoch / 1000 - seconds)
        guard skew <= tolerance.components.seconds else { return .outsideTolerance }
        let expected = mac(body: body, timestamp: seconds, secret: secret)
        for candidate in signature.split(separator: ",") {
            let part = candidate.trimmingCharacters(in: .whitespaces)
            guard part.hasPrefix("v1="), let given = unhex(part.dropFirst(3)) else { continue }
            if constantTimeEqual(given, expected) { return .valid }
        }
        return .mismatch
    }

    private static func mac(body: some Sequence<UInt8>, timestamp: Int64, secret: String) -> [UInt8] {
        var signed = Array("\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return Array(code)
    }

    /// `<prefix>_` and 24 hex digits of the SHA-256 of an idempotency key: an id that is the same on every retry,
    /// and safe to show where the key itself (which names Pond's internal jobs) should not appear.
    public static func stableID(_ prefix: String, for idempotencyKey: String) -> String {
        prefix + "_" + hex(SHA256.hash(data: Array(idempotencyKey.utf8)).prefix(12))
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func unhex(_ text: Substring) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let high = nibble(chars[i]), let low = nibble(chars[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
