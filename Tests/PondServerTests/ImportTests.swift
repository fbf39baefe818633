import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PondCore
import PondStore
import PondTestSupport
import Testing

@testable import PondServer

/// `POST /api/v1/imports` driven in-process over a real store, then stitched, then checked on the profiles — the
/// path a brand's Tmall export takes.
@Suite("CSV import API")
struct ImportTests {
    struct Harness: Sendable {
        let runtime: PondRuntime
        let workspaceID: String
        let adminKey: String
        let writeKey: String

        var admin: HTTPFields { [.authorization: "Bearer \(adminKey)", .contentType: "text/csv"] }
        var store: Store { runtime.store }

        func stitch() async throws {
            while try await store.stitchPending(limit: 100).events == 100 {}
        }

        func profile(_ type: String, _ value: String) async throws -> ProfileView? {
            guard let id = try await store.profileID(workspaceID: workspaceID, identity: Identity(uncheckedType: type, value: value))
            else { return nil }
            return try await store.profile(workspaceID: workspaceID, id: id)
        }
    }

    /// The application without its stitching service: the tests stitch when they choose to (`Harness.stitch`).
    static func run(on backend: TestBackend, _ body: @Sendable (Harness, any TestClientProtocol) async throws -> Void) async throws {
        try await TestPond.run(on: backend, stitching: false) { pond, client in
            let harness = Harness(runtime: pond.runtime, workspaceID: pond.workspaceID, adminKey: pond.adminKey, writeKey: pond.writeKey)
            try await body(harness, client)
        }
    }

