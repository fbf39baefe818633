import PondCore
import Testing

@Suite("Identity rules")
struct IdentityRulesTests {
    // MARK: Junk values

    @Test("placeholder values are refused as junk", arguments: [
        "null", "NULL", "  NULL ", "undefined", "nil", "None", "NaN", "0", "-1", "-", "n/a", "N/A", "unknown",
        "anonymous", "(null)", "<null>", "[object Object]", "{}", "[]", "false", "true", "", "   ",
    ])
    func rejectsPlaceholders(value: String) {
        #expect(throws: IdentityRules.Rejection.junkValue(value)) {
            try IdentityRules.make(type: IdentityType.anonymousID, value: value)
        }
    }

    @Test("all-zero device ids are junk", arguments: [
        "00000000-0000-0000-0000-000000000000", "000000", "0-0", "--",
    ])
    func rejectsZeroDeviceIDs(value: String) {
        #expect(IdentityRules.isJunk(value))
        #expect(throws: IdentityRules.Rejection.junkValue(value)) {
            try IdentityRules.make(type: IdentityType.anonymousID, value: value)
        }
    }

    @Test("real ids that merely contain zeros or placeholder words are kept", arguments: [
        "10", "0a", "00000000-0000-0000-0000-000000000001", "nullable", "user-null", "O", "truecolor",
    ])
    func keepsRealIDs(value: String) throws {
        #expect(!IdentityRules.isJunk(value))
        #expect(try IdentityRules.make(type: IdentityType.userID, value: value).value == value)
    }

    @Test("values are trimmed of surrounding whitespace")
    func trimsValues() throws {
        let identity = try IdentityRules.make(type: IdentityType.userID, value: " \tu-42\n")
        #expect(identity == Identity(uncheckedType: "user_id", value: "u-42"))
    }

    @Test("a value of 256 bytes is accepted and one of 257 is refused")
    func valueLengthLimit() throws {
        let longest = String(repeating: "a", count: 256)
        #expect(try IdentityRules.make(type: "user_id", value: longest).value == longest)
        #expect(throws: IdentityRules.Rejection.self) {
            try IdentityRules.make(type: "user_id", value: longest + "a")
        }
    }

    @Test("the length limit counts UTF-8 bytes, not characters")
    func valueLengthCountsBytes() {
        // 86 × 3 bytes = 258 bytes in 86 characters.
        #expect(throws: IdentityRules.Rejection.invalidValue(type: "tmall_nick", reason: "longer than 256 bytes")) {
            try IdentityRules.make(type: "tmall_nick", value: String(repeating: "中", count: 86))
        }
    }

    // MARK: Phone numbers

    @Test("spellings of a mainland mobile number normalise to +86 and 11 digits", arguments: [
        "13800138000", "138 0013 8000", "138-0013-8000", "+86-138-0013-8000", "+86 13800138000", "8613800138000",
        "008613800138000", "(138) 0013.8000", "（138）00138000",
    ])
    func normalisesMainlandMobile(raw: String) throws {
        #expect(try IdentityRules.make(type: IdentityType.phone, value: raw).value == "+8613800138000")
    }

    @Test("foreign numbers keep their country code", arguments: [
        ("+1 415 555 0100", "+14155550100"), ("+44 20 7946 0958", "+442079460958"), ("0044 20 7946 0958", "+442079460958"),
    ])
    func keepsForeignCountryCode(raw: String, expected: String) throws {
        #expect(try IdentityRules.make(type: IdentityType.phone, value: raw).value == expected)
    }

    @Test("numbers without a country code that are not mainland mobiles stay bare digits")
    func keepsLandlineDigits() throws {
        #expect(try IdentityRules.make(type: IdentityType.phone, value: "021-6234 5678").value == "02162345678")
    }

    @Test("a phone with letters or a misplaced plus is refused", arguments: [
        "138abc00138", "1380013800O", "138+00138000", "tel:13800138000", "13800138000#1",
    ])
    func rejectsPhoneWithLetters(raw: String) {
        #expect(throws: IdentityRules.Rejection.self) { try IdentityRules.make(type: IdentityType.phone, value: raw) }
    }

    @Test("a phone must have 5 to 17 digits", arguments: [("1234", false), ("12345", true), ("+12345678901234567", true),
                                                          ("+123456789012345678", false)])
    func phoneDigitCount(raw: String, accepted: Bool) {
        #expect(((try? IdentityRules.normalisePhone(raw)) != nil) == accepted)
    }

    @Test("a phone that is all zeros after normalisation is junk")
    func zeroPhoneIsJunk() {
        #expect(throws: IdentityRules.Rejection.junkValue("+00000000")) { try IdentityRules.normalisePhone("+00000000") }
    }

    @Test("a namespaced phone type is normalised too")
    func namespacedPhone() throws {
        let identity = try IdentityRules.make(type: "phone:store", value: "138 0013 8000")
        #expect(identity == Identity(uncheckedType: "phone:store", value: "+8613800138000"))
    }

    // MARK: E-mail

    @Test("e-mail addresses are lower-cased and trimmed")
    func lowercasesEmail() throws {
        #expect(try IdentityRules.make(type: IdentityType.email, value: " Wang.Jing@Example.COM ").value == "wang.jing@example.com")
    }

    @Test("malformed e-mail addresses are refused", arguments: [
        "wang.jing", "@example.com", "wang@", "wang@example", "wang@.com", "wang@example.com.", "wang jing@example.com",
        "wang@jing@example.com",
    ])
    func rejectsMalformedEmail(raw: String) {
        #expect(throws: IdentityRules.Rejection.invalidValue(type: "email", reason: "not an e-mail address")) {
            try IdentityRules.make(type: IdentityType.email, value: raw)
        }
    }

    // MARK: Types

    @Test("valid identity types", arguments: [
        "user_id", "wechat_openid:wxAbC123", "tmall_nick", "a", "member_id:store-01.sh", "x9_",
        String(repeating: "a", count: 40), "t:" + String(repeating: "N", count: 64),
    ])
    func acceptsValidTypes(type: String) {
        #expect(IdentityRules.isValidType(type))
    }

    @Test("invalid identity types", arguments: [
        "", "1abc", "_abc", "user-id", "user id", "User_ID", "a:b:c", "phone:", ":ns", "wechat_openid:wx 1", "中文",
        String(repeating: "a", count: 41), "t:" + String(repeating: "n", count: 65),
    ])
    func rejectsInvalidTypes(type: String) {
        #expect(!IdentityRules.isValidType(type))
    }

    @Test("making an identity lower-cases the type but keeps the namespace's case")
    func keepsNamespaceCase() throws {
        let identity = try IdentityRules.make(type: "WeChat_OpenID:wxAbC123", value: "o-Abc")
        #expect(identity.type == "wechat_openid:wxAbC123")
        #expect(identity.value == "o-Abc")
        #expect(identity.baseType == "wechat_openid")
    }

    @Test("an invalid type is refused naming the type as sent")
    func rejectsInvalidType() {
        #expect(throws: IdentityRules.Rejection.invalidType("user id")) { try IdentityRules.make(type: "user id", value: "u1") }
    }

    @Test("ordinary values keep their case")
    func keepsValueCase() throws {
        #expect(try IdentityRules.make(type: "user_id", value: "U-AbC").value == "U-AbC")
    }

    @Test("rejections explain themselves")
    func rejectionDescriptions() {
        #expect(IdentityRules.Rejection.junkValue("null").description == "'null' is a placeholder, not an identifier")
        #expect(IdentityRules.Rejection.invalidValue(type: "email", reason: "x").description == "invalid email: x")
        #expect(IdentityRules.Rejection.invalidType("A B").description.hasPrefix("'A B' is not a valid identity type"))
    }
}
