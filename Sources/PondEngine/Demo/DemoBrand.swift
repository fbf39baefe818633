import PondCore

/// A synthetic cosmetics brand (美妆品牌) for `pond demo`: a few thousand customers who browse the mini program,
/// log in, buy online, on Tmall and in offline stores, and add a store assistant on WeCom — each touchpoint
/// knowing them by a different id, so the demo shows identity stitching doing its job.
///
/// Generation is deterministic for a seed, so two demo runs tell the same story and re-seeding the same file
/// stores nothing new (message ids are stable).
public struct DemoBrand: Sendable {
    public struct Event: Sendable {
        public var source: String
        public var channel: String
        public var message: TrackingMessage
    }

    public var customers: Int
    public var seed: UInt64
    public var now: Instant

    public init(customers: Int = 3_000, seed: UInt64 = 2026, now: Instant) {
        self.customers = customers
        self.seed = seed
        self.now = now
    }

    /// Customer kinds, which shape how often and how recently they buy.
    enum Persona: CaseIterable {
        case superFan, loyal, promising, newcomer, dormant, lapsed, browser

        var weight: Int {
            switch self {
            case .superFan: return 5
            case .loyal: return 15
            case .promising: return 15
            case .newcomer: return 15
            case .dormant: return 15
            case .lapsed: return 10
            case .browser: return 25
            }
        }

        /// (order count range, days-ago range of the orders)
        var orders: (ClosedRange<Int>, ClosedRange<Int>) {
            switch self {
            case .superFan: return (8...20, 1...360)
            case .loyal: return (3...8, 1...300)
            case .promising: return (2...3, 5...120)
            case .newcomer: return (1...1, 1...30)
            case .dormant: return (1...4, 120...300)
            case .lapsed: return (1...3, 300...720)
            case .browser: return (0...0, 1...1)
            }
        }
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤").map(String.init)
    static let givenNames = ["静", "丽", "敏", "婷", "芳", "娜", "雪", "琳", "晶", "颖", "佳怡", "梓涵", "欣怡", "雨桐", "思琪", "子轩", "浩然", "宇航", "晓明", "嘉欣", "可馨", "诗涵", "一诺", "若曦"]
    static let cities = ["上海", "北京", "广州", "深圳", "杭州", "成都", "南京", "武汉", "西安", "苏州", "重庆", "长沙"]
    static let stores = ["pos-shanghai-jingan", "pos-beijing-sanlitun", "pos-hangzhou-hubin", "pos-chengdu-taikoo"]
    static let products: [(name: String, category: String, price: Int)] = [
        ("玻尿酸保湿精华 30ml", "护肤", 329), ("烟酰胺焕亮面膜 5片", "护肤", 129), ("修护面霜 50g", "护肤", 459),
        ("氨基酸洁面乳", "护肤", 89), ("丝绒哑光口红", "彩妆", 239), ("持妆粉底液", "彩妆", 369), ("眼影盘 12色", "彩妆", 299),
        ("白茶淡香水 50ml", "香氛", 520), ("护手霜礼盒", "个护", 158), ("洗发水 500ml", "个护", 98), ("婴儿润肤乳", "母婴", 139),
    ]

    public func generate() -> [Event] {
        var rng = SplitMix64(seed: seed)
        var events: [Event] = []
        let totalWeight = Persona.allCases.reduce(0) { $0 + $1.weight }
        for index in 0..<customers {
            var pick = (rng.int((totalWeight)))
            let persona = Persona.allCases.first { pick -= $0.weight; return pick < 0 } ?? .browser
            events += customer(index, persona: persona, rng: &rng)
        }
        return events.sorted { $0.message.timestamp < $1.message.timestamp }
    }

