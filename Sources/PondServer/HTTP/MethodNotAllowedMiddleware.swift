import Hummingbird

/// Turns the router's 404 for a path it knows under other methods into `405 method_not_allowed` with `Allow`
/// (`GET /v1/batch`), as HTTP asks: a client that got the method wrong learns that, not that the path is missing.
///
/// Added after every route is registered, so that it wraps only the router's not-found answer, and built from the
/// router's own list of routes.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each route's path segments (a capture, written `{id}`, matches any one segment) and its methods.
    private let routes: [(segments: [Substring], methods: [String])]

    init(routes: [Router<Context>.RouteDescription]) {
        var byPath: [String: [String]] = [:]
        for route in routes { byPath[route.path.description, default: []].append(route.method.rawValue) }
        self.routes = byPath.map { (Self.segments($0.key), $0.value.sorted()) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = Self.segments(request.uri.path)
            let methods = Set(routes.filter { Self.matches($0.segments, path) }.flatMap(\.methods))
            guard !methods.isEmpty else { throw error }
            var allowed = methods
            if allowed.contains("GET") { allowed.insert("HEAD") }
            var refusal = APIError(
                .methodNotAllowed, .methodNotAllowed, "\(request.method.rawValue) is not allowed on \(request.uri.path)")
            refusal.headers[.allow] = allowed.sorted().joined(separator: ", ")
            throw refusal
        }
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { $0.hasPrefix("{") || $0.hasPrefix(":") || $0 == "*" || $0 == $1 }
    }
}
