/// What the dispatcher does with one message.
public enum DispatchDecision: Sendable, Hashable, CustomStringConvertible {
    /// Send it now.
    case send
    /// Hold it: `until` is the earliest instant at which every rule lets it go (the engine decides again then, on
    /// the history as it will be). `reason` is the first rule, in the order they are checked, that holds it now.
    case `defer`(until: Instant, reason: DispatchReason)
    /// Never send it.
    case suppress(DispatchReason)

    public var reason: DispatchReason? {
        switch self {
        case .send: return nil
        case .defer(_, let reason), .suppress(let reason): return reason
        }
    }

    public var description: String {
        switch self {
        case .send: return "send"
        case .defer(let until, let reason): return "defer until \(until) (\(reason.rawValue))"
        case .suppress(let reason): return "suppress (\(reason.rawValue))"
        }
    }
}