    private func customer(_ index: Int, persona: Persona, rng: inout SplitMix64) -> [Event] {
        let anonymous = "mp-\(hex(rng.next()))"
        let userID = "u\(100_000 + index)"
        let phone = "1\([3, 5, 7, 8, 9][(rng.int(5))])\(String(rng.int(1_000_000_000) + 1_000_000_000).suffix(9))"
        let unionID = "oUnion\(hex(rng.next()).prefix(12))"
        let openID = "oMp\(hex(rng.next()).prefix(14))"
        let externalUserID = "wmDemo\(hex(rng.next()).prefix(14))"
        let memberID = "M\(20_000_000 + index)"
        let hasPhone = rng.chance(70)
        let isMember = persona != .browser && rng.chance(55)
        let onWeCom = rng.chance(40)
        let logsIn = persona != .browser || rng.chance(30)
        let name = Self.surnames[(rng.int((Self.surnames.count)))]
            + Self.givenNames[(rng.int((Self.givenNames.count)))]
        let city = Self.cities[(rng.int((Self.cities.count)))]
        let (orderCount, window) = persona.orders
        let firstDay = persona == .browser ? (rng.int(200)) + 1 : window.upperBound + 5
        var events: [Event] = []
        var serial = 0
        func at(_ daysAgo: Int) -> Instant {
            now.adding(milliseconds: -Int64(daysAgo) * 86_400_000 - Int64(rng.int(86_400_000)))
        }
        func add(
            _ type: MessageType, source: String, channel: String, event: String? = nil, user: String? = nil,
            anonymous anon: String? = nil, time: Instant, properties: [String: JSONValue] = [:],
            traits: [String: JSONValue] = [:], identities: [String: JSONValue] = [:]
        ) {
            serial += 1
            var payload: [String: JSONValue] = [
                "type": .string(type.rawValue), "messageId": .string("demo-\(seed)-\(index)-\(serial)"),
                "userId": user.map(JSONValue.string) ?? .null, "anonymousId": anon.map(JSONValue.string) ?? .null,
                "timestamp": .string(ISO8601.format(time)), "receivedAt": .string(ISO8601.format(time)),
            ]
            var context: [String: JSONValue] = ["channel": .string(channel)]
            if !identities.isEmpty { context["identities"] = .object(identities) }
            payload["context"] = .object(context)
            if type == .track, let event { payload["event"] = .string(event) }
            if type == .page || type == .screen, let event { payload["name"] = .string(event) }
            if !properties.isEmpty { payload["properties"] = .object(properties) }
            if !traits.isEmpty { payload["traits"] = .object(traits) }
            let message = TrackingMessage(
                type: type, messageID: payload["messageId"]!.stringValue!, userID: user, anonymousID: anon, event: event,
                timestamp: time, receivedAt: time, payload: payload)
            events.append(Event(source: source, channel: channel, message: message))
        }

        // First visit: anonymous browsing in the mini program, known by its openid.
        let firstSeen = at(firstDay)
        add(.screen, source: "mini-program", channel: "mini_program", event: "首页", anonymous: anonymous, time: firstSeen,
            identities: ["wechat_openid:wxdemo_mp": .string(openID)])
        for _ in 0..<(rng.int(4)) {
            let product = Self.products[(rng.int((Self.products.count)))]
            add(.track, source: "mini-program", channel: "mini_program", event: "Product Viewed", anonymous: anonymous,
                time: firstSeen.adding(milliseconds: Int64(rng.int(3_600_000))),
                properties: ["product": .string(product.name), "category": .string(product.category), "price": .int(Int64(product.price))])
        }
        if logsIn {
            var traits: [String: JSONValue] = [
                "name": .string(name), "city": .string(city), "gender": .string(rng.chance(85) ? "female" : "male"),
                "birthday": .string("19\(80 + (rng.int(20)))-\(String(format2((rng.int(12)) + 1)))-\(format2((rng.int(28)) + 1))"),
            ]
            if hasPhone { traits["phone"] = .string(phone) }
            if isMember { traits["member_id"] = .string(memberID) }
            // The mini program's skincare class (护肤课堂) counts the days in a row a member studied.
            if isMember, rng.chance(30) { traits["streak_days"] = .int(Int64(rng.int(30) + 1)) }
            traits["wechat_unionid"] = .string(unionID)
            add(.identify, source: "mini-program", channel: "mini_program", user: userID, anonymous: anonymous,
                time: firstSeen.adding(milliseconds: 3_700_000), traits: traits)
            add(.track, source: "mini-program", channel: "mini_program", event: "Signed In", user: userID,
                anonymous: anonymous, time: firstSeen.adding(milliseconds: 3_700_001))
        }
        if onWeCom {
            add(.track, source: "wecom", channel: "wecom", event: "WeCom Contact Added", anonymous: "wecom-\(externalUserID)",
                time: firstSeen.adding(days: (rng.int(10))),
                properties: ["staff": .string("导购-\(["小美", "小雅", "阿琳", "Coco"][(rng.int(4))])")],
                identities: ["wecom_external_userid": .string(externalUserID), "wechat_unionid": .string(unionID)])
        }
        let orders = (rng.int((orderCount.count))) + orderCount.lowerBound
        for n in 0..<orders {
            let daysAgo = (rng.int((window.count))) + window.lowerBound
            let product = Self.products[(rng.int((Self.products.count)))]
            let quantity = (rng.int(3)) + 1
            let amount = Double(product.price * quantity) * (rng.chance(30) ? 0.85 : 1.0)
            let properties: [String: JSONValue] = [
                "order_id": .string("D\(index)-\(n)"), "revenue": .double(amount), "currency": "CNY",
                "category": .string(product.category), "product": .string(product.name), "quantity": .int(Int64(quantity)),
            ]
            switch rng.int(10) {
            case 0..<4 where logsIn:
                add(.track, source: "mini-program", channel: "mini_program", event: "Order Completed", user: userID,
                    anonymous: anonymous, time: at(daysAgo), properties: properties)
            case 4..<7 where hasPhone:
                add(.track, source: "tmall-export", channel: "tmall", event: "Order Completed", anonymous: "tmall-\(phone)",
                    time: at(daysAgo), properties: properties, identities: ["phone": .string(phone)])
            default:
                let store = Self.stores[(rng.int((Self.stores.count)))]
                var identities: [String: JSONValue] = [:]
                if isMember { identities["member_id"] = .string(memberID) }
                if hasPhone { identities["phone"] = .string(phone) }
                if identities.isEmpty { identities["wechat_unionid"] = .string(unionID) }
                add(.track, source: store, channel: "offline_store", event: "Order Completed",
                    anonymous: "pos-\(memberID)", time: at(daysAgo), properties: properties.merging(["store": .string(store)]) { $1 },
                    identities: identities)
            }
        }
        return events
    }

    private func hex(_ value: UInt64) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s
    }

    private func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
