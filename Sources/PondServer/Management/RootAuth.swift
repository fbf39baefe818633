import Crypto
import Foundation
import Hummingbird

/// The root key (from the operator's configuration), which can only create workspaces.
struct RootAuth: Sendable {
    let rootKey: String?

    func require(_ request: Request) throws {
        guard let rootKey, !rootKey.isEmpty else {
            throw APIError(
                .forbidden, .rootKeyNotConfigured,
                "start the server with --root-key (or POND_ROOT_KEY) to create workspaces over the API")
        }
        guard let token = BearerToken(request), constantTimeEqual(token.value, rootKey) else {
            throw APIError(.unauthorized, .unauthorized, "the root key is required as 'Authorization: Bearer KEY'")
        }
    }

    /// Compares digests so the time taken does not reveal how much of a guess was right.
    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let da = SHA256.hash(data: Data(a.utf8))
        let db = SHA256.hash(data: Data(b.utf8))
        return zip(da, db).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