    static func csv(_ text: String) -> ByteBuffer { ByteBuffer(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8)) }

    /// A Tmall 订单报表 excerpt: Excel's ="…" around an order number, a thousands separator, a quoted comma, a masked
    /// phone (the nickname still identifies the buyer), an unparsable amount, and a row with nothing usable.
    static let tmallOrders = csv(
        #"""
        订单编号,买家会员名,买家实际支付金额,订单状态,收货人手机号 ,订单创建时间,订单付款时间 ,宝贝标题,宝贝总数量\#r
        ="3051234567890123",tb_alice,"1,299.00",交易成功,13800138000,2026-11-01 10:00:00,2026-11-01 10:01:02,"面霜, 50ml",1\#r
        3051234567890124,tb_alice,99,交易成功,138****8000,2026-11-02 11:00:00,2026-11-02 11:00:09,"口红 ""正红""",2\#r
        3051234567890125,tb_bob,abc,交易成功,13900139000,2026-11-03 11:00:00,2026-11-03 11:00:05,精华,1\#r
        3051234567890126,t**6,10,交易成功,,2026-11-03 12:00:00,2026-11-03 12:00:05,精华,1\#r

        """#)

    static let ordersURI = "/api/v1/imports?kind=orders&preset=tmall"

    @Test("a Tmall export is imported, bad rows are reported by row number, and profiles are stitched",
          arguments: TestBackend.available)
    func tmallOrders(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            let response = try await client.execute(uri: Self.ordersURI, method: .post, headers: pond.admin, body: Self.tmallOrders)
            #expect(response.status == .ok)
            let report = response.json
            #expect(report["rows"] == 4)
            #expect(report["acceptedRows"] == 2)
            #expect(report["events"] == 2)
            #expect(report["rejectedCount"] == 2)
            #expect(report["channel"] == "tmall")
            #expect(report["rejected"] == [
                ["row": 4, "reason": "unparsable amount 'abc' in column 买家实际支付金额"],
                ["row": 5, "reason": "no usable identity: 买家会员名 't**6' is masked"],
            ])
            #expect(try await pond.store.eventCount(workspaceID: pond.workspaceID) == 2)

            try await pond.stitch()
            let byPhone = try #require(try await pond.profile("phone", "+8613800138000"))
            let byNick = try #require(try await pond.profile("tmall_nick", "tb_alice"))
            #expect(byPhone.id == byNick.id)
            #expect(byPhone.eventCount == 2)
            #expect(byPhone.channels == ["tmall": 2])
            #expect(try await pond.profile("tmall_nick", "tb_bob") == nil)
        }
    }

    @Test("the application serves the import route", arguments: TestBackend.available)
    func routeIsPartOfTheApplication(backend: TestBackend) async throws {
        try await TestPond.run(on: backend) { pond, client in
            var headers = pond.admin
            headers[.contentType] = "text/csv"
            let response = try await client.execute(uri: Self.ordersURI, method: .post, headers: headers, body: Self.tmallOrders)
            #expect(response.status == .ok)
            #expect(response.json["events"] == 2)
            #expect(try await pond.events() == 2)
        }
    }

    @Test("importing the same file again stores nothing new", arguments: TestBackend.available)
    func reimportIsIdempotent(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            for _ in 0..<2 {
                let response = try await client.execute(uri: Self.ordersURI, method: .post, headers: pond.admin, body: Self.tmallOrders)
                #expect(response.status == .ok)
                #expect(response.json["events"] == 2)
            }
            #expect(try await pond.store.eventCount(workspaceID: pond.workspaceID) == 2)
            try await pond.stitch()
            #expect(try await pond.profile("tmall_nick", "tb_alice")?.eventCount == 2)
        }
    }

    @Test("a customer list joins the buyers' profiles and sets their traits", arguments: TestBackend.available)
    func customersJoinOrders(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            _ = try await client.execute(uri: Self.ordersURI, method: .post, headers: pond.admin, body: Self.tmallOrders)
            let customers = Self.csv("会员卡号,手机号,姓名,会员等级\nM001,138 0013 8000,Alice,gold\n")
            let response = try await client.execute(
                uri: "/api/v1/imports?kind=customers&preset=generic", method: .post, headers: pond.admin, body: customers)
            #expect(response.status == .ok)
            #expect(response.json["channel"] == "crm")
            try await pond.stitch()
            let profile = try #require(try await pond.profile("member_id", "M001"))
            #expect(profile.id == (try await pond.profile("tmall_nick", "tb_alice"))?.id)
            #expect(profile.traits.first { $0.key == "member_level" }?.value == "gold")
            #expect(profile.channels == ["tmall": 2, "crm": 1])
        }
    }

    @Test("a mapping in the query, URL-encoded with Chinese column names, extends the preset",
          arguments: TestBackend.available)
    func mappingInQuery(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            let csv = Self.csv("单号,会员号,实付,时间\nA-1,M9,88,2026/11/05 08:30\n")
            let mapping = #"{"orderId":"单号","amount":"实付","timestamp":"时间","identities":{"会员号":"member_id"}}"#
            let encoded = try #require(mapping.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let response = try await client.execute(
                uri: "/api/v1/imports?kind=orders&preset=generic&mapping=\(encoded)", method: .post, headers: pond.admin,
                body: csv)
            #expect(response.status == .ok)
            #expect(response.json["acceptedRows"] == 1)
            try await pond.stitch()
            #expect(try await pond.profile("member_id", "M9")?.eventCount == 1)
        }
    }

    @Test("a mapping in X-Pond-Mapping may be raw or URL-encoded JSON", arguments: TestBackend.available)
    func mappingInHeader(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            var headers = pond.admin
            headers[ImportController.mappingHeader] = #"{"channel":"tmall_flagship"}"#
            let raw = try await client.execute(uri: Self.ordersURI, method: .post, headers: headers, body: Self.tmallOrders)
            #expect(raw.json["channel"] == "tmall_flagship")
            headers[ImportController.mappingHeader] = #"{"identities":{"买家会员名":null}}"#
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)
            let encoded = try await client.execute(uri: Self.ordersURI, method: .post, headers: headers, body: Self.tmallOrders)
            #expect(encoded.status == .ok)
            // Without the nickname, the row with a masked phone has no identity left.
            #expect(encoded.json["rejectedCount"] == 3)
        }
    }

    @Test("a GBK file is refused as invalid_csv with its row and line, and nothing is stored",
          arguments: TestBackend.available)
    func gbkIsRefused(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            // "张三" in GBK on the third line.
            let bytes = Array("会员卡号,姓名\nM1,ok\nM2,".utf8) + [0xD5, 0xC5, 0xC8, 0xFD] + [0x0A]
            let response = try await client.execute(
                uri: "/api/v1/imports?kind=customers&preset=generic", method: .post, headers: pond.admin,
                body: ByteBuffer(bytes: bytes))
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_csv")
            #expect(response.json["row"] == 3)
            #expect(response.json["reason"] == "invalid_utf8")
            #expect(try await pond.store.eventCount(workspaceID: pond.workspaceID) == 0)
        }
    }

    @Test("a mapping naming a column the file lacks is refused as invalid_mapping before anything is stored",
          arguments: TestBackend.available)
    func mappingMustFitHeader(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            let mapping = #"{"identities":{"会员号":"member_id"}}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await client.execute(
                uri: "\(Self.ordersURI)&mapping=\(mapping)", method: .post, headers: pond.admin, body: Self.tmallOrders)
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_mapping")
            #expect(response.json["message"]?.stringValue?.contains("会员号") == true)
            #expect(try await pond.store.eventCount(workspaceID: pond.workspaceID) == 0)
        }
    }

    @Test("bad parameters get a 400 with a code", arguments: TestBackend.available, [
        ("/api/v1/imports?preset=tmall", "invalid_request"),
        ("/api/v1/imports?kind=refunds", "invalid_request"),
        ("/api/v1/imports?kind=orders&preset=taobao", "invalid_request"),
        ("/api/v1/imports?kind=orders&mapping=%7Bnot%20json", "invalid_mapping"),
        ("/api/v1/imports?kind=orders&delimiter=pipe", "invalid_request"),
    ])
    func badParameters(backend: TestBackend, parameters: (uri: String, code: String)) async throws {
        let (uri, code) = parameters
        try await Self.run(on: backend) { pond, client in
            let response = try await client.execute(uri: uri, method: .post, headers: pond.admin, body: Self.tmallOrders)
            #expect(response.status == .badRequest)
            #expect(response.code == code)
        }
    }

    @Test("only an admin key may import", arguments: TestBackend.available)
    func requiresAdminKey(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            let anonymous = try await client.execute(uri: Self.ordersURI, method: .post, body: Self.tmallOrders)
            #expect(anonymous.status == .unauthorized)
            let withWriteKey = try await client.execute(
                uri: Self.ordersURI, method: .post, headers: [.authorization: "Bearer \(pond.writeKey)"], body: Self.tmallOrders)
            #expect(withWriteKey.status == .unauthorized)
            #expect(try await pond.store.eventCount(workspaceID: pond.workspaceID) == 0)
        }
    }

    @Test("a CSV declared in another charset, or sent as JSON, is refused with 415", arguments: TestBackend.available)
    func contentType(backend: TestBackend) async throws {
        try await Self.run(on: backend) { pond, client in
            var gbk = pond.admin
            gbk[.contentType] = "text/csv; charset=gbk"
            let declared = try await client.execute(uri: Self.ordersURI, method: .post, headers: gbk, body: Self.tmallOrders)
            #expect(declared.status == .unsupportedMediaType)
            #expect(declared.code == "unsupported_encoding")
            var json = pond.admin
            json[.contentType] = "application/json"
            #expect(try await client.execute(uri: Self.ordersURI, method: .post, headers: json, body: Self.tmallOrders).status
                == .unsupportedMediaType)
        }
    }
}
