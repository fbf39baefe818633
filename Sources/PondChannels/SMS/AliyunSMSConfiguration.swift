/// Aliyun Short Message Service (阿里云短信服务), API version 2017-05-25.
public struct AliyunSMSConfiguration: Sendable, Hashable, Codable {
    public static let defaultBaseURL = "https://dysmsapi.aliyuncs.com"

    /// The endpoint; configurable so tests (and a proxy, or the international endpoint) can stand in for it.
    public var baseURL: String
    public var accessKeyId: String
    public var accessKeySecret: Secret
    /// The approved signature (签名) shown in 【】 at the start of every message.
    public var signName: String
    public var regionId: String

    public init(
        baseURL: String = AliyunSMSConfiguration.defaultBaseURL, accessKeyId: String, accessKeySecret: Secret,
        signName: String, regionId: String = "cn-hangzhou"
    ) {
        self.baseURL = baseURL
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.signName = signName
        self.regionId = regionId
    }
}
