import Foundation
import PondCore
import PondStore
import Synchronization

/// Parsed journey versions, kept once read: a version is never edited, so a cached one is never stale, and a step
/// does not parse its journey's JSON again.
final class JourneyDefinitions: Sendable {
    private let store: Store
    private let cache = Mutex<[String: JourneyDefinition]>([:])

    init(store: Store) { self.store = store }

    func definition(_ workspaceID: String, _ journeyID: String, version: Int) async throws -> JourneyDefinition {
        let key = "\(workspaceID)\u{0}\(journeyID)\u{0}\(version)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        guard let text = try await store.journeyVersion(workspaceID: workspaceID, id: journeyID, version: version) else {
            throw StoreError.notFound("journey \(journeyID) version \(version)")
        }
        let definition = try JourneyDefinition(json: try JSONParser.parse(Array(text.utf8)))
        cache.withLock { $0[key] = definition }
        return definition
    }

    /// What the journey's runs listen for: the active version's event or segment trigger, and the events every
    /// version's wait-for-event nodes wait for (runs of older versions may still be waiting).
    func listeners(_ workspaceID: String, _ journey: StoredJourney, activeVersion: Int) async throws -> [JourneyListener] {
        var listeners: [JourneyListener] = []
        for version in 1...max(journey.latestVersion, 1) {
            let definition = try await definition(workspaceID, journey.id, version: version)
            listeners += JourneyService.waitListeners(definition)
            if version == activeVersion { listeners += JourneyService.triggerListeners(definition) }
        }
        return listeners
    }
}
