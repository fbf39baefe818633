import Synchronization

/// Wakes whoever waits for a kind of change once a transaction that made one has committed.
///
/// Consumers subscribe once (the intelligence service to queued profile work; journeys, loyalty and live console
/// views next), and the store signals after every commit that queued work, so no caller — API controller,
/// console page, callback, journey step — has to remember to. Signals carry no data: consumers read the durable
/// queue, so a signal lost or doubled delays nothing and repeats nothing.
public final class ChangeSignal: Sendable {
    private let observers = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    public func subscribe(_ observer: @escaping @Sendable () -> Void) {
        observers.withLock { $0.append(observer) }
    }

    func signal() {
        for observer in observers.withLock({ $0 }) { observer() }
    }
}
