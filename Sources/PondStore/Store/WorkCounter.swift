import Synchronization

/// Hands out work indices 0, 1, 2 … below a limit to concurrent workers, each index once, so that a worker that
/// started late or got cheap items simply takes more of them.
public final class WorkCounter: Sendable {
    private let value = Mutex(0)

    public init() {}

    public func take(below limit: Int) -> Int? {
        value.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
