import Foundation
import Hummingbird
import PondCore

/// What a request carries through the middleware to its handler: for the management API, the admin key that
/// `AdminAuthentication` found (later also the signed-in user and their role).
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AdminAuthentication` on every route of the management API group.
    var key: APIKey?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The caller's admin key. Every query a handler makes is scoped by its workspace, so a key never sees another
    /// brand's data.
    var admin: APIKey {
        get throws {
            guard let key else { throw APIError.unauthorized }
            return key
        }
    }

    var workspaceID: String { get throws { try admin.workspaceID } }

    /// Who made a change, as the timeline and merge records name them.
    var actor: String { get throws { "key:\(try admin.id)" } }
}

/// Lets only requests with a live admin key (`Authorization: Bearer KEY`) through to the management API, and puts
/// the key in the context.
struct AdminAuthentication: RouterMiddleware {
    let keys: KeyCache

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let token = BearerToken(request), let key = try await keys.key(secret: token.value), key.kind == .admin else {
            throw APIError.unauthorized
        }
        var context = context
        context.key = key
        return try await next(request, context)
    }
}

/// The token of an `Authorization: Bearer …` header.
struct BearerToken {
    let value: String

    init?(_ request: Request) {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        value = String(parts[1]).trimmingASCIIWhitespace()
    }
}

extension APIRequestContext {
    /// A path parameter, percent-decoded (the router hands them over as sent, and tag names are usually Chinese).
    func text(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.badRequest("'\(name)' in the path is not valid percent-encoding")
        }
        return decoded
    }

    /// An integer path parameter (a profile or merge id).
    func integer(_ name: String) throws -> Int64 {
        guard let value = parameters.get(name, as: Int64.self) else { throw APIError.badRequest("\(name) must be an integer") }
        return value
    }
}
