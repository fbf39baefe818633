import Logging
import PondCore
import PondStore
import ServiceLifecycle

/// Turns what journeys listen for into entries and resumed waits: consumes the journey inbox, which the stitcher and
/// the intelligence service fill in the transactions that attribute events and record segment transitions.
///
/// Each inbox item is an event a profile performed (entering journeys it triggers, and ending the waits of that
/// profile's runs waiting for it) or a segment transition (entering journeys it triggers). Items are removed once
/// handled. Handling one twice — a crash before the removal, two nodes reading the same items — enters and resumes
/// nothing twice: entries are keyed (`JourneyService.enter`), and a resume only moves a run still at the step it
/// waited at.
public final class JourneyTriggers: Service, Sendable {
    private let journeys: JourneyService
    private let clock: any Clock
    private let pollInterval: Duration
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(journeys: JourneyService, clock: any Clock, pollInterval: Duration = .seconds(1), logger: Logger) {
        self.journeys = journeys
        self.clock = clock
        self.pollInterval = pollInterval
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        journeys.definitions.store.profileWorkQueued.subscribe { [wake] in wake.yield() }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [wake, pollInterval] in
                    while (try? await Task.sleep(for: pollInterval)) != nil { wake.yield() }
                }
                for await _ in wakeups { await drain() }
                group.cancelAll()
            }
        } onGracefulShutdown: { [wake] in
            wake.finish()
        }
    }

    /// Handles the inbox until it is empty; returns how many items were handled. Errors are logged and the items
    /// left for the next wake-up.
    @discardableResult
    public func drain() async -> Int {
        var handled = 0
        let store = journeys.definitions.store
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let items = try await store.journeyInbox(limit: 200)
                if items.isEmpty { return handled }
                var active: [String: [(StoredJourney, JourneyDefinition)]] = [:]
                for (workspaceID, item) in items {
                    if active[workspaceID] == nil { active[workspaceID] = try await activeJourneys(workspaceID) }
                    try await handle(item, workspaceID: workspaceID, journeys: active[workspaceID] ?? [])
                }
                try await store.removeFromJourneyInbox(ids: items.map(\.item.id))
                handled += items.count
            } catch {
                logger.error("journey triggers failed; will retry", metadata: ["error": "\(error)"])
                return handled
            }
        }
        return handled
    }

    private func activeJourneys(_ workspaceID: String) async throws -> [(StoredJourney, JourneyDefinition)] {
        var result: [(StoredJourney, JourneyDefinition)] = []
        for journey in try await journeys.list(workspaceID: workspaceID) where journey.status == .active {
            guard let version = journey.activeVersion else { continue }
            result.append((journey, try await journeys.parsed.definition(workspaceID, journey.id, version: version)))
        }
        return result
    }

    private func handle(_ item: JourneyInboxItem, workspaceID: String, journeys active: [(StoredJourney, JourneyDefinition)])
        async throws
    {
        let store = journeys.definitions.store
        guard let root = try await store.rootProfileID(workspaceID: workspaceID, profileID: item.profileID) else { return }
        let offset = try await store.workspace(id: workspaceID)?.settings.utcOffsetSeconds ?? WorkspaceSettings.defaultUTCOffsetSeconds
        let now = clock.now()
        switch item.source {
        case .event:
            let properties = try await store.eventProperties(workspaceID: workspaceID, seq: item.ref) ?? [:]
            for (journey, definition) in active
            where JourneyEventMatch.matches(item.name, properties: properties, trigger: definition.trigger, now: now, utcOffsetSeconds: offset) {
                _ = try await journeys.enter(
                    workspaceID, journey, version: journey.activeVersion!,
                    [.init(
                        root: root, reference: "event:\(item.ref)", triggerSeq: item.ref,
                        dedupe: JourneyEventMatch.dedupeValue(properties, trigger: definition.trigger))])
            }
            for run in try await store.runsWaiting(workspaceID: workspaceID, profileID: root, event: item.name) {
                // Only what the customer did after the run arrived at the wait counts.
                guard let since = run.waitSince, item.at >= since else { continue }
                let definition = try await journeys.parsed.definition(workspaceID, run.journeyID, version: run.version)
                guard case .waitForEvent(let wait)? = definition.node(run.node)?.kind, let next = wait.onEvent,
                    JourneyEventMatch.matches(item.name, properties: properties, wait: wait, now: now, utcOffsetSeconds: offset)
                else { continue }
                _ = try await store.resumeJourneyRun(workspaceID: workspaceID, run: run, to: next, at: now)
            }
        case .segmentEntered, .segmentExited:
            let transition: JourneyTrigger.SegmentTransition = item.source == .segmentEntered ? .entered : .exited
            for (journey, definition) in active {
                guard case .segment(let id, let wanted) = definition.trigger, id == item.name, wanted == transition else { continue }
                _ = try await journeys.enter(
                    workspaceID, journey, version: journey.activeVersion!, [.init(root: root, reference: "segment:\(item.id)")])
            }
        }
    }
}
