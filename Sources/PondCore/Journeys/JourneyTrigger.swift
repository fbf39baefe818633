/// What puts a profile into a journey.
public enum JourneyTrigger: Sendable, Hashable {
    /// An event the profile performs, passing every property filter (`Cart Abandoned` where `amount > 100`).
    /// With a `dedupeKey`, a second event with the same value of that property does not enter again (two
    /// abandoned-cart events for one cart are one cart); `JourneyEventMatch.dedupeValue` reads it.
    case event(name: String, filters: [SegmentCondition.PropertyFilter], dedupeKey: String?)
    /// Entering or leaving a segment, by id.
    case segment(id: String, SegmentTransition)
    /// A date trait: a birthday or an anniversary, N days before or after, at a local time. The scheduler enters
    /// each profile at `DateTraitSchedule.nextOccurrence(…, inclusive: false)` of its trait.
    case dateTrait(DateTraitSchedule)
    /// A schedule: the members of a segment, at a time of day on the given weekdays (all seven: daily), in the
    /// workspace's time zone (`JourneyTime.next(_:on:after:utcOffsetSeconds:)`).
    case schedule(weekdays: Set<Weekday>, at: TimeOfDay, segment: String)
    /// Only through the API or the console, for a list of profiles.
    case manual

    public enum SegmentTransition: String, Sendable, Hashable, CaseIterable {
        case entered
        case exited
    }

    /// Whether runs have a trigger event whose properties templates may read (`{{event.*}}`).
    public var providesEvent: Bool {
        if case .event = self { return true }
        return false
    }

    /// The JSON `type` of the trigger.
    public var typeName: String {
        switch self {
        case .event: "event"
        case .segment: "segment"
        case .dateTrait: "date_trait"
        case .schedule: "schedule"
        case .manual: "manual"
        }
    }
}
