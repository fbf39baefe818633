import Hummingbird
import HummingbirdTesting
import PondCore
import PondTestSupport
import Testing

@testable import PondServer

/// The client every server test talks through: it passes each request on and holds the response to the OpenAPI
/// document Pond serves (`OpenAPIContract`): a documented operation, a documented status, and a body matching that
/// status's schema, error bodies included. Each violation is recorded as an issue of the running test, with the
/// operation and the JSON path where the body breaks the schema; the response is returned all the same, so the
/// test's own expectations still run.
struct OpenAPICheckedClient: TestClientProtocol {
    /// Pond's own document, parsed once; were it not JSON, every response would be reported as undocumented (and
    /// `OpenAPIDocumentTests` says why).
    static let contract = OpenAPIContract(document: (try? JSONParser.parse(OpenAPIDocument.json)) ?? .null)

    let client: any TestClientProtocol

    var port: Int? { client.port }

    func executeRequest(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?
    ) async throws -> TestResponse {
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
        let violations = Self.contract.violations(
            method: method.rawValue, uri: uri, status: Int(response.status.code), contentType: response.headers[.contentType],
            body: response.body.readableBytesView)
        for violation in violations {
            Issue.record("\(violation) — response to \(method.rawValue) \(uri): \(String(buffer: response.body).prefix(500))")
        }
        return response
    }
}
