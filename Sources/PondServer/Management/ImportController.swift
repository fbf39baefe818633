import Foundation
import HTTPTypes
import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Bulk import of orders and customers from CSV exports: `POST /api/v1/imports?kind=orders&preset=tmall`.
///
/// The body is the CSV file itself (`Content-Type: text/csv`, UTF-8, optionally gzip-compressed with
/// `Content-Encoding: gzip`). A mapping that overrides or extends the preset's is given as JSON in `?mapping=`
/// (URL-encoded) or in the `X-Pond-Mapping` header (raw or URL-encoded JSON); `?delimiter=comma|tab|semicolon`
/// is a shortcut for the mapping's delimiter.
///
/// The request returns when the import is done, with a report: rows read, rows accepted, messages submitted and
/// the rejected rows with their row numbers and reasons. A file that cannot be parsed (`invalid_csv`) or a mapping
/// that does not fit its header (`invalid_mapping`) is refused before anything is stored. Imported events reach
/// profiles through the stitching service, shortly after the response.
struct ImportController: Sendable {
    let runtime: PondRuntime

    /// Largest accepted CSV, before and after decompression. Bigger files go through `pond import`, which streams.
    static let maximumBodyBytes = 50 << 20
    static let mappingHeader = HTTPField.Name("X-Pond-Mapping")!

    func register(on api: RouterGroup<APIRequestContext>) {
        api.post("imports") { request, context in try await importCSV(request, context) }
    }

    func importCSV(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let key = try context.admin
        let kind = try Self.kind(request)
        let preset = try Self.preset(request)
        let mapping = try Self.mapping(request)
        try CSVBody.checkContentType(request)
        let body = try await readBody(request)
        let importer = CSVImporter(pipeline: runtime.pipeline, clock: runtime.clock)
        do {
            let report = try await importer.run(
                .init(workspaceID: key.workspaceID, kind: kind, preset: preset, mapping: mapping),
                from: ByteBufferCSVSource(buffer: body))
            runtime.logger.info(
                "import finished",
                metadata: [
                    "workspace": "\(key.workspaceID)", "kind": "\(kind.rawValue)", "preset": "\(preset.rawValue)",
                    "rows": "\(report.rows)", "accepted": "\(report.acceptedRows)", "rejected": "\(report.rejectedCount)",
                ])
            return JSONResponse.make(report.json)
        } catch let failure as CSVImporter.Failure {
            throw Self.apiError(failure)
        } catch let error as IngestError {
            throw APIError(error)
        }
    }

    static func apiError(_ failure: CSVImporter.Failure) -> APIError {
        switch failure {
        case .invalidCSV(let error):
            var apiError = APIError(.badRequest, .invalidCSV, error.description)
            apiError.extra = [
                "row": .int(Int64(error.row)), "line": .int(Int64(error.line)), "reason": .string(error.kind.rawValue),
            ]
            return apiError
        case .invalidMapping(let error):
            return APIError(.badRequest, .invalidMapping, error.message)
        case .empty:
            return APIError(.badRequest, .invalidCSV, failure.description)
        case .changedWhileReading:
            return APIError(.internalServerError, .internalError, failure.description)
        }
    }

    static func kind(_ request: Request) throws -> ImportKind {
        guard let text = request.query("kind") else {
            throw APIError.badRequest("'kind' is required: orders or customers")
        }
        guard let kind = ImportKind(rawValue: text) else {
            throw APIError.badRequest("'kind' must be orders or customers, got '\(text)'")
        }
        return kind
    }

    static func preset(_ request: Request) throws -> ImportPreset {
        guard let text = request.query("preset") else { return .generic }
        guard let preset = ImportPreset(rawValue: text) else {
            let names = ImportPreset.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("'preset' must be one of \(names), got '\(text)'")
        }
        return preset
    }

    static func mapping(_ request: Request) throws -> ImportMapping? {
        let query = request.query("mapping")
        let header = request.headers[mappingHeader]
        if query != nil, header != nil {
            throw APIError(
                .badRequest, .invalidMapping, "give the mapping either in '?mapping=' or in 'X-Pond-Mapping', not both")
        }
        var mapping: ImportMapping?
        if let text = query ?? header.map(decodeHeader) {
            do {
                mapping = try ImportMapping(jsonText: Array(text.utf8))
            } catch {
                throw APIError(.badRequest, .invalidMapping, "\(error)")
            }
        }
        if let name = request.query("delimiter") {
            guard let delimiter = CSVDelimiter(name: name) else {
                throw APIError.badRequest("'delimiter' must be comma, tab or semicolon, got '\(name)'")
            }
            var withDelimiter = mapping ?? ImportMapping()
            withDelimiter.delimiter = delimiter
            mapping = withDelimiter
        }
        return mapping
    }

    /// Header values are ASCII in practice, so clients percent-encode a mapping with Chinese column names.
    static func decodeHeader(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.hasPrefix("{") else { return trimmed }
        return trimmed.removingPercentEncoding ?? trimmed
    }

    private func readBody(_ request: Request) async throws -> ByteBuffer {
        try await CSVBody.read(
            request, limit: Self.maximumBodyBytes, advice: "import it with `pond import`, which streams the file")
    }
}

/// An HTTP body handed to the importer a slice at a time, without copying the whole file.
struct ByteBufferCSVSource: CSVByteSource {
    let buffer: ByteBuffer
    var chunkSize = 1 << 20

    var byteCount: Int? { buffer.readableBytes }

    func forEachChunk(_ body: (ArraySlice<UInt8>) async throws -> Void) async throws {
        var remaining = buffer
        while remaining.readableBytes > 0 {
            let length = min(chunkSize, remaining.readableBytes)
            guard let bytes = remaining.readBytes(length: length) else { return }
            try await body(bytes[...])
        }
    }
}
