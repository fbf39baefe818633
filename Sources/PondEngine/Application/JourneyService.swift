import Foundation
import PondCore
import PondStore

/// Journeys (SOP automation): definitions and their versions, starting and pausing, entering profiles, and each
/// journey's statistics. Every front door — the API, the console, the CLI, the trigger processor — enters profiles
/// through `enter`, so the re-entry policy and the run cap hold whoever asks.
public struct JourneyService: Sendable {
    let definitions: DefinitionContext
    let messages: any JourneyMessages
    let actions: JourneyActionRegistry
    let parsed: JourneyDefinitions

    public static let maximumProfilesPerEntry = 10_000

    init(definitions: DefinitionContext, messages: any JourneyMessages, actions: JourneyActionRegistry = .builtIn) {
        self.definitions = definitions
        self.messages = messages
        self.actions = actions
        parsed = JourneyDefinitions(store: definitions.store)
    }

    private var store: Store { definitions.store }

    /// A journey with the definition of its latest version and the list of versions.
    public struct Detail: Sendable {
        public var journey: StoredJourney
        public var definition: JourneyDefinition
        public var versions: [(version: Int, createdAt: Instant)]
    }

    /// Everything a definition of the workspace may name.
    func catalog(_ workspaceID: String) async throws -> JourneyCatalog {
        let rules = try await definitions.catalog(workspaceID)
        return JourneyCatalog(
            templates: try await messages.templatesByID(workspaceID: workspaceID).mapValues(JourneyCatalog.TemplateInfo.init),
            segments: Set(rules.segments.map(\.id)), tags: rules.tags, traitKeys: try await messages.traitKeys(workspaceID: workspaceID))
    }

    /// Saves a definition as a new journey (`id` nil: from its name) or a new version of one (`replacing`). Nothing
    /// is saved unless it validates; every problem comes back, the first as the error with the others in `problems`.
    public func save(workspaceID: String, id: String?, replacing: String?, _ json: JSONValue) async throws -> Detail {
        let definition: JourneyDefinition
        do { definition = try JourneyDefinition(json: json) } catch { throw Self.refusal([error]) }
        return try await definitions.changing(workspaceID) { _ in
            let problems = JourneyValidator.problems(definition, catalog: try await catalog(workspaceID), actions: actions)
            guard problems.isEmpty else { throw Self.refusal(problems) }
            let taken = Set(try await store.journeys(workspaceID: workspaceID).map(\.id))
            let journeyID = try DefinitionNames.idForSave(
                replacing: replacing, given: id, taken: taken, name: definition.name, fallback: "journey", what: "journey")
            var listeners: [JourneyListener] = []
            if let existing = try await store.journey(workspaceID: workspaceID, id: journeyID), existing.status == .active {
                // The new version becomes the active one: listen for its trigger (and every version's waits).
                listeners = try await parsed.listeners(workspaceID, existing, activeVersion: 0)
                listeners += Self.triggerListeners(definition) + Self.waitListeners(definition)
            }
            let now = definitions.clock.now()
            _ = try await store.saveJourneyVersion(
                workspaceID: workspaceID, id: journeyID, name: definition.name, definition: JSONWriter.string(definition.json),
                listeners: listeners, triggerJob: try await triggerJob(workspaceID, journeyID, definition, at: now), at: now)
            return try await detail(workspaceID: workspaceID, id: journeyID)
        }
    }

    public func detail(workspaceID: String, id: String) async throws -> Detail {
        guard let journey = try await store.journey(workspaceID: workspaceID, id: id) else {
            throw DefinitionError.notFound("journey '\(id)'")
        }
        return Detail(
            journey: journey, definition: try await parsed.definition(workspaceID, id, version: journey.latestVersion),
            versions: try await store.journeyVersions(workspaceID: workspaceID, id: id))
    }

    public func list(workspaceID: String) async throws -> [StoredJourney] {
        try await store.journeys(workspaceID: workspaceID)
    }

    /// One version's definition.
    public func definition(workspaceID: String, id: String, version: Int) async throws -> JourneyDefinition {
        guard try await store.journeyVersion(workspaceID: workspaceID, id: id, version: version) != nil else {
            throw DefinitionError.notFound("journey '\(id)' version \(version)")
        }
        return try await parsed.definition(workspaceID, id, version: version)
    }

    /// Starts a journey on its latest version (or resumes a paused one on it): profiles enter from now on. A date
    /// trait or schedule trigger starts sweeping or waiting for its time now; what fell in a pause is not caught up.
    public func start(workspaceID: String, id: String) async throws -> StoredJourney {
        try await setStatus(workspaceID, id, .active)
    }

