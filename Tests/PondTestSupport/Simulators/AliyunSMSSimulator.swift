import Crypto
import Foundation
import Hummingbird
import NIOCore
import PondCore
import Synchronization

/// A stand-in for Aliyun's SMS endpoint (`dysmsapi`, API version 2017-05-25) that follows the published API:
/// `SendSms` and `QuerySendDetails` as signed `GET`s with the RPC signature version 1.0, answered with Aliyun's own
/// codes and HTTP statuses.
///
/// It checks the request the way Aliyun does — its own percent-encoding and HMAC-SHA1, written here apart from the
/// client's so the two are held to the published rules, not to each other — and refuses with
/// `InvalidAccessKeyId.NotFound` (404), `SignatureDoesNotMatch` (400, echoing the string it signed, as Aliyun does),
/// `SignatureNonceUsed`, `MissingParameter`; then the message, with HTTP 200 and `isv.MOBILE_NUMBER_ILLEGAL`,
/// `isv.SMS_SIGNATURE_ILLEGAL`, `isv.SMS_TEMPLATE_ILLEGAL`, `isv.TEMPLATE_MISSING_PARAMETERS`,
/// `isv.INVALID_JSON_PARAM`, and `isv.BUSINESS_LIMIT_CONTROL` once a number has had `perNumberLimit` messages.
///
/// Accepted messages are recorded, and a second `SendSms` with an `OutId` already accepted answers with the first
/// `BizId` and records nothing: a convenience of the simulator (Aliyun itself promises no such thing), so tests can
/// tell a retried send from a duplicated one. Faults can be queued to answer the next requests instead.
public final class AliyunSMSSimulator: Sendable {
    public struct SentMessage: Sendable, Hashable {
        public var phoneNumber: String
        public var signName: String
        public var templateCode: String
        public var templateParameters: [String: String]
        public var outId: String?
        public var bizId: String
    }

    public enum Fault: Sendable, Hashable {
        /// Accept the connection and answer nothing for this long.
        case hang(Duration)
        /// Answer with this HTTP status and an HTML error page, as a load balancer in front of the API would.
        case httpStatus(Int)
        /// Answer 200 with a body that is not JSON.
        case malformedBody
        /// Answer with one of Aliyun's codes (HTTP 200, as for the `isv.` codes), e.g. `isp.SYSTEM_ERROR`.
        case code(String)
    }

    public let accessKeyId: String
    public let accessKeySecret: String
    public let signNames: Set<String>
    /// Approved templates and the variables each needs.
    public let templates: [String: Set<String>]
    public let perNumberLimit: Int

    private struct State {
        var faults: [Fault] = []
        var accepted: [SentMessage] = []
        var bizIdByOutId: [String: String] = [:]
        var nonces: Set<String> = []
        var requests = 0
        var deliveryFailures: [String: String] = [:]
        var requestWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    public init(
        accessKeyId: String = "LTAI-test-key", accessKeySecret: String = "test-secret-不可外泄",
        signNames: Set<String> = ["池塘"], templates: [String: Set<String>] = ["SMS_100001": ["code"], "SMS_100002": []],
        perNumberLimit: Int = 5
    ) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.signNames = signNames
        self.templates = templates
        self.perNumberLimit = perNumberLimit
    }

