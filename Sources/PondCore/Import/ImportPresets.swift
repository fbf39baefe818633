/// Ready-made mappings for the exports brands actually have.
///
/// Header names follow the platforms' export files, which change between template versions; each role therefore
/// lists every spelling seen, best first, and columns missing from a file are simply not used. Where an export
/// masks personal data (phones as `138****8000`, nicknames as `t**6`, since PIPL), those cells are skipped rather
/// than linked: see `ImportRowConverter`.
public enum ImportPreset: String, Sendable, Codable, CaseIterable {
    /// 天猫/淘宝 seller centre: 订单报表 (`ExportOrderList…csv`, one row per order) and customer lists from 客户运营平台.
    case tmall
    /// 京东 POP merchant backend: 订单导出 (one row per item; the order's amounts repeat on each row) and member lists.
    case jd
    /// Point-of-sale exports, one row per receipt line (Pond's own layout; Chinese or English headers).
    case pos
    /// Plain CSVs from a CRM or a spreadsheet, with common English or Chinese headers.
    case generic

    /// The event source recorded on imported events (`import:tmall`).
    public var source: String { "import:\(rawValue)" }

    public func mapping(for kind: ImportKind) -> ImportMapping {
        switch (self, kind) {
        case (.tmall, .orders): Self.tmallOrders
        case (.tmall, .customers): Self.tmallCustomers
        case (.jd, .orders): Self.jdOrders
        case (.jd, .customers): Self.jdCustomers
        case (.pos, .orders): Self.posOrders
        case (.pos, .customers): Self.posCustomers
        case (.generic, .orders): Self.genericOrders
        case (.generic, .customers): Self.genericCustomers
        }
    }

    /// Times in Chinese exports are Beijing time without an offset.
    static let chinaOffset = "+08:00"

    static let tmallOrders = ImportMapping(
        channel: "tmall", delimiter: .comma,
        orderID: ["订单编号", "订单号"],
        // An unpaid or closed order may have no actual payment; the order total is the fallback.
        amount: ["买家实际支付金额", "实付金额", "总金额"],
        amountPerLine: false, currency: "CNY",
        timestamp: ["订单付款时间", "付款时间", "订单创建时间", "创建时间"],
        timestampFormat: "auto", utcOffset: chinaOffset,
        productID: ["宝贝ID", "商品ID"], sku: ["商家编码", "商品编码"], product: ["宝贝标题", "商品标题"],
        category: ["类目", "宝贝类目"], quantity: ["宝贝总数量", "购买数量", "宝贝数量"], price: ["价格", "单价"],
        status: ["订单状态"],
        identities: [
            "买家会员名": "tmall_nick", "买家昵称": "tmall_nick",
            "买家支付宝账号": "alipay_account",
            "收货人手机号": "phone", "联系手机": "phone", "手机号": "phone",
        ],
        properties: [
            "店铺名称": "shop", "买家应付邮费": "shipping", "总金额": "total", "订单关闭原因": "close_reason",
            "物流公司": "carrier",
        ],
        statusEvents: [
            "交易关闭": "Order Cancelled", "等待买家付款": "Order Created", "交易关闭(退款)": "Order Refunded",
        ])

    static let tmallCustomers = ImportMapping(
        channel: "tmall", delimiter: .comma, timestampFormat: "auto", utcOffset: chinaOffset,
        identities: [
            "买家会员名": "tmall_nick", "会员名": "tmall_nick", "买家昵称": "tmall_nick", "客户昵称": "tmall_nick",
            "手机号": "phone", "手机号码": "phone", "联系手机": "phone", "邮箱": "email",
        ],
        traits: [
            "姓名": "name", "性别": "gender", "生日": "birthday", "省份": "province", "城市": "city",
            "会员等级": "tmall_member_level", "会员积分": "tmall_points", "入会时间": "tmall_member_since",
            "交易总额": "tmall_total_spent", "交易次数": "tmall_order_count", "最后交易时间": "tmall_last_order_at",
        ])

    static let jdOrders = ImportMapping(
        channel: "jd", delimiter: .comma,
        orderID: ["订单号", "订单编号"],
        amount: ["应付金额", "订单金额", "实付金额"],
        amountPerLine: false, currency: "CNY",
        timestamp: ["付款确认时间", "付款时间", "下单时间"],
        timestampFormat: "auto", utcOffset: chinaOffset,
        productID: ["商品ID", "商品编号"], sku: ["货号", "商家SKU"], product: ["商品名称"], category: ["商品类目", "类目"],
        quantity: ["订购数量", "商品数量"], price: ["京东价", "商品单价"], status: ["订单状态"],
        identities: ["下单帐号": "jd_pin", "下单账号": "jd_pin", "联系电话": "phone", "手机号": "phone"],
        properties: [
            "支付方式": "payment_method", "订单类型": "order_type", "订单来源": "order_source", "订单渠道": "order_channel",
            "运费金额": "shipping", "订单金额": "total",
        ],
        statusEvents: ["已取消": "Order Cancelled", "等待付款": "Order Created", "退款成功": "Order Refunded"])

