/// Serialises changes to tags, auto-tag rules and segments within this process.
///
/// Saving a definition checks the others first (no cycle between segments, nothing deleted that a rule still
/// names) and then writes. Two requests interleaving those steps could each pass their check and together break
/// it — two segments saved at once, each naming the other, make a cycle neither request saw. Definition changes
/// are rare, so one FIFO queue for all workspaces costs nothing noticeable.
actor DefinitionLock {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
