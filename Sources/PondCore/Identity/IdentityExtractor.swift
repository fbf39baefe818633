/// Finds every identity a message carries.
///
/// Besides `userId` and `anonymousId`, a message may name more identities in three documented places:
/// 1. `context.externalIds` — the Segment spec's list of `{ "type", "id", "collection" }`; for
///    `wechat_openid` the `collection` is the app id (`wechat_openid:<collection>`).
/// 2. `context.identities` — Pond's map of `type → value`, e.g. `{ "phone": "13800138000",
///    "wechat_openid:wx1234": "o-abc" }`.
/// 3. Well-known person traits (`context.traits`, and top-level `traits` of identify): `phone`, `email`,
///    `member_id`, `wechat_unionid`, `wecom_external_userid`.
/// Invalid or placeholder values are skipped (reported in `rejected`), never linked.
public struct IdentityExtractor: Sendable {
    public static let traitKeys: [String: String] = [
        "phone": IdentityType.phone,
        "email": IdentityType.email,
        "member_id": IdentityType.memberID,
        "wechat_unionid": IdentityType.wechatUnionID,
        "wecom_external_userid": IdentityType.wecomExternalUserID,
    ]

    public struct Result: Sendable, Equatable {
        /// Distinct identities, strongest first (see `IdentityType.builtInPriority`).
        public var identities: [Identity]
        public var rejected: [String]
    }

    /// Unique types (configured per workspace) rank before the built-in order.
    public var uniqueTypes: [String]

    public init(uniqueTypes: [String]) { self.uniqueTypes = uniqueTypes }

    public func extract(from message: TrackingMessage) -> Result {
        var found: [Identity] = []
        var rejected: [String] = []
        func add(_ type: String, _ value: JSONValue?) {
            let text: String
            switch value {
            case .string(let s)?: text = s
            case .int(let i)?: text = String(i)
            default: return
            }
            do {
                let identity = try IdentityRules.make(type: type, value: text)
                if !found.contains(identity) { found.append(identity) }
            } catch {
                rejected.append("\(type): \(error)")
            }
        }
        if let user = message.userID { add(IdentityType.userID, .string(user)) }
        if let anonymous = message.anonymousID { add(IdentityType.anonymousID, .string(anonymous)) }
        let context = message.context
        for item in context["externalIds"]?.arrayValue ?? [] {
            guard let type = item["type"]?.stringValue else { continue }
            var qualified = type
            if type == IdentityType.wechatOpenID, let app = item["collection"]?.stringValue, !app.isEmpty,
                app != "users"
            {
                qualified = "\(type):\(app)"
            }
            add(qualified, item["id"])
        }
        for (type, value) in (context["identities"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            add(type, value)
        }
        let traits = message.personTraits
        for (key, type) in Self.traitKeys.sorted(by: { $0.key < $1.key }) {
            add(type, traits[key])
        }
        return Result(identities: found.sorted { rank($0) < rank($1) }, rejected: rejected)
    }

    /// A sort key: configured unique types, then the built-in order, then custom types, anonymous ids last.
    public func rank(_ identity: Identity) -> (Int, String, String) {
        if let i = uniqueTypes.firstIndex(where: { $0 == identity.type || $0 == identity.baseType }) {
            return (i, identity.type, identity.value)
        }
        let base = uniqueTypes.count
        if let i = IdentityType.builtInPriority.firstIndex(of: identity.baseType) {
            return (base + i, identity.type, identity.value)
        }
        if identity.type == IdentityType.anonymousID { return (Int.max, identity.type, identity.value) }
        return (base + IdentityType.builtInPriority.count, identity.type, identity.value)
    }
}
