import Hummingbird

/// Serves the management API's OpenAPI document at `/api/v1/openapi.json`.
struct OpenAPIController: Sendable {
    func register(on router: Router<APIRequestContext>) {
        router.get("/api/v1/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }
}
