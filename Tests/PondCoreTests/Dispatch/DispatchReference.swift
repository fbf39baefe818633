import PondCore

/// The dispatcher's rules written straight from their definitions, the slow and obvious way: every rule is
/// evaluated afresh at each instant, and a held message's time is found by trying `now` and then every minute
/// after it until all rules allow. It knows nothing of binary searches, sorted exits or the end of the night.
///
/// Exact for the cases `DispatchCaseGenerator` makes: whole-minute offsets, quiet hours and deliveries on the
/// minute, whole-day windows — so every instant at which a rule can change is a minute.
enum DispatchReference {
    static let minute: Int64 = 60_000
    static let day: Int64 = 86_400_000

    /// What the reference found, and whether the hold was compound: the rule that held the message at `now` let go
    /// before the others did.
    struct Answer {
        var decision: DispatchDecision
        var compound = false
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { (a - ((a % b) + b) % b) / b }

    static func localMilliseconds(_ t: Instant, _ facts: DispatchFacts) -> Int64 {
        t.millisecondsSinceEpoch + Int64(facts.utcOffsetSeconds) * 1000
    }

    static func localDay(_ t: Instant, _ facts: DispatchFacts) -> Int64 { floorDivide(localMilliseconds(t, facts), day) }

    /// Quiet from `start` for `(end − start) mod 1440` minutes, wrapping midnight.
    static func quiet(_ policy: DispatchPolicy, _ request: DispatchRequest, _ facts: DispatchFacts, at t: Instant) -> Bool {
        guard let hours = policy.quietHours, !hours.exempt.contains(request.category) else { return false }
        let local = localMilliseconds(t, facts)
        let minuteOfDay = Int((local - floorDivide(local, day) * day) / minute)
        let start = hours.start.minutesSinceMidnight, end = hours.end.minutesSinceMidnight
        return (minuteOfDay - start + 1440) % 1440 < (end - start + 1440) % 1440
    }

    /// Some cap of the request's category and channel has `limit` deliveries of its categories and channels on
    /// the local days from `days − 1` days before `t`'s day (or later).
    static func capped(_ policy: DispatchPolicy, _ request: DispatchRequest, _ facts: DispatchFacts, at t: Instant) -> Bool {
        policy.caps.contains { cap in
            guard cap.categories.contains(request.category) else { return false }
            if case .channel(let channel) = cap.scope, channel != request.channel { return false }
            let firstDay = localDay(t, facts) - Int64(cap.days - 1)
            let counted = facts.deliveries.filter { delivery in
                let channelCounts: Bool
                switch cap.scope {
                case .allChannels: channelCounts = true
                case .eachChannel, .channel: channelCounts = delivery.channel == request.channel
                }
                return channelCounts && cap.categories.contains(delivery.category) && localDay(delivery.at, facts) >= firstDay
            }
            return counted.count >= cap.limit
        }
    }

    /// Marketing is more than `percent` of the messages sent less than `windowDays` days before `t` (or later).
    static func overShare(_ policy: DispatchPolicy, _ request: DispatchRequest, _ facts: DispatchFacts, at t: Instant) -> Bool {
        guard request.category == .marketing, let share = policy.marketingShare else { return false }
        let window = facts.deliveries.filter {
            t.millisecondsSinceEpoch - $0.at.millisecondsSinceEpoch < Int64(share.windowDays) * day
        }
        let marketing = window.filter { $0.category == .marketing }.count
        return marketing * 100 > share.percent * window.count
    }

    static func consentRefusal(_ policy: DispatchPolicy, _ request: DispatchRequest, _ facts: DispatchFacts) -> DispatchReason? {
        let rule: ConsentRule
        switch request.category {
        case .marketing: rule = ConsentRule(purpose: .marketing, requires: .grant)
        case .service: rule = policy.consent.service
        case .content: rule = policy.consent.content
        }
        let status = facts.consent[rule.purpose].status
        switch rule.requires {
        case .notRequired: return nil
        case .noRevocation: return status == .revoked ? .unsubscribed : nil
        case .grant: return status == .granted ? nil : status == .revoked ? .unsubscribed : .noConsent
        }
    }

    /// Nil when nothing allows the message within `horizonDays` of `now`: the rules promise that cannot happen.
    static func decide(
        _ policy: DispatchPolicy, _ request: DispatchRequest, _ facts: DispatchFacts, now: Instant, horizonDays: Int64 = 30
    ) -> Answer? {
        if let expiry = request.expiresAt, expiry <= now { return Answer(decision: .suppress(.expired)) }
        if !facts.hasAddress { return Answer(decision: .suppress(.noAddress)) }
        if let refusal = consentRefusal(policy, request, facts) { return Answer(decision: .suppress(refusal)) }
        func holding(at t: Instant) -> DispatchReason? {
            if quiet(policy, request, facts, at: t) { return .quietHours }
            if capped(policy, request, facts, at: t) { return .cap }
            if overShare(policy, request, facts, at: t) { return .marketingShare }
            return nil
        }
        guard let reason = holding(at: now) else { return Answer(decision: .send) }
        func holds(_ rule: DispatchReason, at t: Instant) -> Bool {
            switch rule {
            case .quietHours: return quiet(policy, request, facts, at: t)
            case .cap: return capped(policy, request, facts, at: t)
            default: return overShare(policy, request, facts, at: t)
            }
        }
        var compound = false
        var t = Instant(millisecondsSinceEpoch: (floorDivide(now.millisecondsSinceEpoch, minute) + 1) * minute)
        while t.millisecondsSinceEpoch - now.millisecondsSinceEpoch <= horizonDays * day {
            if let expiry = request.expiresAt, t >= expiry { return Answer(decision: .suppress(.expired), compound: compound) }
            if holding(at: t) == nil { return Answer(decision: .defer(until: t, reason: reason), compound: compound) }
            if !compound && !holds(reason, at: t) { compound = true }
            t = t.adding(milliseconds: minute)
        }
        return nil
    }
}
