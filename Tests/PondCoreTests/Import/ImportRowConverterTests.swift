import Foundation
import Testing

@testable import PondCore

/// Fixtures are export rows written out in code, with the real headers of each platform.
@Suite("Import row converter")
struct ImportRowConverterTests {
    /// 2026-11-22T04:16:24.123Z.
    static let receivedAt = Instant(millisecondsSinceEpoch: 1_795_320_984_123)

    /// A Tmall 订单报表 header, trailing spaces included (the export really has them).
    static let tmallHeader = [
        "订单编号", "买家会员名", "买家支付宝账号", "买家实际支付金额", "订单状态", "收货人手机号", "订单创建时间",
        "订单付款时间 ", "宝贝标题", "宝贝总数量",
    ]

    static func tmallRow(
        order: String = "3051234567890123", nick: String = "tb_alice", alipay: String = "", amount: String = "1,299.00",
        status: String = "交易成功", phone: String = "13800138000", created: String = "2026-11-01 10:00:00",
        paid: String = "2026-11-01 10:01:02", title: String = "面霜 50ml", quantity: String = "1"
    ) -> [String] {
        [order, nick, alipay, amount, status, phone, created, paid, title, quantity]
    }

    static func converter(
        _ kind: ImportKind = .orders, _ preset: ImportPreset = .tmall, header: [String] = tmallHeader,
        override: ImportMapping? = nil, receivedAt: Instant = receivedAt
    ) throws -> ImportRowConverter {
        try ImportRowConverter(kind: kind, preset: preset, override: override, header: header, receivedAt: receivedAt)
    }

    static func accepted(_ result: Result<TrackingMessage, ImportRejection>) throws -> TrackingMessage {
        switch result {
        case .success(let message): return message
        case .failure(let rejection): throw rejection
        }
    }

    static func reason(_ result: Result<TrackingMessage, ImportRejection>) -> String? {
        if case .failure(let rejection) = result { return rejection.reason }
        return nil
    }

    /// Feeds rows 2, 3, … and returns everything the converter emitted.
    static func run(_ converter: ImportRowConverter, _ rows: [[String]]) -> [ImportOutcome] {
        var converter = converter
        var outcomes: [ImportOutcome] = []
        for (index, row) in rows.enumerated() { outcomes += converter.consume(row, row: index + 2) }
        return outcomes + converter.finish()
    }

    static func messages(_ outcomes: [ImportOutcome]) -> [(TrackingMessage, [Int])] {
        outcomes.compactMap { if case .message(let m, let rows) = $0 { (m, rows) } else { nil } }
    }

    static func rejections(_ outcomes: [ImportOutcome]) -> [ImportRejection] {
        outcomes.compactMap { if case .rejected(let r) = $0 { r } else { nil } }
    }

    // MARK: Orders

