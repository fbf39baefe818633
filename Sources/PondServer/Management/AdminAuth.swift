import Crypto
import Foundation
import Hummingbird
import PondCore

/// Who is calling the management API.
///
/// An admin key is bound to one workspace, and every handler scopes its queries with the key's workspace id, so
/// a key can never see another brand's data. The root key (from the operator's configuration) can only create
/// workspaces.
struct AdminAuth: Sendable {
    let keys: KeyCache
    let rootKey: String?

    func admin(_ request: Request) async throws -> APIKey {
        guard let token = bearer(request), let key = try await keys.key(secret: token), key.kind == .admin else {
            throw APIError.unauthorized
        }
        return key
    }

    func requireRoot(_ request: Request) throws {
        guard let rootKey, !rootKey.isEmpty else {
            throw APIError(.forbidden, "root_key_not_configured", "start the server with --root-key (or POND_ROOT_KEY) to create workspaces over the API")
        }
        guard let token = bearer(request), constantTimeEqual(token, rootKey) else {
            throw APIError(.unauthorized, "unauthorized", "the root key is required as 'Authorization: Bearer KEY'")
        }
    }

    private func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    /// Compares digests so the time taken does not reveal how much of a guess was right.
    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let da = SHA256.hash(data: Data(a.utf8))
        let db = SHA256.hash(data: Data(b.utf8))
        return zip(da, db).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
