import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PondCore
import PondServer
import PondStore
import PondTestSupport
import Testing

/// The real application on a fresh database of a test backend, driven in-process through Hummingbird's router test
/// client; every response is held to the OpenAPI document on the way (`OpenAPICheckedClient`).
struct TestPond: Sendable {
    let runtime: PondRuntime
    let clock: ManualClock
    let workspaceID: String
    let adminKey: String
    let writeKey: String
    static let rootKey = "root-secret"

    /// - Parameters:
    ///   - backend: the store's database; tests take it as an argument, `TestBackend.available`, so each runs on SQLite
    ///     and on Postgres.
    ///   - stitching: whether the app runs its stitching service (the intelligence service never runs here).
    static func run(
        on backend: TestBackend, limits: MessageParser.Limits = .init(), rootKey: String? = TestPond.rootKey,
        stitching: Bool = true, _ body: @Sendable (TestPond, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await backend.withStore { store in
            let clock = ManualClock()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let runtime = PondRuntime(store: store, clock: clock, logger: logger)
            let created = try await runtime.provisioner.createWorkspace(name: "acme")
            let pond = TestPond(
                runtime: runtime, clock: clock, workspaceID: created.workspace.id, adminKey: created.adminKey.secret,
                writeKey: created.writeKey.secret)
            let app = buildApplication(
                runtime: runtime,
                configuration: ServerConfiguration(
                    rootKey: rootKey, limits: limits, stitching: stitching, intelligence: false, jobs: stitching))
            try await app.test(.router) { client in try await body(pond, OpenAPICheckedClient(client: client)) }
        }
    }

    var basic: HTTPFields { [.authorization: "Basic " + Data("\(writeKey):".utf8).base64EncodedString()] }
    var admin: HTTPFields { [.authorization: "Bearer \(adminKey)"] }

    func events() async throws -> Int { try await runtime.store.eventCount(workspaceID: workspaceID) }
}

extension TestResponse {
    var json: JSONValue { (try? JSONParser.parse(body.readableBytesView)) ?? .null }
    var code: String? { json["code"]?.stringValue }
}

func body(_ value: JSONValue) -> ByteBuffer { ByteBuffer(bytes: JSONWriter.bytes(value)) }

func message(_ fields: [String: JSONValue]) -> JSONValue { .object(fields) }

extension JSONValue {
    /// The value as it appears in a URL path (`12`, not `int(12)`).
    var path: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        default: return "\(self)"
        }
    }
}
