import PondCore
import PondEngine
import Synchronization

/// Remembers recent key look-ups for a few seconds.
///
/// The tracking API checks a write key on every request; without a cache every batch would pay a database read
/// before its write. Unknown keys are cached too, so a misconfigured SDK hammering with a bad key costs nothing.
/// Revoking through this process clears the cache at once; other `pond` nodes notice within `ttl`.
final class KeyCache: Sendable {
    private struct Entry {
        var key: APIKey?
        var expires: Instant
    }

    private let provisioner: WorkspaceProvisioner
    private let clock: any Clock
    private let ttlMilliseconds: Int64
    private let entries = Mutex<[String: Entry]>([:])

    init(provisioner: WorkspaceProvisioner, clock: any Clock, ttlSeconds: Int = 10) {
        self.provisioner = provisioner
        self.clock = clock
        self.ttlMilliseconds = Int64(ttlSeconds) * 1000
    }

    func key(secret: String) async throws -> APIKey? {
        let now = clock.now()
        if let hit = entries.withLock({ $0[secret] }), hit.expires > now { return hit.key }
        let key = try await provisioner.key(secret: secret)
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[secret] = Entry(key: key, expires: now.adding(milliseconds: ttlMilliseconds))
        }
        return key
    }

    func invalidateAll() {
        entries.withLock { $0.removeAll() }
    }
}
