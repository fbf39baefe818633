import PondCore
import PondTestSupport
import Testing

@testable import PondServer

/// How a response is held to its documented operation: which operation answers a path, which statuses and media
/// types it documents, and the schema its body must match.
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    static let errorResponse: JSONValue = [
        "description": "An error.", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
    ]

    static func json(_ schema: String) -> JSONValue {
        ["description": "d", "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(schema)")]]]]
    }

    static let contract = OpenAPIContract(document: [
        "paths": [
            "/things": [
                "get": ["responses": ["200": json("Things"), "default": ["$ref": "#/components/responses/Error"]]],
                "post": ["responses": ["201": json("Thing"), "4XX": ["$ref": "#/components/responses/Error"]]],
            ],
            "/things/{id}": [
                "get": ["responses": ["200": json("Thing"), "404": ["$ref": "#/components/responses/Error"]]],
                "delete": ["responses": ["204": ["description": "Deleted, no body."]]],
            ],
            "/things/search": ["get": ["responses": ["200": ["description": "d", "content": ["text/plain": [:]]]]]],
            "/a/{x}/c": ["get": ["responses": ["200": ["description": "d"]]]],
            "/a/b/{y}": ["get": ["responses": ["200": ["description": "d"]]]],
        ],
        "components": [
            "responses": ["Error": errorResponse],
            "schemas": [
                "Thing": ["type": "object", "required": ["id"], "properties": ["id": ["type": "integer"]]],
                "Things": [
                    "type": "object", "required": ["things"],
                    "properties": ["things": ["type": "array", "items": ["$ref": "#/components/schemas/Thing"]]],
                ],
                "Error": [
                    "type": "object", "required": ["code", "message"],
                    "properties": ["code": ["type": "string"], "message": ["type": "string"]],
                ],
            ],
        ],
    ])

    func check(
        _ method: String, _ uri: String, _ status: Int, _ body: String = "", contentType: String? = "application/json; charset=utf-8"
    ) -> [String] {
        Self.contract.violations(method: method, uri: uri, status: status, contentType: contentType, body: Array(body.utf8))
    }

    @Test("a path finds its template segment by segment, a literal segment before a parameter, the query ignored")
    func templates() {
        let contract = Self.contract
        #expect(contract.template(matching: "/things") == "/things")
        #expect(contract.template(matching: "/things/12") == "/things/{id}")
        #expect(contract.template(matching: "/things/%E4%BC%9A%E5%91%98") == "/things/{id}")
        #expect(contract.template(matching: "/things/search?q=a/b") == "/things/search")
        #expect(contract.template(matching: "/a/b/c") == "/a/b/{y}", "the first literal decides, as in the router")
        #expect(contract.template(matching: "/a/z/c") == "/a/{x}/c")
        #expect(contract.template(matching: "/things/") == nil, "a parameter is never empty")
        #expect(contract.template(matching: "/things/12/parts") == nil)
        #expect(contract.template(matching: "/nothing") == nil)
    }

    @Test("a documented status with a body matching its schema passes")
    func keepsThePromise() {
        #expect(check("GET", "/things", 200, #"{"things":[{"id":1},{"id":2,"extra":true}]}"#).isEmpty)
        #expect(check("GET", "/things/7", 404, #"{"code":"not_found","message":"no thing 7"}"#).isEmpty)
        #expect(check("POST", "/things", 201, #"{"id":3}"#).isEmpty)
        #expect(check("DELETE", "/things/3", 204, contentType: nil).isEmpty)
        #expect(check("GET", "/things/search?q=x", 200, "not json at all", contentType: "text/plain; version=0.0.4").isEmpty)
    }

    @Test("the body is checked against the status's schema, and a violation names the operation and the JSON path")
    func bodySchema() {
        #expect(check("GET", "/things", 200, #"{"things":[{"id":1},{"id":"2"}]}"#) == [
            "GET /things → 200: $.things[1].id: expected integer, got string",
        ])
        #expect(check("GET", "/things/7", 404, #"{"code":"not_found"}"#) == [
            #"GET /things/{id} → 404: $: required member "message" is missing"#,
        ])
        let truncated = check("GET", "/things/7", 200, #"{"id":"#)
        #expect(truncated.count == 1)
        #expect(truncated.first?.hasPrefix("GET /things/{id} → 200: the body is not JSON") == true, "\(truncated)")
    }

    @Test("a status the operation does not document fails; 4XX ranges and default cover theirs")
    func statuses() {
        #expect(check("GET", "/things/7", 500, #"{"code":"internal_error","message":"m"}"#) == [
            "GET /things/{id} → 500: status 500 is not documented (documented: 200, 404)",
        ])
        #expect(check("POST", "/things", 422, #"{"code":"invalid","message":"m"}"#).isEmpty)
        #expect(check("POST", "/things", 422, #"{"code":1,"message":"m"}"#) == ["POST /things → 422: $.code: expected string, got integer"])
        #expect(check("POST", "/things", 500, #"{"code":"internal_error","message":"m"}"#).count == 1, "4XX does not cover 500")
        #expect(check("GET", "/things", 503, #"{"code":"overloaded","message":"m"}"#).isEmpty)
        #expect(check("GET", "/things", 503, "{}").count == 2, "default is checked like any other status")
    }

    @Test("the media type must be one the status documents, and a status documenting no body must send none")
    func mediaTypes() {
        #expect(check("GET", "/things/7", 200, #"{"id":7}"#, contentType: "text/html") == [
            "GET /things/{id} → 200: Content-Type text/html is not documented (documented: application/json)",
        ])
        #expect(check("GET", "/things/7", 200, "", contentType: nil) == [
            "GET /things/{id} → 200: Content-Type none is not documented (documented: application/json)",
        ])
        #expect(check("DELETE", "/things/3", 204, #"{"deleted":true}"#) == [
            "DELETE /things/{id} → 204: a body of 16 bytes, but the status documents none",
        ])
    }

    @Test("a request the document does not describe fails")
    func undocumentedOperations() {
        #expect(check("PATCH", "/things/1", 200, #"{"id":1}"#) == ["PATCH /things/1 is not a documented operation"])
        #expect(check("GET", "/nothing", 404, contentType: nil) == ["GET /nothing is not a documented operation"])
    }

    @Test("Pond's own document: a profile whose id is a string, or an error without its code, is refused")
    func pondsDocument() throws {
        let contract = OpenAPIContract(document: try JSONParser.parse(OpenAPIDocument.json))
        #expect(contract.template(matching: "/api/v1/segments/preview") == "/api/v1/segments/preview")
        #expect(contract.template(matching: "/api/v1/segments/vip") == "/api/v1/segments/{id}")
        #expect(contract.template(matching: "/api/v1/profiles/12/traits/level/history") == "/api/v1/profiles/{id}/traits/{key}/history")
        let missing = contract.violations(
            method: "GET", uri: "/api/v1/profiles/12", status: 404, contentType: "application/json", body: Array(#"{"message":"m"}"#.utf8))
        #expect(missing.contains { $0.contains(#"$: required member "code" is missing"#) }, "\(missing)")
        let profile: JSONValue = [
            "id": "12", "canonicalId": 12, "createdAt": "2026-11-22T04:16:24.123Z", "updatedAt": "2026-11-22T04:16:24.123Z",
            "identities": [], "traits": [:], "mergedProfileIds": [], "eventCount": 0, "channels": [:],
        ]
        let wrongID = contract.violations(
            method: "GET", uri: "/api/v1/profiles/12", status: 200, contentType: "application/json", body: JSONWriter.bytes(profile))
        #expect(wrongID.contains { $0.hasPrefix("GET /api/v1/profiles/{id} → 200: $.id: expected integer") }, "\(wrongID)")
    }
}
