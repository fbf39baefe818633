import PondChannels
import PondCore
import Testing

@Suite struct WebhookSignatureTests {
    let secret = "whsec-0123456789abcdef"
    let body = Array(#"{"id":"msg_1","text":"您好"}"#.utf8)
    let now = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
    var timestamp: Int64 { now.millisecondsSinceEpoch / 1000 }

    @Test func aSignatureVerifiesForTheBodyItSigned() {
        let signature = WebhookSignature.sign(body: body, timestamp: timestamp, secret: Secret(secret))
        #expect(signature.hasPrefix("v1="))
        #expect(signature.count == 3 + 64)
        #expect(WebhookSignature.verify(
            body: body, timestamp: String(timestamp), signature: signature, secret: secret, now: now) == .valid)
    }

    @Test func aChangedBodyTimestampOrSecretDoesNotVerify() {
        let signature = WebhookSignature.sign(body: body, timestamp: timestamp, secret: Secret(secret))
        var tampered = body
        tampered[tampered.count - 2] ^= 0x01
        #expect(WebhookSignature.verify(
            body: tampered, timestamp: String(timestamp), signature: signature, secret: secret, now: now) == .mismatch)
        #expect(WebhookSignature.verify(
            body: body, timestamp: String(timestamp + 1), signature: signature, secret: secret, now: now) == .mismatch)
        #expect(WebhookSignature.verify(
            body: body, timestamp: String(timestamp), signature: signature, secret: secret + "x", now: now) == .mismatch)
    }

    @Test func aTimestampOutsideTheToleranceIsRefusedEvenWithAValidSignature() {
        let old = timestamp - 301
        let signature = WebhookSignature.sign(body: body, timestamp: old, secret: Secret(secret))
        #expect(WebhookSignature.verify(
            body: body, timestamp: String(old), signature: signature, secret: secret, now: now) == .outsideTolerance)
        #expect(WebhookSignature.verify(
            body: body, timestamp: String(old), signature: signature, secret: secret, now: now,
            tolerance: .seconds(600)) == .valid)
    }

    @Test func oneMatchingValueAmongSeveralIsEnoughWhileASecretIsRotated() {
        let old = WebhookSignature.sign(body: body, timestamp: timestamp, secret: Secret("previous-secret-value"))
        let current = WebhookSignature.sign(body: body, timestamp: timestamp, secret: Secret(secret))
        #expect(WebhookSignature.verify(
            body: body, timestamp: String(timestamp), signature: "\(old), \(current)", secret: secret, now: now) == .valid)
    }

    @Test func missingOrMalformedHeadersAreNamed() {
        #expect(WebhookSignature.verify(body: body, timestamp: nil, signature: "v1=00", secret: secret, now: now)
            == .missingHeader("Pond-Timestamp"))
        #expect(WebhookSignature.verify(body: body, timestamp: "1", signature: nil, secret: secret, now: now)
            == .missingHeader("Pond-Signature"))
        #expect(WebhookSignature.verify(body: body, timestamp: "soon", signature: "v1=00", secret: secret, now: now)
            == .malformedTimestamp)
        #expect(WebhookSignature.verify(
            body: body, timestamp: String(timestamp), signature: "v1=not-hex", secret: secret, now: now) == .mismatch)
    }
}
