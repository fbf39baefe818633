import PondCore
import Testing

@Suite("Identity")
struct IdentityTests {
    @Test("the base type drops the namespace qualifier", arguments: [
        ("wechat_openid:wx1234", "wechat_openid"), ("user_id", "user_id"), ("member_id:store:x", "member_id"),
    ])
    func baseType(type: String, base: String) {
        #expect(Identity(uncheckedType: type, value: "v").baseType == base)
    }

    @Test("an identity describes itself as type:value")
    func description() {
        #expect(Identity(uncheckedType: "wechat_openid:wx1", value: "o-abc").description == "wechat_openid:wx1:o-abc")
    }

    @Test("identities order by type, then value")
    func ordering() {
        let sorted = [Identity.user("b"), .anonymous("z"), .user("a"), .email("x@y.cn")].sorted()
        #expect(sorted == [.anonymous("z"), .email("x@y.cn"), .user("a"), .user("b")])
    }

    @Test("the built-in priority puts brand ids first and the openid last")
    func builtInPriority() {
        #expect(
            IdentityType.builtInPriority == [
                "user_id", "member_id", "wechat_unionid", "wecom_external_userid", "phone", "email", "wechat_openid",
            ])
        #expect(!IdentityType.builtInPriority.contains(IdentityType.anonymousID))
    }
}
