import PondCore
import PondStore
import Synchronization

typealias Mutex = Synchronization.Mutex

/// Realistic tracking traffic for the ingest benchmark: a mix of product views, orders, page views and
/// identifies from a population of returning customers, shaped like what the Segment SDKs send.
enum BenchData {
    static func message(batch: Int, index: Int) -> JSONValue {
        let n = batch * 1_000 + index
        let user = "u\(n % 50_000)"
        let base: [String: JSONValue] = [
            "messageId": .string("bench-\(batch)-\(index)"), "anonymousId": .string("anon-\(n % 80_000)"),
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

    static let rawWorkspace = "ws_raw_reference"

    static func bodies(batches: Int, batchSize: Int) -> [[UInt8]] {
        (0..<batches).map { batch in
            JSONWriter.bytes([
                "batch": .array((0..<batchSize).map { message(batch: batch, index: $0) }),
                "sentAt": "2026-11-20T08:15:31.000+08:00",
            ])
        }
    }

    /// The rows the tracking API would write for the same batches, in another workspace so that deduplication
    /// does not skip them.
    static func rows(batches: Int, batchSize: Int) -> [[[SQLValue]]] {
        let parser = MessageParser { "generated" }
        let now = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
        return (0..<batches).map { batch in
            let body = JSONWriter.bytes(["batch": .array((0..<batchSize).map { message(batch: batch, index: $0) })])
            let messages = (try? parser.parse(body: body, endpoint: nil, receivedAt: now).messages) ?? []
            return messages.map {
                Store.eventRow(IncomingEvent(workspaceID: rawWorkspace, source: "bench", channel: "server", message: $0))
            }
        }
    }
}
