import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PondCore
import PondStore
import PondTestSupport
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

    /// Every (METHOD, path) the real router registers. The routes do not depend on the store, so a throw-away SQLite
    /// file will do.
    static func registeredRoutes() async throws -> [(method: String, path: String)] {
        var routes: [(method: String, path: String)] = []
        try await TestDatabases.withSQLite { database in
            let runtime = PondRuntime(store: Store(database: database), logger: Logger(label: "test"))
            let router = buildRouter(runtime: runtime, configuration: ServerConfiguration(rootKey: "root-test"))
            routes = router.routes.map { (method: $0.method.rawValue.lowercased(), path: $0.path.description) }
        }
        return routes
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

    @Test func everyDocumentedOperationIsRegistered() async throws {
        let registered = Set(try await Self.registeredRoutes().map { "\($0.method) \($0.path)" })
        for (path, item) in try Self.paths() {
            let operations = try #require(item.objectValue).keys.filter { Self.httpMethods.contains($0) }
            #expect(!operations.isEmpty, "\(path) documents no operation")
            for method in operations {
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

    /// `ErrorCode` lists exactly the codes the server can return: the edge's, the application services', the rule
    /// and configuration validators' and the tracking API's. Every error body the server tests see is checked
    /// against it (through `Error.code`), so a code returned but not listed fails there too.
    @Test func documentsTheErrorCodesTheServerReturns() throws {
        let documented = try #require(try Self.document()["components"]?["schemas"]?["ErrorCode"]?["enum"]?.arrayValue)
        let listed = Set(documented.compactMap(\.stringValue))
        #expect(listed.count == documented.count, "ErrorCode holds a repeat or a non-string")
        let codes = APIErrorCode.everyCode
        for code in codes.subtracting(listed).sorted() { Issue.record("error code \(code) is not in ErrorCode") }
        for code in listed.subtracting(codes).sorted() { Issue.record("ErrorCode lists \(code), which no enumeration has") }
        #expect(codes.count > 60, "the code list came back short: \(codes.count)")
    }

    @Test func servedAtOpenAPIJSON() async throws {
        try await TestPond.run(on: .sqlite) { _, client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(String(buffer: response.body) == OpenAPIDocument.json)
            }
        }
    }

    /// `JSONSchemaValidator` reports a keyword it cannot check only where a value reaches it; this walks every schema
    /// of the document, so such a keyword fails here even where no test's response reaches it.
    @Test func everySchemaKeywordIsOneTheValidatorChecks() throws {
        let document = JSONValue.object(try Self.document())
        var schemas = Array((document["components"]?["schemas"]?.objectValue ?? [:]).values)
        /// Everything below a `schema` member of an operation, parameter, request body or response.
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let members):
                for (name, member) in members {
                    if name == "schema" { schemas.append(member) } else { collect(member) }
                }
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        collect(document["paths"] ?? .null)
        for (name, section) in document["components"]?.objectValue ?? [:] where name != "schemas" { collect(section) }
        #expect(schemas.count > 100)
        for schema in schemas {
            let unsupported = JSONSchemaValidator.unsupportedKeywords(in: schema)
            #expect(unsupported.isEmpty, "the document uses \(unsupported), which JSONSchemaValidator does not check")
        }
    }
}
