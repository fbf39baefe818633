import PondStore

/// The definition controllers' hold on `Store.withDefinitionLock`, which serialises check-then-write changes to
/// tags, rules and segments across every `pond` process sharing the database.
struct DefinitionLock: Sendable {
    let store: Store

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await store.withDefinitionLock(body)
    }
}
