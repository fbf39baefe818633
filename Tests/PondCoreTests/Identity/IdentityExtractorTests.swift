import PondCore
import Testing

@Suite("Identity extractor")
struct IdentityExtractorTests {
    let extractor = IdentityExtractor(uniqueTypes: WorkspaceSettings.defaultUniqueIdentityTypes)

    private func openID(_ app: String, _ value: String) -> Identity {
        Identity(uncheckedType: "wechat_openid:\(app)", value: value)
    }

    // MARK: Sources

    @Test("userId and anonymousId become user_id and anonymous_id")
    func userAndAnonymousIDs() {
        let result = extractor.extract(from: Fixture.message(userID: "u1", anonymousID: "a1"))
        #expect(result.identities == [.user("u1"), .anonymous("a1")])
        #expect(result.rejected.isEmpty)
    }

    @Test("context.externalIds are read as type and id")
    func externalIDs() {
        let message = Fixture.message(anonymousID: "a1", payload: [
            "context": ["externalIds": [
                ["type": "member_id", "id": "M-001", "collection": "users", "encoding": "none"],
                ["type": "wechat_unionid", "id": "u-union"],
            ]],
        ])
        #expect(extractor.extract(from: message).identities == [.member("M-001"), .init(uncheckedType: "wechat_unionid", value: "u-union"), .anonymous("a1")])
    }

    @Test("a wechat_openid external id is qualified with its collection, the app id")
    func openIDCollectionQualifies() {
        let message = Fixture.message(anonymousID: "a1", payload: [
            "context": ["externalIds": [["type": "wechat_openid", "id": "o-abc", "collection": "wxAbC123"]]],
        ])
        #expect(extractor.extract(from: message).identities.first == openID("wxAbC123", "o-abc"))
    }