    /// Stops entering profiles; runs in progress go on to their end.
    public func pause(workspaceID: String, id: String) async throws -> StoredJourney {
        try await setStatus(workspaceID, id, .paused)
    }

    private func setStatus(_ workspaceID: String, _ id: String, _ status: JourneyStatus) async throws -> StoredJourney {
        let detail = try await detail(workspaceID: workspaceID, id: id)
        let current = detail.journey
        let listeners = try await parsed.listeners(
            workspaceID, current, activeVersion: status == .active ? current.latestVersion : 0)
        let now = definitions.clock.now()
        guard let journey = try await store.setJourneyStatus(
            workspaceID: workspaceID, id: id, status, listeners: listeners,
            triggerJob: status == .active ? try await triggerJob(workspaceID, id, detail.definition, at: now) : nil, at: now)
        else { throw DefinitionError.notFound("journey '\(id)'") }
        return journey
    }

    /// The job that runs a time-based trigger (`JourneyTriggerJob`): a date-trait sweep from now, or a schedule's
    /// next time; nil for triggers that need none.
    private func triggerJob(_ workspaceID: String, _ id: String, _ definition: JourneyDefinition, at now: Instant) async throws -> NewJob? {
        let offset = try await store.workspace(id: workspaceID)?.settings.utcOffsetSeconds ?? WorkspaceSettings.defaultUTCOffsetSeconds
        return JourneyTriggerJob.first(workspaceID: workspaceID, journeyID: id, definition.trigger, at: now, utcOffsetSeconds: offset)
    }

    public struct EntryReport: Sendable, Equatable {
        public var entered = 0
        public var alreadyEntered = 0
        public var atCapacity = 0
        public var duplicates = 0

        public init(entered: Int = 0, alreadyEntered: Int = 0, atCapacity: Int = 0, duplicates: Int = 0) {
            self.entered = entered
            self.alreadyEntered = alreadyEntered
            self.atCapacity = atCapacity
            self.duplicates = duplicates
        }
    }

    /// Enters profiles into an active journey by hand (the API, the console): any journey, whatever its trigger.
    /// `requestKey` makes a repeated request enter nobody twice.
    public func enter(workspaceID: String, id: String, profileIDs: [Int64], requestKey: String) async throws -> EntryReport {
        guard profileIDs.count <= Self.maximumProfilesPerEntry else {
            throw DefinitionError(
                .tooLarge, .payloadTooLarge, "at most \(Self.maximumProfilesPerEntry) profiles per request, got \(profileIDs.count)")
        }
        let journey = try await detail(workspaceID: workspaceID, id: id).journey
        guard journey.status == .active, let version = journey.activeVersion else {
            throw DefinitionError(.conflict, .journeyNotActive, "journey '\(id)' is \(journey.status.rawValue); start it first")
        }
        var roots: [Int64] = []
        for profile in profileIDs { roots.append(try await definitions.root(workspaceID, profile)) }
        var report = EntryReport()
        for decision in try await enter(
            workspaceID, journey, version: version, roots.map { Entry(root: $0, reference: "manual:\(requestKey):\($0)") })
        {
            report.add(decision)
        }
        return report
    }

    /// A profile a trigger entered: the cluster root, what triggered it (`event:<seq>`, `segment:<item>`, … — unique
    /// per entry of that profile), the trigger event, and the value of its dedupe key.
    struct Entry: Sendable {
        var root: Int64
        var reference: String
        var triggerSeq: Int64?
        var dedupe: String?
    }

    /// Decides and records entries (`JourneyEntry.decide`), each keyed so that deciding twice enters once: a
    /// once-only journey by the profile, an after-exit journey by the profile and its count of finished runs,
    /// otherwise by what triggered it (`reference`). One read of the runs and one write for all of them; the run
    /// cap counts the entries before it in the same call.
    func enter(_ workspaceID: String, _ journey: StoredJourney, version: Int, _ entries: [Entry]) async throws
        -> [JourneyEntry.Decision]
    {
        guard !entries.isEmpty else { return [] }
        let definition = try await parsed.definition(workspaceID, journey.id, version: version)
        let facts = try await store.journeyEntryFacts(
            workspaceID: workspaceID, journeyID: journey.id, profileIDs: entries.map(\.root),
            countingRuns: definition.maxConcurrentRuns != nil)
        var running = facts.runsInProgress
        var decisions: [JourneyEntry.Decision] = []
        var runs: [NewJourneyRun] = []
        for entry in entries {
            let own = facts.profiles[entry.root] ?? (0, 0)
            let decision = JourneyEntry.decide(
                definition, everEntered: own.runs > 0, runInProgress: own.runs > own.exited, runsInProgress: running)
            decisions.append(decision)
            guard decision == .enter else { continue }
            running += 1
            let key: String
            switch definition.reentry {
            case .once: key = "once:\(entry.root)"
            case .afterExit: key = "after:\(entry.root):\(own.exited)"
            case .always: key = entry.reference
            }
            runs.append(
                NewJourneyRun(
                    journeyID: journey.id, version: version, profileID: entry.root, entryKey: key,
                    dedupeKey: entry.dedupe.map { "dedupe:\($0)" }, triggerSeq: entry.triggerSeq, start: definition.start))
        }
        var ids = try await store.enterJourneyRuns(workspaceID: workspaceID, runs, at: definitions.clock.now())[...]
        // An entry the store did not start (its key was taken meanwhile) is a duplicate.
        return decisions.map { decision in
            guard decision == .enter else { return decision }
            return ids.popFirst().flatMap { $0 } == nil ? .duplicate : .enter
        }
    }

