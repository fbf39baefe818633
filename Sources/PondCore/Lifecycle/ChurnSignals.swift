import Foundation

/// What the store knows about one buyer's orders and activity as of a moment: five aggregates, cheap to keep per
/// profile or to compute in one SQL pass (`count`, `min`, `max`, the second-largest order time, and the latest
/// non-order activity).
public struct ChurnSignals: Sendable, Hashable, Codable {
    public var orderCount: Int
    public var firstOrderAt: Instant
    /// The order before the last one; nil with a single order.
    public var previousOrderAt: Instant?
    public var lastOrderAt: Instant
    /// The latest thing the customer did that was not an order (a visit, a message, a store check-in).
    public var lastActivityAt: Instant?

    public init(
        orderCount: Int, firstOrderAt: Instant, previousOrderAt: Instant?, lastOrderAt: Instant,
        lastActivityAt: Instant?
    ) {
        self.orderCount = orderCount
        self.firstOrderAt = firstOrderAt
        self.previousOrderAt = previousOrderAt
        self.lastOrderAt = lastOrderAt
        self.lastActivityAt = lastActivityAt
    }

    /// The signals as they stood at `asOf`, from full histories: orders and activity after it are ignored. Nil when
    /// the customer had not ordered by then (churn is about buyers; a visitor who never bought cannot stop buying).
    public init?(orderTimes: [Instant], activityTimes: [Instant], asOf: Instant) {
        let orders = orderTimes.filter { $0 <= asOf }.sorted()
        guard let first = orders.first, let last = orders.last else { return nil }
        self.init(
            orderCount: orders.count, firstOrderAt: first,
            previousOrderAt: orders.count >= 2 ? orders[orders.count - 2] : nil, lastOrderAt: last,
            lastActivityAt: activityTimes.filter { $0 <= asOf }.max())
    }
}

/// The churn model's inputs, each on a log scale so that one unit means "about e times as much".
///
/// - `overdue`: days since the last order ÷ the interval this customer usually leaves between orders. The core
///   signal: 30 days is nothing for a quarterly buyer and alarming for a weekly one. The usual interval is the
///   customer's mean, shrunk towards the workspace's typical interval by one pseudo-interval, so that a customer
///   with two orders a day apart is not declared overdue the day after.
/// - `recency`: days since the last order, as such (what the baseline uses), so that the model can weigh absolute
///   age too: after a year most customers are gone whatever their rhythm.
/// - `rhythm`: the usual interval itself. Over a fixed horizon a quarterly buyer is more likely to show no order
///   than a weekly one even when neither is leaving, and the model has to know that to read `overdue` right.
/// - `orders`: the number of orders; habits with many repetitions break less easily.
/// - `intervalTrend`: the last interval ÷ the mean of the earlier ones (0 below three orders): lengthening gaps are
///   the classic sign of a customer drifting away.
/// - `activityGap`: days since the customer last did anything, orders or not, ÷ the usual interval: someone who
///   still opens the mini program between orders is not gone.
public struct ChurnFeatures: Sendable, Hashable {
    public var overdue: Double
    public var recency: Double
    public var rhythm: Double
    public var orders: Double
    public var intervalTrend: Double
    public var activityGap: Double

    public static let names = ["overdue", "recency", "rhythm", "orders", "interval_trend", "activity_gap"]

    public var vector: [Double] { [overdue, recency, rhythm, orders, intervalTrend, activityGap] }

    public init(
        overdue: Double, recency: Double, rhythm: Double, orders: Double, intervalTrend: Double, activityGap: Double
    ) {
        self.overdue = overdue
        self.recency = recency
        self.rhythm = rhythm
        self.orders = orders
        self.intervalTrend = intervalTrend
        self.activityGap = activityGap
    }

    /// - Parameter typicalIntervalDays: the workspace's median repurchase interval (`RepurchaseInterval.median`),
    ///   the same number the adaptive dormancy window is computed from; 30 while it has no repeat purchases.
    public init(_ signals: ChurnSignals, now: Instant, typicalIntervalDays: Double) {
        let typical = typicalIntervalDays.isFinite ? max(1, typicalIntervalDays) : 30
        let count = max(1, signals.orderCount)
        let sinceLastOrder = Self.days(from: signals.lastOrderAt, to: now)
        let span = Self.days(from: signals.firstOrderAt, to: signals.lastOrderAt)
        let usual = max(1, (span + typical) / Double(count))
        var trend = 0.0
        if count >= 3, let previous = signals.previousOrderAt {
            let lastInterval = Self.days(from: previous, to: signals.lastOrderAt)
            let earlierMean = Self.days(from: signals.firstOrderAt, to: previous) / Double(count - 2)
            trend = log((lastInterval + 1) / (earlierMean + 1))
        }
        let lastSign = max(signals.lastOrderAt, signals.lastActivityAt ?? signals.lastOrderAt)
        self.init(
            overdue: log1p(sinceLastOrder / usual), recency: log1p(sinceLastOrder), rhythm: log(usual),
            orders: log(Double(count)),
            intervalTrend: trend, activityGap: log1p(Self.days(from: lastSign, to: now) / usual))
    }

    private static func days(from start: Instant, to end: Instant) -> Double {
        max(0, Double(end.millisecondsSinceEpoch - start.millisecondsSinceEpoch) / 86_400_000)
    }
}

/// One labelled customer for fitting: the features at a cutoff, and whether they ordered again within the horizon.
public struct ChurnExample: Sendable, Hashable {
    public var features: ChurnFeatures
    public var churned: Bool

    public init(features: ChurnFeatures, churned: Bool) {
        self.features = features
        self.churned = churned
    }

    /// The label a workspace can observe about its own past: take a cutoff `horizonDays` ago, compute the features
    /// from what was known then, and call the customer churned if no order followed within the horizon. Nil for a
    /// customer who had not ordered by the cutoff.
    public static func observed(
        orderTimes: [Instant], activityTimes: [Instant], cutoff: Instant, horizonDays: Int, typicalIntervalDays: Double
    ) -> ChurnExample? {
        guard let signals = ChurnSignals(orderTimes: orderTimes, activityTimes: activityTimes, asOf: cutoff) else {
            return nil
        }
        let horizonEnd = cutoff.adding(days: horizonDays)
        let orderedAgain = orderTimes.contains { $0 > cutoff && $0 <= horizonEnd }
        return ChurnExample(
            features: ChurnFeatures(signals, now: cutoff, typicalIntervalDays: typicalIntervalDays),
            churned: !orderedAgain)
    }
}
