import Testing

@testable import PondCore

/// Message ids of imported rows are idempotency keys: a file imported again must produce the very same ids, or
/// every customer would be stored twice. These ids were computed by an earlier release; they must never change.
@Suite("Import message ids")
struct ImportMessageIDTests {
    static let receivedAt = Instant(millisecondsSinceEpoch: 1_795_320_984_123)
    static let crmHeader = ["会员卡号", "手机号", "姓名", "性别", "积分", "注册门店"]

    static func message(_ converter: ImportRowConverter, _ fields: [String]) throws -> TrackingMessage {
        try converter.message(fields, row: 2).get()
    }

    @Test("a customer row keeps the id earlier releases gave it")
    func customerID() throws {
        let converter = try ImportRowConverter(
            kind: .customers, preset: .pos, header: Self.crmHeader, receivedAt: Self.receivedAt)
        let message = try Self.message(converter, ["M001", "13800138000", "张三", "女", "1200", "静安店"])
        #expect(message.messageID == "import:pos:customer:74a3f84f37d9fa6eadf4d04ff49b700c")
    }

    @Test("a customer with a user id, non-ASCII traits and a mapped time keeps its id")
    func customerWithTimeID() throws {
        let converter = try ImportRowConverter(
            kind: .customers, preset: .generic, override: try ImportMapping(json: ["timestamp": "注册时间"]),
            header: ["user_id", "email", "name", "city", "注册时间"], receivedAt: Self.receivedAt)
        let message = try Self.message(
            converter, ["u-42", "Alice@Example.com", "Zoë 李", "Zürich 🏔", "2025-03-01 09:30:00"])
        #expect(message.messageID == "import:generic:customer:95c24b82bfedd8809877b1d729be501c")
        #expect(message.userID == "u-42")
    }

    @Test("an identity too long for an anonymous id is digested, as before")
    func longAnonymousID() throws {
        let converter = try ImportRowConverter(
            kind: .customers, preset: .pos, header: Self.crmHeader, receivedAt: Self.receivedAt)
        let message = try Self.message(converter, [String(repeating: "M0123456789", count: 20), "", "", "", "", ""])
        #expect(message.anonymousID == "import:member_id:ed29a8e35620a2ee14f523346ef576e5")
        #expect(message.messageID == "import:pos:customer:737e5b5711d837f292612962766703d9")
    }
}
