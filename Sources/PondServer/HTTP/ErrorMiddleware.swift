import Hummingbird
import Logging

/// Turns unexpected errors into the API's JSON error shape, logged with the request id but never with the request
/// body or headers (they carry keys and personal data).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            // The framework's own errors (unknown route, wrong method) get the same JSON shape as ours.
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            throw APIError(error.status, code, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error(
                "request failed",
                metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, "internal_error", "the server could not complete the request; it is safe to retry")
        }
    }
}
