import ArgumentParser
import PondCore
import PondStore
import Synchronization

typealias Mutex = Synchronization.Mutex

/// Realistic tracking traffic for the ingest benchmark: a mix of product views, orders, page views and
/// identifies from a population of returning customers, shaped like what the Segment SDKs send.
enum BenchData {
    enum MessageIDs: String, ExpressibleByArgument, Sendable {
        case uuid, sequential
    }

    static func message(batch: Int, index: Int, ids: MessageIDs) -> JSONValue {
        let n = batch * 1_000 + index
        let user = "u\(n % 50_000)"
        let base: [String: JSONValue] = [
            "messageId": .string(ids == .uuid ? uuid(n) : "bench-\(String(n, radix: 10).leftPadded(12))"),
            "anonymousId": .string("anon-\(n % 80_000)"),
            "timestamp": "2026-11-20T08:15:30.123+08:00",
            "context": [
                "library": ["name": "analytics-python", "version": "2.3.4"], "ip": "10.1.2.3",
                "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.44",
            ],
        ]
        var message = base
        switch n % 10 {
        case 0:
            message["type"] = "identify"
            message["userId"] = .string(user)
            message["traits"] = ["name": "张静", "phone": .string("138\(String(10_000_000 + n % 80_000_000))"), "city": "上海", "member_level": "gold"]
        case 1, 2:
            message["type"] = "track"
            message["userId"] = .string(user)
            message["event"] = "Order Completed"
            message["properties"] = [
                "order_id": .string("o-\(n)"), "revenue": 329.0, "currency": "CNY", "category": "护肤",
                "products": [["sku": "SKU-1001", "name": "玻尿酸保湿精华 30ml", "price": 329, "quantity": 1]],
            ]
        case 3, 4, 5:
            message["type"] = "page"
            message["name"] = "商品详情"
            message["properties"] = ["url": "https://shop.example.cn/p/1001", "referrer": "https://servicewechat.com/"]
        default:
            message["type"] = "track"
            message["event"] = "Product Viewed"
            message["properties"] = ["sku": "SKU-1001", "category": "护肤", "price": 329]
        }
        return .object(message)
    }

    /// A UUID-shaped id, as the SDKs send (uuid4): random, so each insert lands somewhere else in the
    /// deduplication index, as it does in production. Fixed per message so that runs are alike.
    static func uuid(_ n: Int) -> String {
        var state = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let hex = String(next(), radix: 16).leftPadded(16) + String(next(), radix: 16).leftPadded(16)
        let digits = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }

    static let rawWorkspace = "ws_raw_reference"

    static func bodies(batches: Int, batchSize: Int, ids: MessageIDs) -> [[UInt8]] {
        (0..<batches).map { batch in
            JSONWriter.bytes([
                "batch": .array((0..<batchSize).map { message(batch: batch, index: $0, ids: ids) }),
                "sentAt": "2026-11-20T08:15:31.000+08:00",
            ])
        }
    }

    /// The rows the tracking API would write for the same batches, in another workspace so that deduplication
    /// does not skip them.
    static func rows(batches: Int, batchSize: Int, ids: MessageIDs) -> [[[SQLValue]]] {
        let parser = MessageParser { "generated" }
        let now = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
        return (0..<batches).map { batch in
            let body = JSONWriter.bytes(["batch": .array((0..<batchSize).map { message(batch: batch, index: $0, ids: ids) })])
            let messages = (try? parser.parse(body: body, endpoint: nil, receivedAt: now).messages) ?? []
            return messages.map {
                Store.eventRow(IncomingEvent(workspaceID: rawWorkspace, source: "bench", channel: "server", message: $0))
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
