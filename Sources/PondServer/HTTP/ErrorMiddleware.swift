import Hummingbird
import Logging
import PondCore

/// Turns every error into the API's JSON error shape: the application services' refusals (`DefinitionError`) by
/// their kind, the framework's own errors alike, and unexpected ones into a logged 500 — logged with the request
/// id but never with the request body or headers (they carry keys and personal data).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as DefinitionError {
            throw APIError(error)
        } catch let error as HTTPError {
            // The framework's own errors (unknown route, wrong method) get the same JSON shape as ours.
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            throw APIError(error.status, code: code, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error(
                "request failed",
                metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, .internalError, "the server could not complete the request; it is safe to retry")
        }
    }
}
