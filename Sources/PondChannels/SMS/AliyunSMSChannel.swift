import AsyncHTTPClient
import Foundation
import NIOCore
import PondCore

/// Sends SMS through Aliyun's `SendSms` (API version 2017-05-25, RPC style, signature version 1.0), and reads
/// delivery reports through `QuerySendDetails`.
///
/// A message must name an approved template (`OutboundMessage.template`: `TemplateCode` and the `TemplateParam`
/// values); its `text` is what the template renders to, for Pond's own history, and is not sent. The idempotency
/// key goes as `OutId`, which Aliyun echoes in delivery reports. Aliyun does not promise to refuse a second
/// `SendSms` with the same `OutId`: a send retried after a lost answer can reach the phone twice, and `OutId` is
/// what lets the duplicate be found. Keeping in-process retries to failures that were *answered* (or never
/// connected) keeps that window small.
///
/// Answers are read by their `Code` (see `AliyunErrorCode`): `OK` with a `BizId` is acceptance; rate limits and
/// platform errors are transient; number, template, signature and account errors are permanent. A body that is
/// not Aliyun's JSON is transient — a proxy or load balancer answered instead.
public struct AliyunSMSChannel: DeliveryReportingChannel {
    public static let apiVersion = "2017-05-25"

    public let id: ChannelID
    private let configuration: AliyunSMSConfiguration
    private let httpClient: HTTPClient
    private let clock: any Clock
    private let nonce: @Sendable () -> String
    private let requestTimeout: TimeAmount

    public init(
        id: ChannelID = .sms, configuration: AliyunSMSConfiguration, httpClient: HTTPClient,
        clock: any Clock = SystemClock(), requestTimeout: Duration = .seconds(10),
        nonce: @escaping @Sendable () -> String = { UUID().uuidString }
    ) {
        self.id = id
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        self.nonce = nonce
        self.requestTimeout = TimeAmount(requestTimeout)
    }

    /// The signed parameters of the `SendSms` call for `message` (all but `Signature`): what the request carries,
    /// exposed for tests and for support (`Signature` is computed from these and the secret).
    public func sendParameters(for message: OutboundMessage, at now: Instant) throws(ChannelFailure) -> [String: String] {
        let phone = message.address.trimmingCharacters(in: .whitespaces)
        guard !phone.isEmpty, phone.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "+" || $0 == "-") }) else {
            throw .permanent(code: "invalid_address", reason: "an SMS goes to one phone number of digits")
        }
        guard let template = message.template, !template.code.isEmpty else {
            throw .permanent(
                code: "sms_template_required", reason: "Aliyun SMS sends only approved templates; the message names none")
        }
        var parameters = common(action: "SendSms", at: now)
        parameters["PhoneNumbers"] = phone
        parameters["SignName"] = configuration.signName
        parameters["TemplateCode"] = template.code
        if !template.parameters.isEmpty {
            parameters["TemplateParam"] = JSONWriter.string(.object(template.parameters.mapValues(JSONValue.string)))
        }
        parameters["OutId"] = message.idempotencyKey
        return parameters
    }

    public func send(_ message: OutboundMessage) async throws(ChannelFailure) -> ChannelReceipt {
        let now = clock.now()
        let answer = try await call(sendParameters(for: message, at: now))
        guard let bizID = answer["BizId"]?.stringValue, !bizID.isEmpty else {
            throw .transient(code: "malformed_response", reason: "Aliyun SMS answered OK without a BizId")
        }
        return ChannelReceipt(providerMessageID: bizID, acceptedAt: now)
    }

    public func deliveryStatus(of receipt: ChannelReceipt, for message: OutboundMessage) async throws(ChannelFailure)
        -> DeliveryStatus
    {
        // `SendDate` is the day of sending in Beijing time (UTC+8), as `yyyyMMdd`.
        let beijing = receipt.acceptedAt.adding(milliseconds: 8 * 3_600_000)
        let day = ISO8601.format(beijing).prefix(10).replacingOccurrences(of: "-", with: "")
        var parameters = common(action: "QuerySendDetails", at: clock.now())
        parameters["PhoneNumber"] = message.address.trimmingCharacters(in: .whitespaces)
        parameters["BizId"] = receipt.providerMessageID
        parameters["SendDate"] = day
        parameters["PageSize"] = "10"
        parameters["CurrentPage"] = "1"
        let answer = try await call(parameters)
        let details = answer["SmsSendDetailDTOs"]?["SmsSendDetailDTO"]?.arrayValue ?? []
        guard let detail = details.first(where: { $0["OutId"]?.stringValue == message.idempotencyKey }) ?? details.first
        else { return .pending }
        // SendStatus: 1 waiting for the operator's report, 2 failed, 3 delivered.
        switch detail["SendStatus"].flatMap(Self.integer) {
        case 3:
            let received = detail["ReceiveDate"]?.stringValue.flatMap {
                PondCore.ISO8601.parse($0, defaultOffsetSeconds: 8 * 3600)
            }
            return .delivered(at: received)
        case 2:
            return .failed(code: detail["ErrCode"]?.stringValue ?? "unknown")
        default:
            return .pending
        }
    }

    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let i): Int(i)
        case .string(let s): Int(s)
        default: nil
        }
    }

    private func common(action: String, at now: Instant) -> [String: String] {
        [
            "Action": action,
            "Version": Self.apiVersion,
            "Format": "JSON",
            "RegionId": configuration.regionId,
            "AccessKeyId": configuration.accessKeyId,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "SignatureNonce": nonce(),
            "Timestamp": Self.timestamp(now),
        ]
    }

    /// `2026-12-03T13:13:25Z`: ISO 8601 in UTC to the second, as the API asks.
    static func timestamp(_ instant: Instant) -> String {
        let text = ISO8601.format(instant)
        return String(text.prefix(19)) + "Z"
    }

    /// One signed `GET`; returns the answer's JSON object when its `Code` is `OK`, throws the mapped failure
    /// otherwise.
    private func call(_ parameters: [String: String]) async throws(ChannelFailure) -> JSONValue {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(
            url: base + "/?" + AliyunRPCSignature.signedQuery(parameters: parameters, secret: configuration.accessKeySecret))
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "x-sdk-client", value: "pond/1")

        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: requestTimeout)
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw HTTPOutcome.transportFailure(error, service: "Aliyun SMS")
        }
        guard let answer = try? JSONParser.parse(bytes.readableBytesView), let code = answer["Code"]?.stringValue
        else {
            throw .transient(
                code: (500...599).contains(status) ? "http_\(status)" : "malformed_response",
                reason: "Aliyun SMS answered HTTP \(status) without its JSON")
        }
        if code == "OK" { return answer }
        let message = AliyunErrorCode.ownWords[code]
            ?? HTTPOutcome.excerpt(answer["Message"]?.stringValue ?? "no message")
        switch AliyunErrorCode.meaning(of: code, httpStatus: status) {
        case .transient(let retryAfter):
            throw .transient(code: code, reason: "Aliyun SMS: \(message)", retryAfter: retryAfter)
        case .permanent:
            throw .permanent(code: code, reason: "Aliyun SMS: \(message)")
        }
    }
}
