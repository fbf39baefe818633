extension Identity {
    /// Types whose values are only unique within a namespace, written `type:namespace:value`.
    public static let namespacedTypes: Set<String> = [IdentityType.wechatOpenID]

    /// An identity as people write it: `type:value`, or `type:namespace:value` for namespaced types such as
    /// `wechat_openid:wx123:o-abc`; the value is normalised as everywhere else (`IdentityRules.make`).
    public static func parse(_ raw: String) throws(DefinitionError) -> Identity {
        var parts = raw.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw .invalid("'identity' must look like type:value, e.g. phone:13800138000") }
        if namespacedTypes.contains(parts[0]) {
            let rest = parts[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard rest.count == 2 else { throw .invalid("'\(parts[0])' identities are written \(parts[0]):APPID:VALUE") }
            parts = [parts[0] + ":" + rest[0], rest[1]]
        }
        do {
            return try IdentityRules.make(type: parts[0], value: parts[1])
        } catch {
            throw DefinitionError(.invalid, .invalidIdentity, "\(error)")
        }
    }
}
