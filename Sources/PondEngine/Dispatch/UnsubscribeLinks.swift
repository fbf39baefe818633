import Crypto
import Foundation
import PondCore
import PondStore

/// Builds and checks the unsubscribe links marketing messages carry (`<public URL>/u/<token>`), signed with a secret
/// of the workspace's own that Pond generates on first use and never shows.
public struct UnsubscribeLinks: Sendable {
    let store: Store
    let clock: any Clock
    /// Where customers reach this server: links in messages are opened on their phones, not on the server.
    public let publicURL: String

    static let secretName = "unsubscribe-links"

    public init(store: Store, clock: any Clock, publicURL: String) {
        self.store = store
        self.clock = clock
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    public func link(workspaceID: String, profileID: Int64, channel: ChannelID) async throws -> String {
        let token = UnsubscribeToken(workspaceID: workspaceID, profileID: profileID, channel: channel)
        return "\(publicURL)/u/\(token.signed(secret: try await secret(workspaceID)))"
    }

    /// The claims of a token this server signed; nil for anything else.
    public func verify(_ token: String) async throws -> UnsubscribeToken? {
        guard let workspaceID = UnsubscribeToken.workspace(of: token),
            try await store.workspace(id: workspaceID) != nil
        else { return nil }
        return UnsubscribeToken.verify(token, secret: try await secret(workspaceID))
    }

    private func secret(_ workspaceID: String) async throws -> SymmetricKey {
        let text = try await store.workspaceSecret(
            workspaceID: workspaceID, name: Self.secretName, at: clock.now(),
            generate: { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } })
        guard let bytes = Data(base64Encoded: text) else { throw StoreError.corrupt("the workspace's link secret is not base64") }
        return SymmetricKey(data: bytes)
    }
}
