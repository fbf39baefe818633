/// One identifier a customer is known by: a brand user id, a phone number, a WeChat unionid, an openid of one
/// mini program, a WeCom external contact id, a member card number…
///
/// The type is an open set (brands add their own, e.g. `tmall_nick`), written in lower snake case, optionally
/// qualified with `:` when the value is only unique within a namespace: a WeChat openid is per app, so it is
/// `wechat_openid:wx1234abcd`.
public struct Identity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let type: String
    public let value: String

    /// Builds an identity without checks; use `IdentityRules.make` for anything that came from outside.
    public init(uncheckedType type: String, value: String) {
        self.type = type
        self.value = value
    }

    /// The type without its namespace qualifier (`wechat_openid` for `wechat_openid:wx1`).
    public var baseType: String {
        if let colon = type.firstIndex(of: ":") { return String(type[..<colon]) }
        return type
    }

    public var description: String { "\(type):\(value)" }

    public static func < (lhs: Identity, rhs: Identity) -> Bool {
        (lhs.type, lhs.value) < (rhs.type, rhs.value)
    }
}

/// The identity types Pond understands natively.
public enum IdentityType {
    /// The brand's own user id (Segment `userId`).
    public static let userID = "user_id"
    /// A device/browser id before login (Segment `anonymousId`).
    public static let anonymousID = "anonymous_id"
    public static let phone = "phone"
    public static let email = "email"
    /// 微信 unionid: one person across all apps of one WeChat open-platform account.
    public static let wechatUnionID = "wechat_unionid"
    /// 微信 openid: one person within one official account or mini program; qualify with the app id.
    public static let wechatOpenID = "wechat_openid"
    /// 企业微信 external_userid: a customer as seen by the brand's WeCom corp.
    public static let wecomExternalUserID = "wecom_external_userid"
    /// 会员号: the loyalty/member card number.
    public static let memberID = "member_id"

    /// Order used to pick the identity an event is anchored to: the strongest, most specific ids first, the
    /// device-level anonymous id last (a shared tablet in a store must not pull every shopper into one profile).
    public static let builtInPriority = [
        userID, memberID, wechatUnionID, wecomExternalUserID, phone, email, wechatOpenID,
    ]
}
