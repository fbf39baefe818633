/// Whether an incoming event enters a journey or ends a wait, with the segment rules' semantics for property
/// filters (`SegmentEvaluator.matches(_:value:now:)`): names and strings by bytes, missing properties fail every
/// predicate but `not exists`.
public enum JourneyEventMatch {
    /// Whether the event fires an event trigger. Other triggers are never fired by an event.
    public static func matches(
        _ name: String, properties: [String: JSONValue], trigger: JourneyTrigger, now: Instant, utcOffsetSeconds: Int = 0
    ) -> Bool {
        guard case .event(let event, let filters, _) = trigger else { return false }
        return matches(name, properties, event, filters, now: now, utcOffsetSeconds: utcOffsetSeconds)
    }

    /// Whether the event ends the wait of a wait-for-event node.
    public static func matches(
        _ name: String, properties: [String: JSONValue], wait: JourneyEventWait, now: Instant, utcOffsetSeconds: Int = 0
    ) -> Bool {
        matches(name, properties, wait.event, wait.filters, now: now, utcOffsetSeconds: utcOffsetSeconds)
    }

    /// The same for a `.waitForEvent` outcome's event and filters.
    public static func matches(
        _ name: String, properties: [String: JSONValue], event: String, filters: [SegmentCondition.PropertyFilter],
        now: Instant, utcOffsetSeconds: Int = 0
    ) -> Bool {
        matches(name, properties, event, filters, now: now, utcOffsetSeconds: utcOffsetSeconds)
    }

    /// The trigger's dedupe value for an event, as text: the key the engine enters a run under, so a second event
    /// for the same cart enters nothing. `nil` without a dedupe key, or when the event lacks the property (it then
    /// enters as if there were no key).
    public static func dedupeValue(_ properties: [String: JSONValue], trigger: JourneyTrigger) -> String? {
        guard case .event(_, _, let key?) = trigger, let value = SegmentComparison.lookup(key, in: properties),
            !value.isNull
        else { return nil }
        if case .string(let text) = value { return text }
        return JSONWriter.string(value)
    }

    private static func matches(
        _ name: String, _ properties: [String: JSONValue], _ event: String, _ filters: [SegmentCondition.PropertyFilter],
        now: Instant, utcOffsetSeconds: Int
    ) -> Bool {
        guard SegmentComparison.bytesEqual(name, event) else { return false }
        let evaluator = SegmentEvaluator(utcOffsetSeconds: utcOffsetSeconds)
        return filters.allSatisfy {
            evaluator.matches($0.predicate, value: SegmentComparison.lookup($0.key, in: properties), now: now)
        }
    }
}
