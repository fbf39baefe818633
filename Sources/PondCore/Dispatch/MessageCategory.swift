/// What a message is for, which decides the rules it meets on its way out.
///
/// - `service` (服务通知): something the customer is waiting for — an order shipped, a booking confirmed, points
///   about to expire. Needs no consent of its own by default, and by default may go during quiet hours.
/// - `content` (内容): 干货, 种草, UGC — useful or entertaining, sent unasked, so it needs consent and keeps quiet
///   hours, but does not count as marketing towards the marketing share.
/// - `marketing` (营销): offers, coupons, campaigns. Needs marketing consent on the channel, keeps quiet hours, is
///   capped per day and week, and must stay a small share of everything a customer receives.
///
/// The raw values are stored in templates, the delivery history and the decision log.
public enum MessageCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case service
    case content
    case marketing

    /// One bit per category, so a rule's set of categories is tested with one `&` per delivery.
    var bit: UInt8 {
        switch self {
        case .service: return 1
        case .content: return 2
        case .marketing: return 4
        }
    }

    /// The bits of `categories`.
    static func mask(_ categories: [MessageCategory]) -> UInt8 { categories.reduce(0) { $0 | $1.bit } }
}
