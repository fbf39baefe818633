import Foundation
import PondCore

/// What an OpenAPI 3.1 document promises about responses, held against real ones.
///
/// A request is matched to its documented operation by method and path template, as the router matches it: segment
/// by segment, a literal segment before a `{parameter}`, so `/api/v1/segments/preview` is not
/// `/api/v1/segments/{id}`. Its response must have a documented status (or fall under `4XX`-style ranges or
/// `default`), a media type the status documents, and a body that is empty when the status documents none; a JSON
/// body must parse and match the media type's schema (`JSONSchemaValidator`), error bodies as much as successes.
public struct OpenAPIContract: Sendable {
    public let document: JSONValue
    private let validator: JSONSchemaValidator
    /// Documented path templates, split into segments (`nil` for a parameter).
    private let templates: [(template: String, segments: [String?])]

    public init(document: JSONValue) {
        self.document = document
        validator = JSONSchemaValidator(root: document)
        templates = (document["paths"]?.objectValue?.keys.sorted() ?? []).map { template in
            (template, Self.segments(of: template).map { $0.hasPrefix("{") && $0.hasSuffix("}") ? nil : $0 })
        }
    }

    /// The documented path template that answers `path` (a query is ignored), or nil if none does.
    public func template(matching path: String) -> String? {
        let segments = Self.segments(of: String(path.prefix { $0 != "?" && $0 != "#" }))
        let candidates = templates.filter { candidate in
            candidate.segments.count == segments.count
                && zip(candidate.segments, segments).allSatisfy { literal, segment in
                    literal.map { $0 == segment } ?? !segment.isEmpty
                }
        }
        // The router tries literal segments first, left to right: at the first place two candidates differ, the
        // literal one wins.
        return candidates.min { a, b in
            for (x, y) in zip(a.segments, b.segments) where (x == nil) != (y == nil) { return x != nil }
            return a.template < b.template
        }?.template
    }

    /// Everything wrong with one response as the document sees it, each naming the operation; empty when the
    /// response keeps the document's promise.
    public func violations(
        method: String, uri: String, status: Int, contentType: String?, body: some Collection<UInt8>
    ) -> [String] {
        guard let template = template(matching: uri),
            let operation = document["paths"]?[template]?[method.lowercased()]?.objectValue
        else { return ["\(method.uppercased()) \(uri) is not a documented operation"] }
        let name = "\(method.uppercased()) \(template) → \(status)"
        let responses = operation["responses"]?.objectValue ?? [:]
        guard let declared = responses[String(status)] ?? responses["\(status / 100)XX"] ?? responses["default"] else {
            return ["\(name): status \(status) is not documented (documented: \(Self.list(responses)))"]
        }
        guard let response = resolve(declared) else { return ["\(name): the response's $ref does not resolve"] }
        let content = response["content"]?.objectValue ?? [:]
        if content.isEmpty {
            return body.isEmpty ? [] : ["\(name): a body of \(body.count) bytes, but the status documents none"]
        }
        let mediaType = contentType.map(Self.mediaType) ?? ""
        guard let documented = Self.lookUp(mediaType, in: content) else {
            return ["\(name): Content-Type \(contentType ?? "none") is not documented (documented: \(Self.list(content)))"]
        }
        let isJSON = mediaType == "application/json" || mediaType.hasSuffix("+json")
        guard isJSON, let schema = documented["schema"] else { return [] }
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch {
            return ["\(name): the body is not JSON (\(error)): \(String(decoding: body.prefix(200), as: UTF8.self))"]
        }
        return validator.validate(value, against: schema).map { "\(name): \($0)" }
    }

    /// A response object, or the one its `$ref` names (`#/components/responses/NotFound`).
    private func resolve(_ response: JSONValue) -> JSONValue? {
        guard let reference = response["$ref"]?.stringValue else { return response }
        return validator.resolve(reference)
    }

    /// `application/json` of `application/json; charset=utf-8`.
    private static func mediaType(_ contentType: String) -> String {
        String(contentType.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The media type object for `mediaType`: its own entry, else `type/*`, else `*/*`.
    private static func lookUp(_ mediaType: String, in content: [String: JSONValue]) -> JSONValue? {
        guard !mediaType.isEmpty else { return nil }
        let range = String(mediaType.prefix { $0 != "/" }) + "/*"
        return content.first { Self.mediaType($0.key) == mediaType }?.value ?? content[range] ?? content["*/*"]
    }

    private static func list(_ members: [String: JSONValue]) -> String { members.keys.sorted().joined(separator: ", ") }

    private static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }
}
