import PondCore
import Synchronization

/// A clock the test moves by hand, so time-based behaviour (caps, windows, stalls) is tested without sleeping.
public final class ManualClock: PondCore.Clock {
    private let current: Mutex<Instant>

    public init(_ start: Instant = Instant(millisecondsSinceEpoch: 1_795_000_000_000)) { current = Mutex(start) }

    public func now() -> Instant { current.withLock { $0 } }

    public func advance(days: Int) { current.withLock { $0 = $0.adding(days: days) } }

    public func advance(milliseconds: Int64) { current.withLock { $0 = $0.adding(milliseconds: milliseconds) } }
}
