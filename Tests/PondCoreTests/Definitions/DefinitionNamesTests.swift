import PondCore
import Testing

@Suite("Definition names")
struct DefinitionNamesTests {
    @Test func generatedIDsAreReadableUniqueAndNeverReserved() {
        #expect(DefinitionNames.generateID(from: "VIP Skincare", fallback: "segment", taken: []) == "vip-skincare")
        #expect(DefinitionNames.generateID(from: "高频护肤品购买者", fallback: "tag-rule", taken: []) == "tag-rule")
        #expect(DefinitionNames.generateID(from: "VIP Skincare", fallback: "segment", taken: ["vip-skincare"]) == "vip-skincare-2")
        #expect(DefinitionNames.generateID(from: "Preview", fallback: "segment", taken: []) == "preview-2")
        #expect(DefinitionNames.generateID(from: "--A  b--", fallback: "segment", taken: []) == "a-b")
    }

    @Test func tagNamesRefuseWhatWouldBreakCSVOrURLs() throws {
        #expect(try DefinitionNames.tagName("  会员  ") == "会员")
        for bad in ["", "a|b", "a/b", "a\u{7}b", String(repeating: "长", count: 65)] {
            #expect(throws: DefinitionError.self) { try DefinitionNames.tagName(bad) }
        }
        #expect(throws: DefinitionError.self) { try DefinitionNames.newTagName("bulk") }
        #expect(try DefinitionNames.tagName("bulk") == "bulk")
    }

    @Test func idsAreSlugs() throws {
        #expect(try DefinitionNames.id("vip_2.a-b") == "vip_2.a-b")
        for bad in ["", "-a", "_a", ".a", "a b", "会员", String(repeating: "a", count: 65)] {
            #expect(throws: DefinitionError.self) { try DefinitionNames.id(bad) }
        }
    }

    @Test func identitiesParseWithNamespaces() throws {
        #expect(try Identity.parse("phone:138 0013 8000") == IdentityRules.make(type: "phone", value: "13800138000"))
        #expect(try Identity.parse("wechat_openid:wx1:o-abc").type == "wechat_openid:wx1")
        #expect(throws: DefinitionError.self) { try Identity.parse("phone") }
        #expect(throws: DefinitionError.self) { try Identity.parse("wechat_openid:o-abc") }
        do {
            _ = try Identity.parse("phone:abc")
            Issue.record("an invalid phone must be refused")
        } catch {
            #expect(error.code == DefinitionError.Code.invalidIdentity.rawValue)
        }
    }
}
