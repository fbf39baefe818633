import PondCore
import Testing

@Suite("Lifecycle inputs")
struct LifecycleInputsTests {
    static func at(_ day: Int) -> Instant { Instant(millisecondsSinceEpoch: Int64(day) * 86_400_000) }

    @Test func foldsOrdersActivationAndOtherActivity() {
        let activity = [
            LifecycleInputs.Activity(type: "page", event: nil, at: Self.at(3)),
            .init(type: "track", event: "Order Completed", at: Self.at(20)),
            .init(type: "track", event: "Signed Up", at: Self.at(5)),
            .init(type: "track", event: "Order Completed", at: Self.at(10)),
            .init(type: "track", event: "Signed Up", at: Self.at(4)),
            .init(type: "screen", event: "Order Completed", at: Self.at(30)),
            .init(type: "track", event: "Order Completed", at: Self.at(15)),
        ]
        let inputs = LifecycleInputs(
            firstSeen: Self.at(7), activity: activity, orderEvents: ["Order Completed"], activationEvents: ["Signed Up"])
        #expect(inputs.firstSeen == Self.at(3), "activity before the profile's first-seen moves it back")
        #expect(inputs.orderCount == 3, "a screen named like an order is not an order")
        #expect(inputs.firstOrderAt == Self.at(10))
        #expect(inputs.previousOrderAt == Self.at(15))
        #expect(inputs.lastOrderAt == Self.at(20))
        #expect(inputs.activatedAt == Self.at(4))
        #expect(inputs.lastActivityAt == Self.at(30))
        #expect(inputs.lastOtherActivityAt == Self.at(30))
    }

    @Test func aClusterWithoutActivityKeepsItsFirstSeen() {
        let inputs = LifecycleInputs(firstSeen: Self.at(7), activity: [], orderEvents: ["Order Completed"], activationEvents: [])
        #expect(inputs == LifecycleInputs(firstSeen: Self.at(7)))
        #expect(inputs.churnSignals == nil)
    }
}
