import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PondCore
import PondStore
import Testing

@testable import PondServer

@Suite struct OpenAPIDocumentTests {
    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The parsed document; a parse failure fails the calling test.
    static func document() throws -> [String: JSONValue] {
        let value = try JSONParser.parse(OpenAPIDocument.json)
        return try #require(value.objectValue, "the document must be a JSON object")
    }

    static func paths() throws -> [String: JSONValue] {
        try #require(try document()["paths"]?.objectValue, "'paths' must be an object")
    }

    /// Builds the real router on a throw-away SQLite file and returns every (METHOD, path) it registered.
    static func withRouter<T>(_ body: (Router<APIRequestContext>) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pond-openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("pond.sqlite").path)
        let runtime = PondRuntime(store: Store(database: database), logger: Logger(label: "test"))
        let router = buildRouter(runtime: runtime, configuration: ServerConfiguration(rootKey: "root-test"))
        let result = try await body(router)
        try await database.close()
        return result
    }

    static func registeredRoutes() async throws -> [(method: String, path: String)] {
        try await withRouter { router in
            router.routes.map { (method: $0.method.rawValue.lowercased(), path: $0.path.description) }
        }
    }

    @Test func parsesAsOpenAPI31() throws {
        let document = try Self.document()
        let version = try #require(document["openapi"]?.stringValue)
        #expect(version.hasPrefix("3.1"))
        #expect(document["info"]?["title"]?.stringValue?.isEmpty == false)
        #expect(document["info"]?["version"]?.stringValue?.isEmpty == false)
        #expect(document["servers"]?.arrayValue?.first?["url"]?.stringValue == "/")
        let schemes = try #require(document["components"]?["securitySchemes"]?.objectValue)
        for name in ["adminKey", "rootKey", "writeKeyBasic", "writeKeyHeader"] {
            #expect(schemes[name] != nil, "missing security scheme \(name)")
        }
        let schemas = try #require(document["components"]?["schemas"]?.objectValue)
        for name in [
            "Profile", "ProfileIdentity", "TimelineEvent", "MergeRecord", "Conflict", "TraitChange", "Workspace", "APIKey", "Error",
            "Tag", "TagRule", "Segment", "SegmentRule", "SegmentChange", "RuleError", "RFMConfiguration", "LifecycleConfiguration",
        ] {
            #expect(schemas[name] != nil, "missing schema \(name)")
        }
    }

    @Test func everyRegisteredRouteIsDocumented() async throws {
        let routes = try await Self.registeredRoutes()
        // Guards against the route listing silently coming back empty.
        #expect(routes.count >= 20)
        #expect(routes.contains { $0.method == "post" && $0.path == "/v1/batch" })
        let paths = try Self.paths()
        for route in routes {
            let item = paths[route.path]
            #expect(item != nil, "\(route.method.uppercased()) \(route.path) is registered but not in the document's paths")
            #expect(item?[route.method] != nil, "\(route.method.uppercased()) \(route.path) is registered but not documented")
        }
    }

    /// Operations whose controller exists but is not wired into `buildRouter` yet (see `IMPORT-ROUTES` in
    /// Application+build.swift). Once registered they are covered by `everyRegisteredRouteIsDocumented`.
    static let documentedBeforeRegistration: Set<String> = ["post /api/v1/imports"]

    @Test func everyDocumentedOperationIsRegistered() async throws {
        let registered = Set(try await Self.registeredRoutes().map { "\($0.method) \($0.path)" })
        for (path, item) in try Self.paths() {
            let operations = try #require(item.objectValue).keys.filter { Self.httpMethods.contains($0) }
            #expect(!operations.isEmpty, "\(path) documents no operation")
            for method in operations where !Self.documentedBeforeRegistration.contains("\(method) \(path)") {
                #expect(registered.contains("\(method) \(path)"), "\(method.uppercased()) \(path) is documented but no controller registers it")
            }
        }
    }

    @Test func operationsDeclareTheirPathParametersResponsesAndSecurity() throws {
        let document = try Self.document()
        let sharedParameters = document["components"]?["parameters"]?.objectValue ?? [:]
        for (path, item) in try Self.paths() {
            let placeholders = Set(path.split(separator: "/").compactMap { segment -> String? in
                guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return nil }
                return String(segment.dropFirst().dropLast())
            })
            for (method, operation) in try #require(item.objectValue) where Self.httpMethods.contains(method) {
                let name = "\(method.uppercased()) \(path)"
                let declared = Set((operation["parameters"]?.arrayValue ?? []).compactMap { parameter -> String? in
                    var resolved = parameter
                    if let ref = parameter["$ref"]?.stringValue {
                        resolved = sharedParameters[String(ref.split(separator: "/").last ?? "")] ?? .null
                    }
                    guard resolved["in"]?.stringValue == "path" else { return nil }
                    return resolved["name"]?.stringValue
                })
                #expect(declared == placeholders, "\(name) declares path parameters \(declared.sorted()), expected \(placeholders.sorted())")
                #expect(operation["responses"]?.objectValue?.isEmpty == false, "\(name) has no responses")
                #expect(operation["security"]?.arrayValue != nil, "\(name) does not say how it is authenticated")
                #expect(operation["operationId"]?.stringValue != nil, "\(name) has no operationId")
            }
        }
    }

    @Test func everyReferenceResolves() throws {
        let document = JSONValue.object(try Self.document())
        var references: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let members):
                if let ref = members["$ref"]?.stringValue { references.append(ref) }
                members.values.forEach(collect)
            case .array(let items):
                items.forEach(collect)
            default:
                break
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for ref in Set(references) {
            #expect(ref.hasPrefix("#/"), "\(ref) is not a local reference")
            var target: JSONValue? = document
            for component in ref.dropFirst(2).split(separator: "/") {
                target = target?[String(component)]
            }
            #expect(target != nil, "\(ref) does not resolve")
        }
    }

    @Test func documentsTheErrorCodesTheServerReturns() throws {
        // The edge's codes, the application services', the rule and configuration validators' and the tracking API's.
        let codes = APIErrorCode.everyCode
        #expect(codes.count > 60, "the code list came back short: \(codes.count)")
        // Every string in the document (values and member names): a code is documented when it appears as one.
        var strings = Set<String>()
        func collect(_ value: JSONValue) {
            switch value {
            case .string(let text): strings.insert(text)
            case .array(let items): items.forEach(collect)
            case .object(let members):
                strings.formUnion(members.keys)
                members.values.forEach(collect)
            default: break
            }
        }
        collect(.object(try Self.document()))
        for code in codes.sorted() {
            #expect(strings.contains(code), "error code \(code) is not documented")
        }
    }

    @Test func servedAtOpenAPIJSON() async throws {
        try await Self.withRouter { router in
            let app = Application(router: router)
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    #expect(String(buffer: response.body) == OpenAPIDocument.json)
                }
            }
        }
    }
}
