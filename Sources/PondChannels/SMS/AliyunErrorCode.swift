/// What Aliyun's published `Code` values mean for a retry.
///
/// The table follows Aliyun's SMS error-code documentation. Its rule of thumb: `isp.*` codes are the platform's
/// trouble (retry), `isv.*` codes are the caller's (do not retry the same request) — with exceptions either way,
/// listed here. Codes not listed fall back on that rule; an unlisted code without either prefix is transient when
/// the HTTP status was 5xx and permanent otherwise.
enum AliyunErrorCode {
    enum Meaning: Equatable {
        case transient(retryAfter: Duration?)
        case permanent
    }

    /// Frequency limits per number (触发业务流控): one verification code a minute, a handful an hour, some tens a
    /// day per signature and template. Retrying in seconds only burns the limit, so the hint is long enough to send
    /// the failure back to the engine's queue at once (see `RetryPolicy`).
    static let minuteLimit: Duration = .seconds(60)
    static let hourLimit: Duration = .seconds(3600)

    static let table: [String: Meaning] = [
        // Rate limits: the same message can go later.
        "isv.BUSINESS_LIMIT_CONTROL": .transient(retryAfter: minuteLimit),
        "BUSINESS_LIMIT_CONTROL_MINUTE": .transient(retryAfter: minuteLimit),
        "BUSINESS_LIMIT_CONTROL_PHONE": .transient(retryAfter: hourLimit),
        "isv.BUSINESS_LIMIT_HOUR": .transient(retryAfter: hourLimit),
        "isv.BUSINESS_LIMIT_DAY": .transient(retryAfter: hourLimit),
        "isv.DAY_LIMIT_CONTROL": .transient(retryAfter: hourLimit),
        "Throttling": .transient(retryAfter: nil),
        "Throttling.User": .transient(retryAfter: nil),
        "Throttling.Api": .transient(retryAfter: nil),
        // The platform's own trouble.
        "isp.SYSTEM_ERROR": .transient(retryAfter: nil),
        "isp.GATEWAY_ERROR": .transient(retryAfter: nil),
        "isp.UNKNOWN": .transient(retryAfter: nil),
        "isv.SYSTEM_ERROR": .transient(retryAfter: nil),
        "isv.DATA_NOT_EXIST": .transient(retryAfter: nil),
        "ServiceUnavailable": .transient(retryAfter: nil),
        "InternalError": .transient(retryAfter: nil),
        // A request of ours that a new attempt (new nonce, new timestamp) repairs by itself.
        "SignatureNonceUsed": .transient(retryAfter: nil),
        "InvalidTimeStamp.Expired": .transient(retryAfter: nil),
        // The message: number, template, signature, parameters.
        "isv.MOBILE_NUMBER_ILLEGAL": .permanent,
        "isv.MOBILE_COUNT_OVER_LIMIT": .permanent,
        "isv.SMS_TEMPLATE_ILLEGAL": .permanent,
        "isv.SMS_SIGNATURE_ILLEGAL": .permanent,
        "isv.SMS_SIGN_NAME_ILLEGAL": .permanent,
        "isv.SMS_SIGNATURE_SCENE_ILLEGAL": .permanent,
        "isv.TEMPLATE_MISSING_PARAMETERS": .permanent,
        "isv.INVALID_PARAMETERS": .permanent,
        "isv.INVALID_JSON_PARAM": .permanent,
        "isv.PARAM_LENGTH_LIMIT": .permanent,
        "isv.PARAM_NOT_SUPPORT_URL": .permanent,
        "isv.BLACK_KEY_CONTROL_LIMIT": .permanent,
        "isv.SMS_CONTENT_ILLEGAL": .permanent,
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": .permanent,
        "isv.NOT_SUPPORTED_COUNTRY": .permanent,
        "isv.EXTEND_CODE_ERROR": .permanent,
        // The account and its credentials: nothing sends until an operator acts, so retrying only repeats the
        // refusal; the engine surfaces these instead.
        "isv.AMOUNT_NOT_ENOUGH": .permanent,
        "isv.OUT_OF_SERVICE": .permanent,
        "isv.PRODUCT_UN_SUBSCRIPT": .permanent,
        "isv.PRODUCT_UNSUBSCRIBE": .permanent,
        "isv.ACCOUNT_NOT_EXISTS": .permanent,
        "isv.ACCOUNT_ABNORMAL": .permanent,
        "isv.DENY_IP_RANGE": .permanent,
        "isp.RAM_PERMISSION_DENY": .permanent,
        "SignatureDoesNotMatch": .permanent,
        "InvalidAccessKeyId.NotFound": .permanent,
        "InvalidAccessKeyId.Inactive": .permanent,
        "Forbidden.RAM": .permanent,
        "MissingParameter": .permanent,
        "InvalidParameter": .permanent,
    ]

    static func meaning(of code: String, httpStatus: Int) -> Meaning {
        if let known = table[code] { return known }
        if code.hasPrefix("isp.") { return .transient(retryAfter: nil) }
        if code.hasPrefix("isv.") { return .permanent }
        return (500...599).contains(httpStatus) ? .transient(retryAfter: nil) : .permanent
    }

    /// Codes whose `Message` Aliyun fills with request details — `SignatureDoesNotMatch` echoes the string it
    /// signed — and which are therefore described in our own words.
    static let ownWords: [String: String] = [
        "SignatureDoesNotMatch": "Aliyun computed a different signature: check the AccessKey secret",
        "InvalidAccessKeyId.NotFound": "Aliyun does not know the AccessKey id",
        "InvalidAccessKeyId.Inactive": "the AccessKey is disabled",
    ]
}