    @Test("a wechat_openid external id without an app collection stays unqualified", arguments: [
        JSONValue.string("users"), .string(""), .null,
    ])
    func openIDWithoutApp(collection: JSONValue) {
        let message = Fixture.message(anonymousID: "a1", payload: [
            "context": ["externalIds": [["type": "wechat_openid", "id": "o-abc", "collection": collection]]],
        ])
        #expect(
            extractor.extract(from: message).identities.first == Identity(uncheckedType: "wechat_openid", value: "o-abc"))
    }

    @Test("a collection does not qualify types other than wechat_openid")
    func collectionOnlyQualifiesOpenID() {
        let message = Fixture.message(anonymousID: "a1", payload: [
            "context": ["externalIds": [["type": "member_id", "id": "M-1", "collection": "wxAbC123"]]],
        ])
        #expect(extractor.extract(from: message).identities.first == .member("M-1"))
    }

    @Test("numeric external ids become strings; entries without a type or a usable id are skipped")
    func externalIDShapes() {
        let message = Fixture.message(anonymousID: "a1", payload: [
            "context": ["externalIds": [
                ["type": "member_id", "id": 10086],
                ["id": "no-type"],
                ["type": "wechat_unionid"],
                ["type": "wechat_unionid", "id": ["nested"]],
                "not-an-object",
            ]],
        ])
        let result = extractor.extract(from: message)
        #expect(result.identities == [.member("10086"), .anonymous("a1")])
        #expect(result.rejected.isEmpty)
    }

    @Test("context.identities is a map of type to value")
    func identitiesMap() {
        let message = Fixture.message(anonymousID: "a1", payload: [
            "context": ["identities": ["phone": "13800138000", "wechat_openid:wx1234": "o-abc", "tmall_nick": "小王"]],
        ])
        #expect(
            extractor.extract(from: message).identities == [
                .phone("+8613800138000"), openID("wx1234", "o-abc"), .init(uncheckedType: "tmall_nick", value: "小王"),
                .anonymous("a1"),
            ])
    }

    @Test("identify reads well-known person traits from top-level traits and context.traits")
    func identifyTraits() {
        let message = Fixture.message(.identify, userID: "u1", payload: [
            "traits": ["email": "Wang@Example.com", "name": "王静", "member_id": "M-7"],
            "context": ["traits": ["phone": "138 0013 8000", "wecom_external_userid": "wm-1", "wechat_unionid": "un-1"]],
        ])
        #expect(
            extractor.extract(from: message).identities == [
                .user("u1"), .member("M-7"), .init(uncheckedType: "wechat_unionid", value: "un-1"),
                .init(uncheckedType: "wecom_external_userid", value: "wm-1"), .phone("+8613800138000"),
                .email("wang@example.com"),
            ])
    }

    @Test("other calls read person traits from context.traits only")
    func trackReadsContextTraits() {
        let message = Fixture.message(.track, anonymousID: "a1", payload: [
            "traits": ["email": "ignored@example.com"],
            "context": ["traits": ["email": "wang@example.com"]],
        ])
        #expect(extractor.extract(from: message).identities == [.email("wang@example.com"), .anonymous("a1")])
    }

    @Test("a group call's top-level traits describe the group and produce no identities")
    func groupTraitsAreNotThePerson() {
        let message = Fixture.message(.group, userID: "u1", payload: [
            "groupId": "g1", "traits": ["email": "team@corp.com", "phone": "13900139000", "member_id": "G-1"],
        ])
        let result = extractor.extract(from: message)
        #expect(result.identities == [.user("u1")])
        #expect(result.rejected.isEmpty)
    }

    @Test("trait keys that are not person ids are ignored")
    func ignoresOtherTraits() {
        let message = Fixture.message(.identify, userID: "u1", payload: [
            "traits": ["name": "王静", "user_id": "u2", "anonymous_id": "a9", "wechat_openid": "o-1"],
        ])
        #expect(extractor.extract(from: message).identities == [.user("u1")])
    }

    // MARK: Rejections

    @Test("junk values are skipped and reported")
    func junkIsReported() {
        let message = Fixture.message(.identify, userID: "u1", anonymousID: "undefined", payload: [
            "traits": ["phone": "null", "email": "not-an-email"],
        ])
        let result = extractor.extract(from: message)
        #expect(result.identities == [.user("u1")])
        #expect(result.rejected.count == 3)
        #expect(result.rejected.contains { $0.hasPrefix("anonymous_id:") && $0.contains("'undefined'") })
        #expect(result.rejected.contains { $0.hasPrefix("phone:") && $0.contains("'null'") })
        #expect(result.rejected.contains { $0.hasPrefix("email:") })
    }

    @Test("an invalid identity type in context.identities is reported, not linked")
    func invalidTypeIsReported() {
        let message = Fixture.message(anonymousID: "a1", payload: ["context": ["identities": ["Bad Type": "x"]]])
        let result = extractor.extract(from: message)
        #expect(result.identities == [.anonymous("a1")])
        #expect(result.rejected.count == 1)
        #expect(result.rejected.first?.hasPrefix("Bad Type:") == true)
    }

    @Test("a message with only junk yields no identities")
    func onlyJunk() {
        let result = extractor.extract(from: Fixture.message(userID: "0", anonymousID: "00000000-0000-0000-0000-000000000000"))
        #expect(result.identities.isEmpty)
        #expect(result.rejected.count == 2)
    }

    // MARK: Order and duplicates

    @Test("identities rank configured unique types first, then built-ins, then custom types, anonymous_id last")
    func ordering() {
        let message = Fixture.message(.identify, userID: "u1", anonymousID: "a1", payload: [
            "traits": ["email": "wang@example.com", "phone": "13800138000", "member_id": "M-1"],
            "context": ["identities": [
                "zz_custom": "z", "tmall_nick": "nick", "wechat_openid:wx1": "o-1", "wechat_unionid": "un-1",
                "wecom_external_userid": "wm-1",
            ]],
        ])
        #expect(
            extractor.extract(from: message).identities.map(\.type) == [
                "user_id", "member_id", "wechat_unionid", "wecom_external_userid", "phone", "email", "wechat_openid:wx1",
                "tmall_nick", "zz_custom", "anonymous_id",
            ])
    }

    @Test("the workspace's unique types rank first, in the order configured")
    func configuredUniqueTypesFirst() {
        let extractor = IdentityExtractor(uniqueTypes: ["tmall_nick", "member_id"])
        let message = Fixture.message(.identify, userID: "u1", anonymousID: "a1", payload: [
            "traits": ["member_id": "M-1"], "context": ["identities": ["tmall_nick": "nick"]],
        ])
        #expect(extractor.extract(from: message).identities.map(\.type) == ["tmall_nick", "member_id", "user_id", "anonymous_id"])
    }

    @Test("a unique base type ranks its namespaced identities too")
    func uniqueBaseTypeCoversNamespaces() {
        let extractor = IdentityExtractor(uniqueTypes: ["wechat_openid"])
        let message = Fixture.message(userID: "u1", payload: ["context": ["identities": ["wechat_openid:wx1": "o-1"]]])
        #expect(extractor.extract(from: message).identities.map(\.type) == ["wechat_openid:wx1", "user_id"])
    }

    @Test("identities of the same rank order by type, then value")
    func sameRankOrder() {
        let message = Fixture.message(anonymousID: "a1", payload: [
            "context": ["externalIds": [
                ["type": "wechat_openid", "id": "o-2", "collection": "wxB"],
                ["type": "wechat_openid", "id": "o-9", "collection": "wxA"],
                ["type": "wechat_openid", "id": "o-1", "collection": "wxB"],
            ]],
        ])
        #expect(
            extractor.extract(from: message).identities == [
                openID("wxA", "o-9"), openID("wxB", "o-1"), openID("wxB", "o-2"), .anonymous("a1"),
            ])
    }

    @Test("the same identity named in several places appears once, after normalisation")
    func removesDuplicates() {
        let message = Fixture.message(.identify, userID: "u1", anonymousID: "a1", payload: [
            "traits": ["phone": "138 0013 8000", "email": "WANG@example.com"],
            "context": [
                "traits": ["email": "wang@example.com"],
                "identities": ["user_id": "u1", "phone": "+86-138-0013-8000"],
                "externalIds": [["type": "user_id", "id": " u1 "], ["type": "anonymous_id", "id": "a1"]],
            ],
        ])
        #expect(
            extractor.extract(from: message).identities == [
                .user("u1"), .phone("+8613800138000"), .email("wang@example.com"), .anonymous("a1"),
            ])
    }
}
