import Foundation
import Testing

@testable import PondCore

@Suite("RFM configuration")
struct RFMConfigurationTests {
    @Test("defaults: Order Completed, revenue then amount then total, a 365-day window, quintiles, the standard map")
    func defaults() throws {
        let configuration = RFMConfiguration()
        #expect(configuration.orderEvents == ["Order Completed"])
        #expect(configuration.amountProperties == ["revenue", "amount", "total"])
        #expect(configuration.windowDays == 365)
        #expect(configuration.scoring == .quantiles(buckets: 5))
        #expect(configuration.layers == .standard)
        try configuration.validate()
    }

    @Test("an order's amount is the first amount property holding a number, quoted numbers included")
    func amountFallback() {
        let configuration = RFMConfiguration()
        #expect(configuration.amount(in: ["revenue": 199.5, "amount": 10]) == 199.5)
        #expect(configuration.amount(in: ["amount": 88, "total": 90]) == 88)
        #expect(configuration.amount(in: ["revenue": .null, "amount": "n/a", "total": " 99.00 "]) == 99)
        #expect(configuration.amount(in: ["revenue": "NaN", "price": 5]) == nil)
    }

    @Test("only the configured event names are orders")
    func orderEvents() {
        let configuration = RFMConfiguration(orderEvents: ["Order Completed", "POS Sale"])
        #expect(configuration.isOrder(eventName: "POS Sale"))
        #expect(!configuration.isOrder(eventName: "order completed"))
        #expect(!configuration.isOrder(eventName: "Checkout Started"))
    }

    @Test("a partial configuration decodes with defaults for everything it leaves out")
    func partialDecoding() throws {
        let json = #"{"windowDays": 180, "scoring": {"thresholds": {"r": [7, 30], "f": [2, 4], "m": [50, 300]}}}"#
        let configuration = try JSONDecoder().decode(RFMConfiguration.self, from: Data(json.utf8))
        #expect(configuration.windowDays == 180)
        #expect(configuration.scoring == .thresholds(r: [7, 30], f: [2, 4], m: [50, 300]))
        #expect(configuration.scoring.scale == 3)
        #expect(configuration.orderEvents == RFMConfiguration.defaultOrderEvents)
        #expect(configuration.layers == .standard)
    }

    @Test("a configuration survives a JSON round trip")
    func roundTrip() throws {
        let configuration = RFMConfiguration(
            orderEvents: ["Order Completed", "订单完成"], amountProperties: ["pay_amount"], windowDays: 540,
            scoring: .thresholds(r: [30, 90, 180, 365], f: [2, 3, 5, 10], m: [100, 500, 1000, 5000]))
        let decoded = try JSONDecoder().decode(RFMConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(decoded == configuration)
    }

    @Test("bucket counts outside 2…9 are refused")
    func bucketRange() {
        for buckets in [1, 10] {
            let error = #expect(throws: RFMConfigurationError.self) {
                try RFMConfiguration(scoring: .quantiles(buckets: buckets)).validate()
            }
            #expect(error?.code == .invalidBuckets)
        }
    }

    @Test("thresholds of different lengths, out of order, or negative are refused")
    func invalidThresholds() {
        let bad: [RFMScoring] = [
            .thresholds(r: [30, 90], f: [2, 3, 5], m: [1, 2]),
            .thresholds(r: [90, 30], f: [2, 3], m: [1, 2]),
            .thresholds(r: [30, 90], f: [3, 3], m: [1, 2]),
            .thresholds(r: [-1, 90], f: [2, 3], m: [1, 2]),
            .thresholds(r: [30, 90], f: [2, 3], m: [1, 1.001]),
            .thresholds(r: [], f: [], m: []),
        ]
        for scoring in bad {
            let error = #expect(throws: RFMConfigurationError.self) {
                try RFMConfiguration(scoring: scoring).validate()
            }
            #expect(error?.code == .invalidThresholds, "\(scoring)")
        }
    }

    @Test("no order events, no amount properties or an empty window are refused")
    func invalidBasics() {
        let cases: [(RFMConfiguration, RFMConfigurationError.Code)] = [
            (RFMConfiguration(orderEvents: []), .noOrderEvents),
            (RFMConfiguration(amountProperties: []), .noAmountProperties),
            (RFMConfiguration(windowDays: 0), .invalidWindow),
        ]
        for (configuration, code) in cases {
            let error = #expect(throws: RFMConfigurationError.self) { try configuration.validate() }
            #expect(error?.code == code)
        }
    }

    @Test("a smaller scale makes the standard map's upper rules unreachable, so it must be edited with the scale")
    func scaleAndMapGoTogether() {
        let error = #expect(throws: RFMConfigurationError.self) {
            try RFMConfiguration(scoring: .quantiles(buckets: 3)).validate()
        }
        #expect(error?.code == .unreachableLayerRule)
    }
}
