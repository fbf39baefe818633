import Logging
import PondCore
import PondStore

/// Runs a journey's time-based trigger, as one job per journey that queues its own next run:
///
/// - a **date trait** (birthday, anniversary) sweeps the profiles whose occurrence falls in the next hour, each on
///   its own clock, and queues an entry job (`JourneyDateEntryJob`) for that exact moment — the sweep for an hour runs
///   a few minutes before it starts, so entries are on time, and a trait written after its hour was swept is entered
///   next year;
/// - a **schedule** (daily or on some weekdays at a time, for a segment) enters the segment's members when its time
///   comes, page by page, each entry keyed by the firing so a sweep run again after a crash enters nobody twice.
///
/// The job reads the journey's active definition each time: a paused journey's job is removed
/// (`Store.setJourneyStatus`), a new version's trigger replaces it, and a job that finds its journey paused or its
/// trigger changed just ends. What fell due while no node ran is caught up for at most `catchUp`: a birthday
/// coupon a few hours late is still welcome, a daily outreach sent at night after a long outage is not.
public struct JourneyTriggerJob: JobHandler {
    public let kind = Store.triggerJobKind
    let journeys: JourneyService
    let logger: Logger

    /// How much of the calendar one date-trait sweep covers, and how long before that hour starts it runs.
    static let sweepWindow: Int64 = 3_600_000
    static let sweepLead: Int64 = 300_000
    static let catchUp: Int64 = 3_600_000
    static let page = 2000

    public init(journeys: JourneyService, logger: Logger) {
        self.journeys = journeys
        self.logger = logger
    }

    /// The first run of a trigger started at `now`: a sweep from now, or the schedule's next time.
    static func first(
        workspaceID: String, journeyID: String, _ trigger: JourneyTrigger, at now: Instant, utcOffsetSeconds: Int
    ) -> NewJob? {
        switch trigger {
        case .dateTrait: return sweep(workspaceID, journeyID, from: now, now: now)
        case .schedule(let weekdays, let at, _):
            return JourneyTime.next(at, on: weekdays, atOrAfter: now, utcOffsetSeconds: utcOffsetSeconds)
                .map { firing(workspaceID, journeyID, at: $0) }
        case .event, .segment, .manual: return nil
        }
    }

    static func sweep(_ workspaceID: String, _ journeyID: String, from: Instant, now: Instant) -> NewJob {
        NewJob(
            workspaceID: workspaceID, kind: Store.triggerJobKind, key: Store.triggerJobKey(journeyID),
            dueAt: max(now, from.adding(milliseconds: -sweepLead)),
            payload: ["journey": .string(journeyID), "from": .int(from.millisecondsSinceEpoch)])
    }

