import Synchronization

/// Bounds one call by a deadline that holds even when the call does not cooperate.
///
/// A structured `withTaskGroup` race waits for its children before it returns, so a provider call stuck in a
/// library that ignores cancellation would still hold the caller. Here the call runs in a task of its own and the
/// caller waits on whichever finishes first — the call or the timer; the loser is cancelled and forgotten. Every
/// client in this target stops on cancellation (AsyncHTTPClient cancels its request, the SMTP client closes its
/// connection), so the abandoned call ends soon after; it is never waited for.
enum Deadline {
    static func run<T: Sendable>(
        within limit: Duration, _ operation: @escaping @Sendable () async throws(ChannelFailure) -> T
    ) async throws(ChannelFailure) -> T {
        let race = Race<T>()
        let work = Task {
            do throws(ChannelFailure) {
                race.finish(.success(try await operation()))
            } catch {
                race.finish(.failure(error))
            }
        }
        let timer = Task {
            do {
                try await Task.sleep(for: limit)
            } catch {
                return
            }
            race.finish(.failure(.timeout(after: limit)))
        }
        race.register([work, timer])
        return try await withTaskCancellationHandler {
            await race.result()
        } onCancel: {
            race.finish(.failure(.transient(code: "cancelled", reason: "the send was cancelled")))
        }.get()
    }

    /// The first result wins; it cancels every registered task and wakes the waiter.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var result: Result<T, ChannelFailure>?
            var waiter: CheckedContinuation<Result<T, ChannelFailure>, Never>?
            var tasks: [Task<Void, Never>] = []
        }

        private let state = Mutex(State())

        func register(_ tasks: [Task<Void, Never>]) {
            let finished = state.withLock { state in
                if state.result != nil { return true }
                state.tasks = tasks
                return false
            }
            if finished { tasks.forEach { $0.cancel() } }
        }

        func finish(_ result: Result<T, ChannelFailure>) {
            let (waiter, tasks) = state.withLock { state -> (CheckedContinuation<Result<T, ChannelFailure>, Never>?, [Task<Void, Never>]) in
                guard state.result == nil else { return (nil, []) }
                state.result = result
                let waiter = state.waiter
                state.waiter = nil
                return (waiter, state.tasks)
            }
            waiter?.resume(returning: result)
            tasks.forEach { $0.cancel() }
        }

        func result() async -> Result<T, ChannelFailure> {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Result<T, ChannelFailure>? in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