    /// Queues `fault` to answer the next `times` requests.
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults.append(contentsOf: Array(repeating: fault, count: times)) }
    }

    /// Makes the operator report a failure (`ErrCode`) for messages to `phoneNumber`.
    public func failDeliveries(to phoneNumber: String, errorCode: String) {
        state.withLock { $0.deliveryFailures[phoneNumber] = errorCode }
    }

    public var accepted: [SentMessage] { state.withLock { $0.accepted } }
    /// Requests received, faults and refusals included.
    public var requestCount: Int { state.withLock { $0.requests } }

    /// Returns once `count` requests have arrived (faults included): a test that needs a request to be in flight
    /// waits for it here instead of sleeping.
    public func waitForRequests(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let arrived = state.withLock { state in
                if state.requests >= count { return true }
                state.requestWaiters.append((count, continuation))
                return false
            }
            if arrived { continuation.resume() }
        }
    }

    /// Runs the simulator for the duration of `body`, which gets its base URL.
    public func run<T: Sendable>(_ body: (_ baseURL: String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("/") { [self] request, _ -> Response in
            try await self.respond(to: request.uri.query ?? "")
        }
        return try await LocalHTTPServer.run(router, body)
    }

    func respond(to rawQuery: String) async throws -> Response {
        let (fault, woken): (Fault?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            state.requests += 1
            let requests = state.requests
            let woken = state.requestWaiters.filter { $0.count <= requests }.map(\.continuation)
            state.requestWaiters.removeAll { $0.count <= requests }
            return (state.faults.isEmpty ? nil : state.faults.removeFirst(), woken)
        }
        woken.forEach { $0.resume() }
        switch fault {
        case .hang(let duration)?:
            try? await Task.sleep(for: duration)
            return .json(503, #"{"Code":"ServiceUnavailable","Message":"hung"}"#)
        case .httpStatus(let status)?:
            var headers = HTTPFields()
            headers[.contentType] = "text/html"
            return Response(
                status: .init(code: status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "<html><body>\(status)</body></html>")))
        case .malformedBody?:
            return .json(200, #"{"Code":"OK","BizId":"#)
        case .code(let code)?:
            return answer(code, "injected")
        case nil:
            return handle(Self.decodeQuery(rawQuery))
        }
    }

    private func requestID() -> String { UUID().uuidString }

    private func answer(_ code: String, _ message: String, status: Int = 200) -> Response {
        .json(status, JSONWriter.string(["Code": .string(code), "Message": .string(message), "RequestId": .string(requestID())]))
    }

    private func handle(_ parameters: [String: String]) -> Response {
        for name in ["AccessKeyId", "Action", "Version", "Format", "SignatureMethod", "SignatureVersion",
            "SignatureNonce", "Timestamp", "Signature"]
        where parameters[name] == nil {
            return answer("MissingParameter", "The input parameter \"\(name)\" that is mandatory for processing this request is not supplied.", status: 400)
        }
        guard parameters["AccessKeyId"] == accessKeyId else {
            return answer("InvalidAccessKeyId.NotFound", "Specified access key is not found.", status: 404)
        }
        guard parameters["SignatureMethod"] == "HMAC-SHA1", parameters["SignatureVersion"] == "1.0" else {
            return answer("InvalidParameter", "Unsupported signature method or version.", status: 400)
        }
        var signed = parameters
        let signature = signed.removeValue(forKey: "Signature")
        let stringToSign = "GET&%2F&" + Self.encode(Self.canonical(signed))
        let key = SymmetricKey(data: Array((accessKeySecret + "&").utf8))
        let expected = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Array(stringToSign.utf8), using: key))
            .base64EncodedString()
        guard signature == expected else {
            return answer(
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. server string to sign is:\(stringToSign)",
                status: 400)
        }
        guard Self.isTimestamp(parameters["Timestamp"]!) else {
            return answer("InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.", status: 400)
        }
        let fresh = state.withLock { $0.nonces.insert(parameters["SignatureNonce"]!).inserted }
        guard fresh else {
            return answer("SignatureNonceUsed", "Specified signature nonce was used already.", status: 400)
        }
        guard parameters["Version"] == "2017-05-25", parameters["Format"] == "JSON" else {
            return answer("InvalidVersion", "Specified parameter Version is not valid.", status: 400)
        }
        switch parameters["Action"] {
        case "SendSms": return sendSms(parameters)
        case "QuerySendDetails": return querySendDetails(parameters)
        default: return answer("InvalidAction.NotFound", "Specified api is not found.", status: 404)
        }
    }

    private func sendSms(_ parameters: [String: String]) -> Response {
        guard let phone = parameters["PhoneNumbers"], let signName = parameters["SignName"],
            let templateCode = parameters["TemplateCode"]
        else { return answer("MissingParameter", "PhoneNumbers, SignName and TemplateCode are mandatory.", status: 400) }
        guard Self.isMainlandMobile(phone) else { return answer("isv.MOBILE_NUMBER_ILLEGAL", "invalid mobile number") }
        guard signNames.contains(signName) else { return answer("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名") }
        guard let required = templates[templateCode] else {
            return answer("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        }
        var values: [String: String] = [:]
        if let text = parameters["TemplateParam"] {
            guard case .object(let members)? = try? JSONParser.parse(text) else {
                return answer("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
            }
            for (name, value) in members {
                guard case .string(let string) = value else {
                    return answer("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
                }
                values[name] = string
            }
        }
        guard required.isSubset(of: values.keys) else {
            return answer("isv.TEMPLATE_MISSING_PARAMETERS", "模板变量缺少对应参数值")
        }
        let bizId: String? = state.withLock { state in
            if let outId = parameters["OutId"], let bizId = state.bizIdByOutId[outId] { return bizId }
            guard state.accepted.filter({ $0.phoneNumber == phone }).count < perNumberLimit else { return nil }
            let bizId = "\(900_000 + state.accepted.count)^\(state.accepted.count + 1)"
            state.accepted.append(SentMessage(
                phoneNumber: phone, signName: signName, templateCode: templateCode, templateParameters: values,
                outId: parameters["OutId"], bizId: bizId))
            if let outId = parameters["OutId"] { state.bizIdByOutId[outId] = bizId }
            return bizId
        }
        guard let bizId else { return answer("isv.BUSINESS_LIMIT_CONTROL", "触发号码天级流控Permits:\(perNumberLimit)") }
        return .json(200, JSONWriter.string([
            "Code": "OK", "Message": "OK", "BizId": .string(bizId), "RequestId": .string(requestID()),
        ]))
    }

    private func querySendDetails(_ parameters: [String: String]) -> Response {
        guard let phone = parameters["PhoneNumber"], let sendDate = parameters["SendDate"],
            sendDate.count == 8, parameters["PageSize"] != nil, parameters["CurrentPage"] != nil
        else { return answer("MissingParameter", "PhoneNumber, SendDate, PageSize and CurrentPage are mandatory.", status: 400) }
        let (messages, failure) = state.withLock { state in
            (state.accepted.filter { $0.phoneNumber == phone && (parameters["BizId"] == nil || $0.bizId == parameters["BizId"]) },
             state.deliveryFailures[phone])
        }
        let details: [JSONValue] = messages.map { message in
            [
                "PhoneNum": .string(message.phoneNumber), "TemplateCode": .string(message.templateCode),
                "OutId": message.outId.map(JSONValue.string) ?? .null,
                "SendStatus": .int(failure == nil ? 3 : 2), "ErrCode": .string(failure ?? "DELIVERED"),
                "SendDate": "2026-12-03 21:13:25", "ReceiveDate": "2026-12-03 21:13:28",
                "Content": .string("【\(message.signName)】…"),
            ]
        }
        return .json(200, JSONWriter.string([
            "Code": "OK", "Message": "OK", "RequestId": .string(requestID()), "TotalCount": .int(Int64(details.count)),
            "SmsSendDetailDTOs": ["SmsSendDetailDTO": .array(details)],
        ]))
    }

    // MARK: The published rules, written apart from the client's.

    static func isMainlandMobile(_ phone: String) -> Bool {
        var digits = Substring(phone)
        for prefix in ["+86", "0086", "86"] where digits.hasPrefix(prefix) && digits.count == prefix.count + 11 {
            digits = digits.dropFirst(prefix.count)
            break
        }
        return digits.count == 11 && digits.first == "1" && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isTimestamp(_ text: String) -> Bool {
        let pattern = Array("dddd-dd-ddTdd:dd:ddZ".utf8)
        let bytes = Array(text.utf8)
        guard bytes.count == pattern.count else { return false }
        return zip(bytes, pattern).allSatisfy { byte, expected in
            expected == UInt8(ascii: "d") ? (0x30...0x39).contains(byte) : byte == expected
        }
    }

    static func decodeQuery(_ query: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(parts[0])
            parameters[name] = parts.count > 1 ? percentDecode(parts[1]) : ""
        }
        return parameters
    }

    private static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "Characters A–Z, a–z, 0–9, '-', '_', '.' and '~' are not encoded; other characters are encoded as %XY
    /// with XY the hexadecimal value of the character in UTF-8, in upper case."
    static func encode(_ text: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
        return text.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }
            .joined()
    }

    static func canonical(_ parameters: [String: String]) -> String {
        parameters.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { encode($0) + "=" + encode(parameters[$0]!) }.joined(separator: "&")
    }
}
