import Foundation

/// The wall clock, for production. Tests inject their own `Clock`.
public struct SystemClock: Clock {
    public init() {}

    public func now() -> Instant {
        Instant(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