    @Test("a Tmall order row becomes an Order Completed track call with e-commerce properties")
    func tmallOrder() throws {
        let message = try Self.accepted(try Self.converter().message(Self.tmallRow(), row: 2))
        #expect(message.type == .track)
        #expect(message.event == "Order Completed")
        #expect(message.messageID == "import:tmall:order:3051234567890123")
        // 10:01:02 Beijing time is 02:01:02 UTC.
        #expect(message.timestamp == ISO8601.parse("2026-11-01T02:01:02Z"))
        #expect(message.receivedAt == Self.receivedAt)
        #expect(message.properties == [
            "order_id": "3051234567890123", "revenue": 1299, "currency": "CNY", "status": "交易成功", "quantity": 1,
            "products": [["name": "面霜 50ml", "quantity": 1]],
        ])
        #expect(message.context["channel"] == "tmall")
        #expect(message.context["identities"] == ["phone": "+8613800138000", "tmall_nick": "tb_alice"])
    }

    @Test("without a user id the anonymous id names the strongest identity, and userId is null")
    func anonymousIDFromStrongestIdentity() throws {
        let message = try Self.accepted(try Self.converter().message(Self.tmallRow(), row: 2))
        #expect(message.userID == nil)
        #expect(message.payload["userId"] == .null)
        #expect(message.anonymousID == "import:phone:+8613800138000")
    }

    @Test("a user_id column becomes the message's userId")
    func userIDColumn() throws {
        let header = ["order_id", "user_id", "phone", "amount", "time"]
        let message = try Self.accepted(
            try Self.converter(.orders, .generic, header: header).message(
                ["A1", "u-42", "13800138000", "10", "2026-11-01T10:00:00+08:00"], row: 2))
        #expect(message.userID == "u-42")
        #expect(message.anonymousID == nil)
        #expect(message.context["identities"]?["user_id"] == "u-42")
    }

    @Test("the stored payload rebuilds the same message, as the stitcher will read it back")
    func storedPayloadRoundTrip() throws {
        let message = try Self.accepted(try Self.converter().message(Self.tmallRow(), row: 2))
        let reparsed = try JSONParser.parse(JSONWriter.bytes(.object(message.payload)))
        #expect(TrackingMessage(storedPayload: try #require(reparsed.objectValue)) == message)
        let extracted = IdentityExtractor(uniqueTypes: WorkspaceSettings.defaultUniqueIdentityTypes).extract(from: message)
        #expect(Set(extracted.identities.map(\.description)) == [
            "phone:+8613800138000", "tmall_nick:tb_alice", "anonymous_id:import:phone:+8613800138000",
        ])
        #expect(extracted.rejected.isEmpty)
    }

    @Test("the message id depends on the order, not on the row position or the time of the import")
    func deterministicOrderID() throws {
        let first = try Self.accepted(try Self.converter().message(Self.tmallRow(), row: 2))
        let later = try Self.accepted(
            try Self.converter(receivedAt: Self.receivedAt.adding(days: 3)).message(Self.tmallRow(), row: 9))
        #expect(first.messageID == later.messageID)
        let other = try Self.accepted(try Self.converter().message(Self.tmallRow(order: "3051234567890999"), row: 2))
        #expect(other.messageID != first.messageID)
    }

    @Test("an unpaid order takes its creation time; a closed one is an Order Cancelled with its own id")
    func statusAndTimeFallback() throws {
        let message = try Self.accepted(
            try Self.converter().message(Self.tmallRow(amount: "0", status: "交易关闭", paid: ""), row: 2))
        #expect(message.event == "Order Cancelled")
        #expect(message.messageID == "import:tmall:order:3051234567890123:order_cancelled")
        #expect(message.timestamp == ISO8601.parse("2026-11-01T02:00:00Z"))
    }

    @Test("masked identities are never linked; the unmasked one is used")
    func maskedPhoneIsSkipped() throws {
        let message = try Self.accepted(try Self.converter().message(Self.tmallRow(phone: "138****8000"), row: 2))
        #expect(message.context["identities"] == ["tmall_nick": "tb_alice"])
        #expect(message.anonymousID == "import:tmall_nick:tb_alice")
    }

    @Test("a row whose identities are all masked, empty or placeholders is rejected with the reasons")
    func noUsableIdentity() throws {
        let converter = try Self.converter()
        let masked = Self.reason(converter.message(Self.tmallRow(nick: "t**6", phone: "138****8000"), row: 5))
        #expect(masked?.hasPrefix("no usable identity") == true)
        #expect(masked?.contains("'t**6' is masked") == true)
        let junk = Self.reason(converter.message(Self.tmallRow(nick: "null", phone: "0"), row: 5))
        #expect(junk?.hasPrefix("no usable identity") == true)
        let empty = Self.reason(converter.message(Self.tmallRow(nick: "", phone: ""), row: 5))
        #expect(empty?.hasPrefix("no identity") == true)
    }

    @Test("bad cells reject the row with a reason that names the column and the value")
    func rowRejections() throws {
        let converter = try Self.converter()
        #expect(Self.reason(converter.message(Self.tmallRow(amount: "abc"), row: 2))
            == "unparsable amount 'abc' in column 买家实际支付金额")
        #expect(Self.reason(converter.message(Self.tmallRow(paid: "01/11/2026"), row: 2))
            == "unparsable time '01/11/2026' in column 订单付款时间 (format auto)")
        #expect(Self.reason(converter.message(Self.tmallRow(order: ""), row: 2)) == "missing order id (column 订单编号)")
        #expect(Self.reason(converter.message(Self.tmallRow(amount: ""), row: 2))?.hasPrefix("missing amount") == true)
        #expect(Self.reason(converter.message(Self.tmallRow(quantity: "two"), row: 2))
            == "unparsable quantity 'two' in column 宝贝总数量")
        #expect(Self.reason(converter.message(Self.tmallRow(amount: "-5"), row: 2))?.hasPrefix("negative amount") == true)
        #expect(Self.reason(converter.message(Array(Self.tmallRow().dropLast()), row: 2))
            == "expected 10 columns as in the header, found 9")
        #expect(Self.reason(converter.message(Self.tmallRow(paid: "2026-12-25 10:00:00"), row: 2))?.hasSuffix("is in the future") == true)
    }

    @Test("Excel's protections around long numbers are removed from ids")
    func excelTextIsCleaned() throws {
        let converter = try Self.converter()
        for order in ["=\"3051234567890123\"", "\t3051234567890123", "'3051234567890123", " 3051234567890123 "] {
            let message = try Self.accepted(converter.message(Self.tmallRow(order: order), row: 2))
            #expect(message.messageID == "import:tmall:order:3051234567890123")
        }
    }

    // MARK: Orders over several rows

    static let jdHeader = ["订单号", "商品ID", "商品名称", "订购数量", "下单时间", "订单金额", "应付金额", "订单状态", "下单帐号", "联系电话", "京东价"]

    static func jdRow(_ order: String, _ sku: String, _ name: String, quantity: String = "1", price: String = "250.00") -> [String] {
        [order, sku, name, quantity, "2026-01-15 10:00:00", "500.00", "500.00", "完成", "jd_zhang", "1******6198", price]
    }

    @Test("adjacent JD rows of one order are one event with every item; the repeated order total is not summed")
    func jdLinesBecomeOneOrder() throws {
        let outcomes = Self.run(
            try Self.converter(.orders, .jd, header: Self.jdHeader),
            [Self.jdRow("JD-1", "SKU-A", "商品甲"), Self.jdRow("JD-1", "SKU-B", "商品乙", quantity: "2"), Self.jdRow("JD-2", "SKU-A", "商品甲")])
        let messages = Self.messages(outcomes)
        #expect(messages.count == 2)
        #expect(messages.map(\.1) == [[2, 3], [4]])
        let order = messages[0].0
        #expect(order.messageID == "import:jd:order:JD-1")
        #expect(order.properties["revenue"] == 500)
        #expect(order.properties["quantity"] == 3)
        #expect(order.properties["products"]?.arrayValue?.compactMap { $0["product_id"]?.stringValue } == ["SKU-A", "SKU-B"])
        #expect(order.context["identities"] == ["jd_pin": "jd_zhang"])
        #expect(order.context["channel"] == "jd")
    }

    @Test("POS receipt lines are summed exactly into the order's revenue")
    func posLinesAreSummed() throws {
        let header = ["小票号", "门店", "收银时间", "会员卡号", "手机号", "商品编码", "商品名称", "数量", "金额"]
        func line(_ sku: String, _ amount: String) -> [String] {
            ["R-1", "上海静安店", "2026/11/4 9:03", "M001", "", sku, "咖啡", "1", amount]
        }
        let messages = Self.messages(
            Self.run(try Self.converter(.orders, .pos, header: header), [line("C1", "0.10"), line("C1", "0.20")]))
        #expect(messages.count == 1)
        let order = messages[0].0
        #expect(order.properties["revenue"] == 0.3)
        #expect(order.properties["quantity"] == 2)
        #expect(order.properties["store"] == "上海静安店")
        #expect(order.context["channel"] == "offline_store")
        #expect(order.timestamp == ISO8601.parse("2026-11-04T01:03:00Z"))
        #expect(order.anonymousID == "import:member_id:M001")
    }

    @Test("one bad row rejects its whole order, and every row of it is reported")
    func badLineRejectsOrder() throws {
        let outcomes = Self.run(
            try Self.converter(.orders, .jd, header: Self.jdHeader),
            [Self.jdRow("JD-1", "SKU-A", "商品甲"), Self.jdRow("JD-1", "SKU-B", "商品乙", quantity: "x"), Self.jdRow("JD-2", "SKU-A", "商品甲")])
        #expect(Self.messages(outcomes).map(\.0.messageID) == ["import:jd:order:JD-2"])
        let rejections = Self.rejections(outcomes)
        #expect(rejections.map(\.row) == [2, 3])
        #expect(rejections[0].reason.contains("because row 3 was rejected"))
        #expect(rejections[1].reason == "unparsable quantity 'x' in column 订购数量")
    }

    @Test("an order id that comes back after other orders is rejected, naming its first row")
    func nonAdjacentOrderIsRejected() throws {
        let outcomes = Self.run(
            try Self.converter(.orders, .jd, header: Self.jdHeader),
            [Self.jdRow("JD-1", "SKU-A", "商品甲"), Self.jdRow("JD-2", "SKU-A", "商品甲"), Self.jdRow("JD-1", "SKU-C", "商品丙")])
        #expect(Self.messages(outcomes).count == 2)
        #expect(Self.rejections(outcomes) == [
            ImportRejection(row: 4, reason: "order JD-1 already appeared at row 2; the rows of one order must be next to each other"),
        ])
    }

    @Test("a row repeated word for word in an order-per-row export is a duplicate, and the order is kept")
    func identicalRowIsDuplicate() throws {
        let outcomes = Self.run(try Self.converter(), [Self.tmallRow(), Self.tmallRow()])
        #expect(Self.messages(outcomes).map(\.1) == [[2]])
        #expect(Self.rejections(outcomes) == [ImportRejection(row: 3, reason: "duplicate of row 2")])
    }

    // MARK: Customers

    static let crmHeader = ["会员卡号", "手机号", "姓名", "性别", "积分", "注册门店"]

    @Test("a customer row becomes an identify call with its traits and identities")
    func customerIdentify() throws {
        let message = try Self.accepted(
            try Self.converter(.customers, .pos, header: Self.crmHeader).message(
                ["M001", "+86 138-0013-8000", "张三", "女", "1200", "静安店"], row: 2))
        #expect(message.type == .identify)
        #expect(message.payload["traits"] == ["name": "张三", "gender": "女", "points": "1200", "home_store": "静安店"])
        #expect(message.personTraits["name"] == "张三")
        #expect(message.context["identities"] == ["member_id": "M001", "phone": "+8613800138000"])
        #expect(message.anonymousID == "import:member_id:M001")
        #expect(message.timestamp == Self.receivedAt)
        #expect(message.context["channel"] == "offline_store")
        #expect(message.messageID.hasPrefix("import:pos:customer:"))
    }

    @Test("a customer's message id is a digest of the row's content: the same row again is a duplicate, a change is not")
    func customerDigest() throws {
        let row = ["M001", "13800138000", "张三", "女", "1200", "静安店"]
        let first = try Self.accepted(try Self.converter(.customers, .pos, header: Self.crmHeader).message(row, row: 2))
        let again = try Self.accepted(
            try Self.converter(.customers, .pos, header: Self.crmHeader, receivedAt: Self.receivedAt.adding(days: 1))
                .message(row, row: 7))
        #expect(first.messageID == again.messageID)
        var changed = row
        changed[4] = "1300"
        let updated = try Self.accepted(try Self.converter(.customers, .pos, header: Self.crmHeader).message(changed, row: 2))
        #expect(updated.messageID != first.messageID)
    }

    // MARK: Mappings

    @Test("a user mapping extends a preset with the brand's own columns and identity types")
    func overrideExtendsPreset() throws {
        let header = ["单号", "会员号", "买家昵称", "手机号", "实付", "时间"]
        let override = try ImportMapping(json: [
            "orderId": "单号", "amount": "实付", "timestamp": "时间", "timestampFormat": "yyyy/MM/dd HH:mm",
            "identities": ["会员号": "member_id", "买家昵称": "tmall_nick"],
        ])
        let converter = try Self.converter(.orders, .generic, header: header, override: override)
        let message = try Self.accepted(converter.message(["A-7", "M9", "nick9", "13800138000", "¥88", "2026/11/5 08:30"], row: 2))
        #expect(message.context["identities"] == ["member_id": "M9", "tmall_nick": "nick9", "phone": "+8613800138000"])
        #expect(message.properties["revenue"] == 88)
        #expect(message.timestamp == ISO8601.parse("2026-11-05T00:30:00Z"))
        #expect(converter.mapping.identities["手机号"] == .some("phone"))
    }

    @Test("null in a user mapping removes a preset's column")
    func overrideRemovesColumn() throws {
        let override = try ImportMapping(json: ["identities": ["收货人手机号": nil]])
        let message = try Self.accepted(try Self.converter(override: override).message(Self.tmallRow(), row: 2))
        #expect(message.context["identities"] == ["tmall_nick": "tb_alice"])
    }

    @Test("a mapping that names a column the file lacks is refused, listing the file's columns")
    func unknownColumn() throws {
        let override = try ImportMapping(json: ["identities": ["会员号": "member_id"]])
        let error = #expect(throws: ImportMappingError.self) { try Self.converter(override: override) }
        #expect(error?.message.contains("'会员号'") == true)
        #expect(error?.message.contains("'订单编号'") == true)
    }

    @Test("an orders file without an order id, amount or time column is refused")
    func requiredRoles() {
        let error = #expect(throws: ImportMappingError.self) {
            try Self.converter(header: ["买家会员名", "买家实际支付金额", "订单付款时间"])
        }
        #expect(error?.message.hasPrefix("no column for the order id") == true)
        #expect(throws: ImportMappingError.self) { try Self.converter(.customers, .pos, header: ["姓名", "性别"]) }
    }

    @Test("invalid identity types, reserved properties and order roles for customers are refused")
    func invalidMappings() throws {
        let badType = try ImportMapping(json: ["identities": ["买家会员名": "Tmall Nick"]])
        #expect(throws: ImportMappingError.self) { try Self.converter(override: badType) }
        let reserved = try ImportMapping(json: ["properties": ["宝贝标题": "revenue"]])
        #expect(throws: ImportMappingError.self) { try Self.converter(override: reserved) }
        let orderRole = try ImportMapping(json: ["orderId": "会员卡号"])
        #expect(throws: ImportMappingError.self) { try Self.converter(.customers, .pos, header: Self.crmHeader, override: orderRole) }
    }

    @Test("the JSON form takes a column or a list of columns and refuses unknown keys")
    func mappingJSON() throws {
        let mapping = try ImportMapping(jsonText: Array(#"{"amount": ["实付", "总额"], "orderId": "单号", "delimiter": "tab"}"#.utf8))
        #expect(mapping.amount == ["实付", "总额"])
        #expect(mapping.orderID == ["单号"])
        #expect(mapping.delimiter == .tab)
        let error = #expect(throws: ImportMappingError.self) { try ImportMapping(json: ["orderID": "单号"]) }
        #expect(error?.message.hasPrefix("unknown mapping key 'orderID'") == true)
        #expect(throws: ImportMappingError.self) { try ImportMapping(json: ["identities": ["手机号": 1]]) }
    }

    @Test("Codable reads and writes the same documents as the API")
    func mappingCodable() throws {
        let text = #"{"identities":{"手机号":"phone","联系手机":null},"amount":"实付","utcOffset":"+08:00"}"#
        let decoded = try JSONDecoder().decode(ImportMapping.self, from: Data(text.utf8))
        #expect(decoded == (try ImportMapping(jsonText: Array(text.utf8))))
        #expect(decoded.identities["联系手机"] == .some(nil))
        let reencoded = try JSONDecoder().decode(ImportMapping.self, from: try JSONEncoder().encode(decoded))
        #expect(reencoded == decoded)
    }

    // MARK: Cell formats

    @Test("auto reads every year-first shape exports write", arguments: [
        "2026-11-22 12:16:24", "2026-11-22T12:16:24", "2026-11-22T04:16:24Z", "2026-11-22T12:16:24+08:00",
        "2026/11/22 12:16:24", "2026/11/22 12:16:24.000", "2026年11月22日 12:16:24", "20261122121624", "2026.11.22 12:16:24",
    ])
    func autoTimeFormats(text: String) {
        #expect(ImportTimeFormat.auto.parse(text, defaultOffsetSeconds: 8 * 3600)?.millisecondsSinceEpoch == 1_795_320_984_000)
    }

    @Test("Excel's dropped leading zeros are read")
    func excelDates() {
        #expect(ImportTimeFormat.auto.parse("2026/1/5 9:03", defaultOffsetSeconds: 0) == ISO8601.parse("2026-01-05T09:03:00Z"))
    }

    @Test("auto never guesses day-first or month-first dates; an explicit pattern reads them")
    func explicitPattern() throws {
        #expect(ImportTimeFormat.auto.parse("05/01/2026 09:03", defaultOffsetSeconds: 0) == nil)
        let dayFirst = try ImportTimeFormat("dd/MM/yyyy HH:mm")
        #expect(dayFirst.parse("05/01/2026 09:03", defaultOffsetSeconds: 0) == ISO8601.parse("2026-01-05T09:03:00Z"))
        #expect(dayFirst.parse("2026/01/05 09:03", defaultOffsetSeconds: 0) == nil)
        #expect(throws: ImportMappingError.self) { try ImportTimeFormat("HH:mm") }
        #expect(try ImportTimeFormat("unix_seconds").parse("1795320984", defaultOffsetSeconds: 0)?.millisecondsSinceEpoch
            == 1_795_320_984_000)
        #expect(ImportTimeFormat.auto.parse("2026-02-30 10:00", defaultOffsetSeconds: 0) == nil)
    }

    @Test("UTC offsets are read in the usual spellings")
    func offsets() throws {
        #expect(try ImportTimeFormat.offsetSeconds("+08:00") == 28_800)
        #expect(try ImportTimeFormat.offsetSeconds("+0800") == 28_800)
        #expect(try ImportTimeFormat.offsetSeconds("+8") == 28_800)
        #expect(try ImportTimeFormat.offsetSeconds("-05:30") == -19_800)
        #expect(try ImportTimeFormat.offsetSeconds("UTC") == 0)
        #expect(throws: ImportMappingError.self) { try ImportTimeFormat.offsetSeconds("Asia/Shanghai") }
    }

    @Test("amounts are read exactly in ten-thousandths, with currency marks and thousands separators")
    func amounts() {
        #expect(ImportCell.parseAmount("1,299.50") == 12_995_000)
        #expect(ImportCell.parseAmount("¥99") == 990_000)
        #expect(ImportCell.parseAmount("￥ 0.1") == 1_000)
        #expect(ImportCell.parseAmount("88元") == 880_000)
        #expect(ImportCell.parseAmount("-3.5") == -35_000)
        #expect(ImportCell.parseAmount(".5") == 5_000)
        for bad in ["", "abc", "1.2.3", "1e5", "12.34567", "$5", "1,2a"] {
            #expect(ImportCell.parseAmount(bad) == nil, "\(bad)")
        }
    }

    @Test("the digest is SHA-256")
    func digest() {
        #expect(ImportMessageBuilder.digest(Array("abc".utf8), bytes: 32)
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ImportMessageBuilder.digest([], bytes: 32)
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array(repeating: UInt8(ascii: "a"), count: 1_000)
        #expect(ImportMessageBuilder.digest(long, bytes: 4) == "41edece4")
    }
}
