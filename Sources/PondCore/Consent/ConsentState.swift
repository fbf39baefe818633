/// What the ledger says about one profile, one purpose and one channel: its latest entry, if any.
///
/// Only the latest entry decides — a re-grant after a revocation is a grant — but the entry travels with the state
/// so that a decision can be explained with the notice version and evidence it rested on.
public struct ConsentState: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case granted
        case revoked
        /// Never asked, or no answer recorded.
        case unknown
    }

    public var latest: ConsentEntry?

    public init(latest: ConsentEntry?) { self.latest = latest }

    public static let unknown = ConsentState(latest: nil)

    public var status: Status {
        switch latest?.action {
        case .grant: return .granted
        case .revoke: return .revoked
        case nil: return .unknown
        }
    }
}
