/// The ledger's state for every purpose of one profile on the channel a message would go out on: what the
/// dispatcher needs to know about consent, loaded once per decision.
public struct ChannelConsent: Sendable, Hashable {
    public var marketing: ConsentState
    public var service: ConsentState
    public var analytics: ConsentState

    public init(marketing: ConsentState = .unknown, service: ConsentState = .unknown, analytics: ConsentState = .unknown) {
        self.marketing = marketing
        self.service = service
        self.analytics = analytics
    }

    /// Nothing on record for any purpose.
    public static let unknown = ChannelConsent()

    public subscript(purpose: ConsentPurpose) -> ConsentState {
        get {
            switch purpose {
            case .marketing: return marketing
            case .service: return service
            case .analytics: return analytics
            }
        }
        set {
            switch purpose {
            case .marketing: marketing = newValue
            case .service: service = newValue
            case .analytics: analytics = newValue
            }
        }
    }
}
