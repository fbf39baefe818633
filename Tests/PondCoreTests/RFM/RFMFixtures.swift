import PondCore

/// Order summaries built from "days ago" numbers, so a population reads like the table it stands for.
enum RFMFixture {
    /// 2026-11-22T04:16:24.123Z: deliberately not midnight, so whole-day rounding is exercised.
    static let now = Instant(millisecondsSinceEpoch: 1_795_320_984_123)

    static func summary(_ id: Int64, daysAgo: Int, orders: Int, amount: Double, extraMs: Int64 = 0) -> OrderSummary {
        OrderSummary(
            profileID: id, lastOrderAt: now.adding(days: -daysAgo).adding(milliseconds: -extraMs), orderCount: orders,
            totalAmount: amount)
    }

    /// Profiles 1, 2, 3, … with the given columns.
    static func population(daysAgo: [Int], orders: [Int], amounts: [Double]) -> [OrderSummary] {
        zip(daysAgo, zip(orders, amounts)).enumerated().map { index, values in
            summary(Int64(index + 1), daysAgo: values.0, orders: values.1.0, amount: values.1.1)
        }
    }

    static func cells(_ run: RFMRun) -> [Int64: String] { run.scores.mapValues(\.cell) }
}
