/// What a customer consents to (PIPL 明示-授权-可撤回: notice, consent, revocable), recorded per channel: agreeing
/// to marketing by SMS says nothing about marketing by email.
public enum ConsentPurpose: String, Sendable, Hashable, Codable, CaseIterable {
    /// Offers and campaigns (营销).
    case marketing
    /// Messages about the customer's own orders, bookings and membership (服务通知).
    case service
    /// Collecting and analysing behaviour. Never permits a message; listed so that the ledger holds every purpose.
    case analytics
}