    static func firing(_ workspaceID: String, _ journeyID: String, at: Instant) -> NewJob {
        NewJob(
            workspaceID: workspaceID, kind: Store.triggerJobKind, key: Store.triggerJobKey(journeyID), dueAt: at,
            payload: ["journey": .string(journeyID), "at": .int(at.millisecondsSinceEpoch)])
    }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        let workspaceID = job.job.workspaceID
        let store = journeys.definitions.store
        guard case .string(let journeyID)? = job.job.payload["journey"],
            let journey = try await store.journey(workspaceID: workspaceID, id: journeyID), journey.status == .active,
            let version = journey.activeVersion
        else { return .done(next: []) }
        let definition = try await journeys.parsed.definition(workspaceID, journeyID, version: version)
        let now = journeys.definitions.clock.now()
        let offset = try await store.workspace(id: workspaceID)?.settings.utcOffsetSeconds ?? WorkspaceSettings.defaultUTCOffsetSeconds
        switch definition.trigger {
        case .dateTrait(let schedule):
            guard case .int(let fromMillis)? = job.job.payload["from"] else { return .done(next: []) }
            let from = max(Instant(millisecondsSinceEpoch: fromMillis), now.adding(milliseconds: -Self.catchUp))
            let to = max(from, now).adding(milliseconds: Self.sweepWindow)
            try await sweep(workspaceID, journeyID, schedule, after: from, through: to, workspaceOffset: offset, now: now)
            return .done(next: [Self.sweep(workspaceID, journeyID, from: to, now: now)])
        case .schedule(let weekdays, let time, let segment):
            guard case .int(let atMillis)? = job.job.payload["at"] else { return .done(next: []) }
            let at = Instant(millisecondsSinceEpoch: atMillis)
            if now.millisecondsSinceEpoch - atMillis <= Self.catchUp {
                try await enterMembers(workspaceID, journey, version: version, segment: segment, firing: at)
            } else {
                logger.warning("a journey's scheduled entry was skipped: no server ran at its time", metadata: [
                    "journey": "\(journeyID)", "due": "\(at)",
                ])
            }
            guard let next = JourneyTime.next(time, on: weekdays, after: max(at, now), utcOffsetSeconds: offset) else {
                return .done(next: [])
            }
            return .done(next: [Self.firing(workspaceID, journeyID, at: next)])
        case .event, .segment, .manual:
            return .done(next: [])
        }
    }

    /// Queues an entry job at each occurrence in `(from, to]`, read page by page from the profiles whose trait may
    /// fall in it. The job key holds the profile and the moment, so sweeping a window twice queues nothing twice.
    private func sweep(
        _ workspaceID: String, _ journeyID: String, _ schedule: DateTraitSchedule, after from: Instant, through to: Instant,
        workspaceOffset: Int, now: Instant
    ) async throws {
        let store = journeys.definitions.store
        let monthDays = schedule.candidateMonthDays(after: from, through: to)
        var cursor: Int64?
        while true {
            let candidates = try await store.dateTraitCandidates(
                workspaceID: workspaceID, trait: schedule.trait, monthDays: monthDays, after: cursor, limit: Self.page)
            guard let last = candidates.last else { return }
            cursor = last.memberID
            let offsets = try await store.clusterTrait(
                workspaceID: workspaceID, roots: candidates.map(\.root), key: ProfileUTCOffset.traitKey)
            var jobs: [NewJob] = []
            for candidate in candidates {
                let zone = offsets[candidate.root].flatMap { ProfileUTCOffset.seconds(from: [ProfileUTCOffset.traitKey: $0]) }
                guard let at = schedule.occurrence(
                    of: candidate.value, after: from, through: to, utcOffsetSeconds: zone ?? workspaceOffset)
                else { continue }
                jobs.append(JourneyDateEntryJob.job(workspaceID, journeyID, root: candidate.root, at: at))
            }
            try await store.enqueue(jobs, at: now)
            if candidates.count < Self.page { return }
        }
    }

    /// Enters the segment's members as of now, a page at a time.
    private func enterMembers(_ workspaceID: String, _ journey: StoredJourney, version: Int, segment: String, firing: Instant)
        async throws
    {
        let store = journeys.definitions.store
        var cursor: Int64?
        var entered = 0
        while true {
            let members = try await store.segmentMembers(
                workspaceID: workspaceID, segmentID: segment, after: cursor, limit: DispatchService.maximumTicketsPerCall)
            guard let last = members.last else { break }
            cursor = last.profileID
            let decisions = try await journeys.enter(
                workspaceID, journey, version: version,
                members.map { .init(root: $0.profileID, reference: "schedule:\(firing.millisecondsSinceEpoch):\($0.profileID)") })
            entered += decisions.filter { $0 == .enter }.count
        }
        logger.info("a journey's schedule fired", metadata: ["journey": "\(journey.id)", "entered": "\(entered)"])
    }
}

/// Enters one profile into a date-trait journey at its occurrence, queued by the sweep. It checks again, at that
/// moment, that the journey is active with the same trigger and that the cluster's value of the trait (the newest a
/// member holds, as its profile shows) still falls there — a birthday corrected since the sweep enters on the new day.
public struct JourneyDateEntryJob: JobHandler {
    public let kind = Store.entryJobKind
    let journeys: JourneyService

    public init(journeys: JourneyService) { self.journeys = journeys }

    static func job(_ workspaceID: String, _ journeyID: String, root: Int64, at: Instant) -> NewJob {
        NewJob(
            workspaceID: workspaceID, kind: Store.entryJobKind, key: "date-\(journeyID)-\(root)-\(at.millisecondsSinceEpoch)",
            dueAt: at, payload: ["journey": .string(journeyID), "profile": .int(root), "at": .int(at.millisecondsSinceEpoch)])
    }

    public func run(_ job: ClaimedJob) async throws -> JobOutcome {
        let workspaceID = job.job.workspaceID
        let store = journeys.definitions.store
        guard case .string(let journeyID)? = job.job.payload["journey"], case .int(let profile)? = job.job.payload["profile"],
            case .int(let atMillis)? = job.job.payload["at"],
            let journey = try await store.journey(workspaceID: workspaceID, id: journeyID), journey.status == .active,
            let version = journey.activeVersion,
            case .dateTrait(let schedule) = try await journeys.parsed.definition(workspaceID, journeyID, version: version).trigger,
            let root = try await store.rootProfileID(workspaceID: workspaceID, profileID: profile)
        else { return .done(next: []) }
        let at = Instant(millisecondsSinceEpoch: atMillis)
        let value = try await store.clusterTrait(workspaceID: workspaceID, roots: [root], key: schedule.trait)[root]
        let zone = try await store.clusterTrait(workspaceID: workspaceID, roots: [root], key: ProfileUTCOffset.traitKey)[root]
            .flatMap { ProfileUTCOffset.seconds(from: [ProfileUTCOffset.traitKey: $0]) }
        var offset = WorkspaceSettings.defaultUTCOffsetSeconds
        if let zone { offset = zone } else if let workspace = try await store.workspace(id: workspaceID) {
            offset = workspace.settings.utcOffsetSeconds
        }
        guard schedule.occurrence(of: value, after: at.adding(milliseconds: -1), through: at, utcOffsetSeconds: offset) == at else {
            return .done(next: [])
        }
        _ = try await journeys.enter(
            workspaceID, journey, version: version, [.init(root: root, reference: "date:\(root):\(atMillis)")])
        return .done(next: [])
    }
}