    /// A journey's numbers per version: runs entered, where the ones in progress are, how the others left,
    /// conversions and time to convert, per split arm, and its messages by status and reason.
    public struct Stats: Sendable {
        public struct Version: Sendable {
            public var version: Int
            public var entered = 0
            public var inProgress = 0
            public var atNode: [String: Int] = [:]
            public var exited: [String: Int] = [:]
            public var converted = 0
            /// The mean time from entry to conversion.
            public var meanMillisecondsToConvert: Int64?
            public var arms: [(node: String, arm: String, runs: Int, converted: Int)] = []
            public var messages: [(status: MessageStatus, reason: DispatchReason?, count: Int)] = []
        }

        public var versions: [Version]
    }

    public func stats(workspaceID: String, id: String) async throws -> Stats {
        let journey = try await detail(workspaceID: workspaceID, id: id).journey
        var versions: [Int: Stats.Version] = [:]
        var convertedTime: [Int: Int64] = [:]
        for row in try await store.journeyRunCounts(workspaceID: workspaceID, journeyID: id) {
            var stats = versions[row.version] ?? Stats.Version(version: row.version)
            stats.entered += row.count
            if row.status == .exited {
                stats.exited[row.exitReason ?? "completed", default: 0] += row.count
                if row.exitReason == "converted" {
                    stats.converted += row.count
                    convertedTime[row.version, default: 0] += row.convertedAfter
                }
            } else {
                stats.inProgress += row.count
                stats.atNode[row.node, default: 0] += row.count
            }
            versions[row.version] = stats
        }
        for row in try await store.journeyArmCounts(workspaceID: workspaceID, journeyID: id) {
            versions[row.version, default: Stats.Version(version: row.version)].arms.append((row.node, row.arm, row.runs, row.converted))
        }
        for version in 1...journey.latestVersion {
            var stats = versions[version] ?? Stats.Version(version: version)
            if stats.converted > 0 { stats.meanMillisecondsToConvert = convertedTime[version, default: 0] / Int64(stats.converted) }
            stats.messages = try await store.messageCounts(
                workspaceID: workspaceID, origin: "journey", originRef: Self.origin(id, version: version))
            versions[version] = stats
        }
        return Stats(versions: versions.values.sorted { $0.version < $1.version })
    }

    /// The `originRef` of a version's messages.
    static func origin(_ journeyID: String, version: Int) -> String { "\(journeyID)@v\(version)" }

    static func triggerListeners(_ definition: JourneyDefinition) -> [JourneyListener] {
        switch definition.trigger {
        case .event(let name, _, _): return [JourneyListener(.event, name)]
        case .segment(let id, .entered): return [JourneyListener(.segmentEntered, id)]
        case .segment(let id, .exited): return [JourneyListener(.segmentExited, id)]
        case .dateTrait, .schedule, .manual: return []
        }
    }

    static func waitListeners(_ definition: JourneyDefinition) -> [JourneyListener] {
        definition.nodes.compactMap { node in
            if case .waitForEvent(let wait) = node.kind { return JourneyListener(.event, wait.event) }
            return nil
        }
    }

    /// Validation problems as one refusal: the first one's code, message and path, and all of them in `problems`.
    static func refusal(_ problems: [JourneyError]) -> DefinitionError {
        let first = problems[0]
        return DefinitionError(
            .invalid, code: first.code.rawValue, first.message,
            details: [
                "path": .string(first.path),
                "problems": .array(problems.map { ["code": .string($0.code.rawValue), "path": .string($0.path), "message": .string($0.message)] }),
            ])
    }
}

extension JourneyService.EntryReport {
    mutating func add(_ decision: JourneyEntry.Decision) {
        switch decision {
        case .enter: entered += 1
        case .alreadyEntered: alreadyEntered += 1
        case .atCapacity: atCapacity += 1
        case .duplicate: duplicates += 1
        }
    }
}
