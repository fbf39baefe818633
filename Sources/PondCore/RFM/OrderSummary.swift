/// One profile's orders inside the RFM window, aggregated by the store (one `GROUP BY profile` over the event log).
///
/// Only orders inside the window belong here: a profile whose last order is older than the window has no summary at
/// all, and `RFMScorer` gives it no score rather than a fake `111`.
public struct OrderSummary: Sendable, Hashable, Codable {
    public var profileID: Int64
    public var lastOrderAt: Instant
    public var orderCount: Int
    /// Sum of the order amounts, in the brand's currency units (yuan, not fen). Orders without an amount add 0.
    public var totalAmount: Double

    public init(profileID: Int64, lastOrderAt: Instant, orderCount: Int, totalAmount: Double) {
        self.profileID = profileID
        self.lastOrderAt = lastOrderAt
        self.orderCount = orderCount
        self.totalAmount = totalAmount
    }

    /// The summary after one more order, for incremental updates between full runs.
    ///
    /// Orders that leave the window are not subtracted here; the next full run, which re-aggregates from the event
    /// log, takes care of that. A late-arriving older order leaves `lastOrderAt` where it was.
    public func recording(orderAt: Instant, amount: Double?) -> OrderSummary {
        var next = self
        next.record(orderAt: orderAt, amount: amount)
        return next
    }

    public mutating func record(orderAt: Instant, amount: Double?) {
        orderCount += 1
        totalAmount += amount ?? 0
        lastOrderAt = max(lastOrderAt, orderAt)
    }

    /// The summary of both profiles' orders, for summaries of one profile gathered from separate parts of the log.
    public func adding(_ other: OrderSummary) -> OrderSummary {
        OrderSummary(
            profileID: profileID, lastOrderAt: max(lastOrderAt, other.lastOrderAt), orderCount: orderCount + other.orderCount,
            totalAmount: totalAmount + other.totalAmount)
    }
}
