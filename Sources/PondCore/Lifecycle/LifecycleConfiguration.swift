/// The lifecycle rules of one workspace. Every field has a default, and decoding fills in whatever a stored or
/// submitted configuration leaves out.
public struct LifecycleConfiguration: Sendable, Equatable, Codable {
    /// Events that activate a customer (激活): the first meaningful thing they do beyond being acquired. The
    /// defaults are the Segment spec names for registering, logging in and adding to cart; a brand whose mini
    /// program treats "Coupon Claimed" as the first real step adds it here.
    public var activationEvents: [String]
    /// An activated customer counts as retained (留存) once they are active again at least this many days after
    /// activating — a second visit on another day, not two clicks in one session.
    public var returnAfterDays: Int
    /// Orders that make a customer converted (转化): 2, a repeat buyer.
    public var repeatOrderCount: Int
    public var dormancy: DormancyPolicy
    /// Days without activity that make a customer churned (流失). Longer than any dormancy window.
    public var churnAfterDays: Int
    /// Days a customer stays won back (召回) after returning before the funnel stages apply again, so that the
    /// win-back campaign can see and follow up on whom it brought back.
    public var wonBackDays: Int

    public static let defaultActivationEvents = ["Signed Up", "Signed In", "Product Added"]

    public init(
        activationEvents: [String] = LifecycleConfiguration.defaultActivationEvents, returnAfterDays: Int = 1,
        repeatOrderCount: Int = 2, dormancy: DormancyPolicy = DormancyPolicy(), churnAfterDays: Int = 180,
        wonBackDays: Int = 30
    ) {
        self.activationEvents = activationEvents
        self.returnAfterDays = returnAfterDays
        self.repeatOrderCount = repeatOrderCount
        self.dormancy = dormancy
        self.churnAfterDays = churnAfterDays
        self.wonBackDays = wonBackDays
    }

    private enum CodingKeys: String, CodingKey {
        case activationEvents, returnAfterDays, repeatOrderCount, dormancy, churnAfterDays, wonBackDays
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LifecycleConfiguration()
        self.init(
            activationEvents: try container.decodeIfPresent([String].self, forKey: .activationEvents)
                ?? defaults.activationEvents,
            returnAfterDays: try container.decodeIfPresent(Int.self, forKey: .returnAfterDays)
                ?? defaults.returnAfterDays,
            repeatOrderCount: try container.decodeIfPresent(Int.self, forKey: .repeatOrderCount)
                ?? defaults.repeatOrderCount,
            dormancy: try container.decodeIfPresent(DormancyPolicy.self, forKey: .dormancy) ?? defaults.dormancy,
            churnAfterDays: try container.decodeIfPresent(Int.self, forKey: .churnAfterDays) ?? defaults.churnAfterDays,
            wonBackDays: try container.decodeIfPresent(Int.self, forKey: .wonBackDays) ?? defaults.wonBackDays)
    }

    /// Whether an event with this name activates a customer.
    public func isActivation(eventName: String) -> Bool { activationEvents.contains(eventName) }

    public func validate() throws(LifecycleConfigurationError) {
        guard returnAfterDays >= 0, repeatOrderCount >= 2 else {
            throw LifecycleConfigurationError(
                .invalidMilestones,
                "returnAfterDays must be ≥ 0 and repeatOrderCount ≥ 2, got \(returnAfterDays) and \(repeatOrderCount)")
        }
        guard wonBackDays >= 0 else {
            throw LifecycleConfigurationError(.invalidWonBackPeriod, "wonBackDays must be ≥ 0, got \(wonBackDays)")
        }
        try dormancy.validate(churnAfterDays: churnAfterDays)
    }
}
