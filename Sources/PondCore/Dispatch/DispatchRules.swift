/// The dispatcher's decision for one message: the one place where consent, frequency caps, quiet hours and the
/// marketing share are applied, whatever asked for the send (a journey step, a broadcast, an API call). The store
/// and the engine only load the facts (`DispatchFacts`) and carry out and log the answer.
///
/// Rules are checked in this order, and the first that refuses decides the reason:
/// 1. **expired** — the request's expiry is not after `now`: suppressed;
/// 2. **no address** on the channel: suppressed;
/// 3. **consent** for the category on the channel (`ConsentRules`): nothing on record where a grant is needed is
///    `no_consent`, a revocation `unsubscribed`; suppressed either way. A revocation counts from the first decision
///    whose facts include it;
/// 4. **quiet hours** (`QuietHours`), 5. **caps** (`FrequencyCap`), 6. **marketing share** (`MarketingShare`):
///    these only hold a message. It is deferred to the *earliest* instant at which all three let it go — after
///    quiet hours end a cap may still hold it, and once a cap frees it, it may be quiet hours again — with the
///    first of them holding it now as the reason; if that instant is not before the expiry, it is suppressed as
///    `expired` instead. Deciding again at the deferred instant, on the same facts, sends.
///
/// Caps only loosen as time passes (a deferral adds no delivery), so together they free a message at one instant,
/// the latest of their own; quiet hours come back every night, and the share can tighten again when an old
/// service message leaves its window, so the search walks forward from that instant through the nights and the
/// instants at which deliveries leave the share's window, at most once past each delivery.
///
/// **Cost**, with N deliveries in the history and C caps: a message that goes now, or that only quiet hours hold,
/// costs O(N · (C + 1)) comparisons and divisions; a cap that holds adds O(N · log(D + 1)) to find its day (a
/// binary search over its D days); a share that holds adds O(N) to gather its deliveries' exits from the window
/// into a min-heap and O(log N) for each exit the walk passes, O(N log N) at worst. Nothing is allocated on the
/// heap: the only buffer, the share's exits, is a temporary allocation, on the stack for any history of ordinary
/// size. Build one `DispatchRules` per policy and reuse it for every message.
public struct DispatchRules: Sendable {
    public let policy: DispatchPolicy
    private let caps: [Cap]
    private let quiet: Quiet?
    private let share: Share?
    private let longestWindowDays: Int

    /// Refuses an invalid policy (see `DispatchPolicy.validate`), so every hold ends: caps of at least 1 free a
    /// message once their window has passed, quiet hours leave part of every day open, the share allows anything
    /// once its window is empty.
    public init(policy: DispatchPolicy = DispatchPolicy()) throws(DispatchPolicyError) {
        try policy.validate()
        self.policy = policy
        caps = policy.caps.map(Cap.init)
        quiet = policy.quietHours.map(Quiet.init)
        share = policy.marketingShare.map(Share.init)
        longestWindowDays = (policy.caps.map(\.days) + [policy.marketingShare?.windowDays ?? 0]).max() ?? 0
    }

    public func decide(_ request: DispatchRequest, facts: DispatchFacts, now: Instant) -> DispatchDecision {
        if let expiry = request.expiresAt, expiry <= now { return .suppress(.expired) }
        guard facts.hasAddress else { return .suppress(.noAddress) }
        if let refusal = policy.consent[request.category].refusal(facts.consent) { return .suppress(refusal) }

        let calendar = LocalCalendar(utcOffsetSeconds: facts.utcOffsetSeconds)
        let quiet = quiet.flatMap { $0.exempt & request.category.bit == 0 ? $0 : nil }
        let share = request.category == .marketing ? share : nil
        let deliveries = facts.deliveries

        let today = calendar.day(of: now)
        var capsOpen = now
        for cap in caps where cap.applies(to: request) {
            let day = cap.firstOpenDay(from: today, request: request, deliveries: deliveries, calendar: calendar)
            if day > today { capsOpen = max(capsOpen, calendar.start(ofDay: day)) }
        }
        let quietNow = quiet?.holds(calendar.timeOfDay(of: now)) ?? false
        let shareNow = share?.holds(at: now, deliveries) ?? false
        guard quietNow || capsOpen > now || shareNow else { return .send }

        let reason: DispatchReason = quietNow ? .quietHours : capsOpen > now ? .cap : .marketingShare
        let until = Self.earliestOpen(from: capsOpen, quiet: quiet, share: share, deliveries, calendar)
        if let expiry = request.expiresAt, until >= expiry { return .suppress(.expired) }
        return .defer(until: until, reason: reason)
    }

