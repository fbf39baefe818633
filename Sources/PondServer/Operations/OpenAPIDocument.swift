/// The OpenAPI 3.1 description of Pond's HTTP API, served at `/api/v1/openapi.json`.
///
/// The document is `Resources/openapi.json`, compiled into the binary (SwiftPM's `embedInCode`), so a `pond` binary
/// needs no resource directory next to it. Written from the controllers in `PondServer` and the tracking rules in
/// `PondCore`; `OpenAPIDocumentTests` checks that every route the router registers is listed there (and nothing
/// else), and every server test holds the responses it gets to the document's schemas, so keep the two in step.
enum OpenAPIDocument {
    static let json = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}
