/// A FIFO lock for async code: the holder may suspend while holding it, which `Mutex` does not allow.
///
/// It serialises SQLite write transactions (one writer at a time is SQLite's rule) without blocking threads.
actor AsyncLock {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding the lock, released whether `body` returns or throws.
    nonisolated func holding<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await lock()
        do {
            let result = try await body()
            await unlock()
            return result
        } catch {
            await unlock()
            throw error
        }
    }
}

/// A fixed set of resources handed out one task at a time.
actor ResourcePool<Resource: Sendable> {
    private var idle: [Resource]
    private var waiters: [CheckedContinuation<Resource, Never>] = []

    init(_ resources: [Resource]) { idle = resources }

    func take() async -> Resource {
        if let resource = idle.popLast() { return resource }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func give(_ resource: Resource) {
        if waiters.isEmpty {
            idle.append(resource)
        } else {
            waiters.removeFirst().resume(returning: resource)
        }
    }
}