    /// What the consent ledger's state on the message's channel says about it, alone: the check a hand-over repeats
    /// just before a message decided earlier reaches its channel, so a revocation committed in between still
    /// stops it. Nil when it may go.
    public func consentRefusal(_ request: DispatchRequest, consent: ChannelConsent) -> DispatchReason? {
        policy.consent[request.category].refusal(consent)
    }

    /// Deliveries before this instant cannot change a decision made at `now` or later, whatever the profile's
    /// offset: the store loads the history from here. `now` itself when no rule reads the history.
    public func historyStart(now: Instant) -> Instant {
        longestWindowDays == 0
            ? now : now.adding(milliseconds: 1 - Int64(longestWindowDays) * LocalCalendar.millisecondsPerDay)
    }

    /// The first instant from `start` (at which the caps are open) that is outside quiet hours and within the
    /// share.
    private static func earliestOpen(
        from start: Instant, quiet: Quiet?, share: Share?, _ deliveries: [DeliveryRecord], _ calendar: LocalCalendar
    ) -> Instant {
        let open = quiet?.firstOpen(from: start, calendar) ?? start
        guard let share, share.holds(at: open, deliveries) else { return open }
        // Deliveries leave the share's window one by one, each at its exit instant; between exits the share is
        // constant. Take the exits in order, and go past the night whenever one lands in quiet hours. Each exit is
        // one integer — its distance from `open`, shifted left over the marketing bit — in a min-heap, so that
        // only the exits the walk reaches are ordered.
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: deliveries.count) { buffer in
            var exits = ExitHeap(buffer)
            var marketing = 0
            for delivery in deliveries {
                let distance = share.exit(of: delivery) - open.millisecondsSinceEpoch
                guard distance > 0 else { continue }
                let isMarketing = delivery.category == .marketing
                exits.append(distance << 1 | (isMarketing ? 1 : 0))
                if isMarketing { marketing += 1 }
            }
            exits.heapify()
            var t = open
            while true {
                let elapsed = t.millisecondsSinceEpoch - open.millisecondsSinceEpoch
                while let first = exits.first, first >> 1 <= elapsed {
                    marketing -= Int(first & 1)
                    exits.removeFirst()
                }
                // An empty window allows, so while the share holds a delivery is still to leave.
                if share.allows(marketing: marketing, all: exits.count) { return t }
                t = open.adding(milliseconds: exits.first! >> 1)
                if let quiet { t = quiet.firstOpen(from: t, calendar) }
            }
        }
    }

    /// A binary min-heap in a buffer the caller owns: O(n) to build, O(log n) per removal, no allocation.
    private struct ExitHeap {
        let buffer: UnsafeMutableBufferPointer<Int64>
        private(set) var count = 0

        init(_ buffer: UnsafeMutableBufferPointer<Int64>) { self.buffer = buffer }

        var first: Int64? { count > 0 ? buffer[0] : nil }

        /// Before `heapify` only.
        mutating func append(_ value: Int64) {
            (buffer.baseAddress! + count).initialize(to: value)
            count += 1
        }

        func heapify() {
            var index = count / 2
            while index > 0 {
                index -= 1
                siftDown(index)
            }
        }

        mutating func removeFirst() {
            count -= 1
            buffer[0] = buffer[count]
            siftDown(0)
        }

        private func siftDown(_ start: Int) {
            var parent = start
            while true {
                var smallest = parent
                let left = 2 * parent + 1, right = left + 1
                if left < count, buffer[left] < buffer[smallest] { smallest = left }
                if right < count, buffer[right] < buffer[smallest] { smallest = right }
                if smallest == parent { return }
                buffer.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// A `FrequencyCap` ready to count: its categories as bits.
    private struct Cap: Sendable {
        let categories: UInt8
        let scope: FrequencyCap.Scope
        let limit: Int
        let days: Int64

        init(_ cap: FrequencyCap) {
            categories = MessageCategory.mask(cap.categories)
            scope = cap.scope
            limit = cap.limit
            days = Int64(cap.days)
        }

        func applies(to request: DispatchRequest) -> Bool {
            guard categories & request.category.bit != 0 else { return false }
            if case .channel(let channel) = scope { return channel == request.channel }
            return true
        }

        /// Whether `delivery` counts against this cap for `request` (to which the cap applies): for a single
        /// channel the request is on it.
        func counts(_ delivery: DeliveryRecord, for request: DispatchRequest) -> Bool {
            guard categories & delivery.category.bit != 0 else { return false }
            if case .allChannels = scope { return true }
            return delivery.channel == request.channel
        }

        /// How many counted deliveries fall on `firstDay` or later.
        func count(from firstDay: Int64, request: DispatchRequest, deliveries: [DeliveryRecord], calendar: LocalCalendar)
            -> Int
        {
            var count = 0
            for delivery in deliveries where counts(delivery, for: request) && calendar.day(of: delivery.at) >= firstDay {
                count += 1
            }
            return count
        }

        /// The first local day from `today` on which fewer than `limit` counted deliveries fall in the window of
        /// that day and the `days − 1` before it. The count only falls as the day moves on, and is 0 once the
        /// window starts after the latest delivery, so a binary search between today and that day finds it.
        func firstOpenDay(
            from today: Int64, request: DispatchRequest, deliveries: [DeliveryRecord], calendar: LocalCalendar
        ) -> Int64 {
            var held = 0
            var latest = Int64.min
            for delivery in deliveries where counts(delivery, for: request) {
                let day = calendar.day(of: delivery.at)
                if day > today - days { held += 1 }
                latest = max(latest, day)
            }
            guard held >= limit else { return today }
            var closed = today
            var open = latest + days
            while open - closed > 1 {
                let day = closed + (open - closed) / 2
                if count(from: day - days + 1, request: request, deliveries: deliveries, calendar: calendar) >= limit {
                    closed = day
                } else {
                    open = day
                }
            }
            return open
        }
    }

    /// `QuietHours` in milliseconds since local midnight, with the exempt categories as bits.
    private struct Quiet: Sendable {
        let start: Int64
        let end: Int64
        let exempt: UInt8

        init(_ hours: QuietHours) {
            start = hours.start.millisecondsSinceMidnight
            end = hours.end.millisecondsSinceMidnight
            exempt = MessageCategory.mask(hours.exempt)
        }

        func holds(_ timeOfDay: Int64) -> Bool {
            start < end ? start <= timeOfDay && timeOfDay < end : timeOfDay >= start || timeOfDay < end
        }

        /// `instant` itself outside quiet hours, otherwise the end of the quiet hours it is in.
        func firstOpen(from instant: Instant, _ calendar: LocalCalendar) -> Instant {
            let timeOfDay = calendar.timeOfDay(of: instant)
            guard holds(timeOfDay) else { return instant }
            let wait = end - timeOfDay
            return instant.adding(milliseconds: wait > 0 ? wait : wait + LocalCalendar.millisecondsPerDay)
        }
    }

    /// `MarketingShare` with its window in milliseconds.
    private struct Share: Sendable {
        let percent: Int
        let window: Int64

        init(_ share: MarketingShare) {
            percent = share.percent
            window = Int64(share.windowDays) * LocalCalendar.millisecondsPerDay
        }

        /// The first instant at which `delivery` no longer counts.
        func exit(of delivery: DeliveryRecord) -> Int64 { delivery.at.millisecondsSinceEpoch + window }

        func allows(marketing: Int, all: Int) -> Bool { 100 * marketing <= percent * all }

        func holds(at instant: Instant, _ deliveries: [DeliveryRecord]) -> Bool {
            var marketing = 0
            var all = 0
            for delivery in deliveries where exit(of: delivery) > instant.millisecondsSinceEpoch {
                all += 1
                if delivery.category == .marketing { marketing += 1 }
            }
            return !allows(marketing: marketing, all: all)
        }
    }
}