    static let jdCustomers = ImportMapping(
        channel: "jd", delimiter: .comma, timestampFormat: "auto", utcOffset: chinaOffset,
        identities: [
            "用户名": "jd_pin", "京东账号": "jd_pin", "用户账号": "jd_pin", "下单帐号": "jd_pin", "用户PIN": "jd_pin",
            "手机号": "phone", "手机号码": "phone", "联系电话": "phone", "邮箱": "email",
        ],
        traits: [
            "姓名": "name", "性别": "gender", "生日": "birthday", "省份": "province", "城市": "city",
            "会员等级": "jd_member_level", "会员积分": "jd_points", "入会时间": "jd_member_since",
        ])

    /// One row per receipt line: `小票号, 门店, 收银时间, 会员卡号, 手机号, 商品编码, 商品名称, 品类, 数量, 单价, 金额,
    /// 支付方式, 导购, 状态` (or `receipt_no, store, time, member_id, phone, sku, product, category, quantity, unit_price,
    /// amount, payment_method, staff, status`). `金额`/`amount` is the line's amount; the lines of one receipt are
    /// summed into the order's revenue.
    static let posOrders = ImportMapping(
        channel: "offline_store", delimiter: .comma,
        orderID: ["小票号", "单据号", "流水号", "receipt_no", "order_id"],
        amount: ["金额", "实收金额", "小计", "amount", "line_amount"],
        amountPerLine: true, currency: "CNY",
        timestamp: ["收银时间", "交易时间", "销售时间", "time", "sold_at"],
        timestampFormat: "auto", utcOffset: chinaOffset,
        productID: ["商品ID", "product_id"], sku: ["商品编码", "条码", "sku", "barcode"], product: ["商品名称", "product"],
        category: ["品类", "类别", "category"], quantity: ["数量", "quantity"], price: ["单价", "unit_price"],
        status: ["状态", "status"],
        identities: [
            "会员卡号": "member_id", "会员号": "member_id", "member_id": "member_id",
            "手机号": "phone", "手机": "phone", "phone": "phone", "mobile": "phone",
            "unionid": "wechat_unionid", "user_id": "user_id",
        ],
        properties: [
            "门店": "store", "门店编码": "store_id", "store": "store", "store_id": "store_id",
            "支付方式": "payment_method", "payment_method": "payment_method",
            "导购": "staff", "staff": "staff", "收银台": "register", "register": "register",
        ],
        statusEvents: [
            "退货": "Order Refunded", "退款": "Order Refunded", "refund": "Order Refunded", "refunded": "Order Refunded",
            "作废": "Order Cancelled", "void": "Order Cancelled", "cancelled": "Order Cancelled",
        ])

    /// A store membership list: `会员卡号, 手机号, 姓名, 性别, 生日, 注册门店, 注册时间, 积分, 等级`.
    static let posCustomers = ImportMapping(
        channel: "offline_store", delimiter: .comma, timestampFormat: "auto", utcOffset: chinaOffset,
        identities: [
            "会员卡号": "member_id", "会员号": "member_id", "member_id": "member_id",
            "手机号": "phone", "手机": "phone", "phone": "phone", "mobile": "phone",
            "邮箱": "email", "email": "email", "unionid": "wechat_unionid", "user_id": "user_id",
        ],
        traits: [
            "姓名": "name", "name": "name", "性别": "gender", "gender": "gender", "生日": "birthday",
            "birthday": "birthday", "注册门店": "home_store", "home_store": "home_store", "注册时间": "registered_at",
            "registered_at": "registered_at", "积分": "points", "points": "points", "等级": "member_level",
            "member_level": "member_level",
        ])

    static let genericIdentities: [String: String?] = [
        "user_id": "user_id", "userId": "user_id", "用户ID": "user_id",
        "member_id": "member_id", "会员号": "member_id", "会员卡号": "member_id",
        "phone": "phone", "mobile": "phone", "手机号": "phone", "手机": "phone", "手机号码": "phone",
        "email": "email", "邮箱": "email",
        "unionid": "wechat_unionid", "wechat_unionid": "wechat_unionid",
        "external_userid": "wecom_external_userid", "wecom_external_userid": "wecom_external_userid",
    ]

    static let genericOrders = ImportMapping(
        channel: "import", delimiter: .comma,
        orderID: ["order_id", "订单号", "订单编号"],
        amount: ["revenue", "amount", "total", "实付金额", "金额", "订单金额"],
        amountPerLine: false, currency: "CNY",
        timestamp: ["timestamp", "paid_at", "created_at", "order_time", "time", "付款时间", "下单时间", "订单时间"],
        timestampFormat: "auto", utcOffset: chinaOffset,
        productID: ["product_id", "商品ID"], sku: ["sku", "商品编码"], product: ["product", "product_name", "商品名称"],
        category: ["category", "品类", "类目"], quantity: ["quantity", "数量"], price: ["price", "单价"],
        status: ["status", "订单状态", "状态"],
        identities: genericIdentities,
        properties: ["store": "store", "门店": "store", "shop": "shop", "店铺": "shop"])

    static let genericCustomers = ImportMapping(
        channel: "crm", delimiter: .comma, timestampFormat: "auto", utcOffset: chinaOffset,
        identities: genericIdentities,
        traits: [
            "name": "name", "姓名": "name", "gender": "gender", "性别": "gender", "birthday": "birthday",
            "生日": "birthday", "city": "city", "城市": "city", "province": "province", "省份": "province",
            "member_level": "member_level", "会员等级": "member_level", "points": "points", "积分": "points",
        ])
}
