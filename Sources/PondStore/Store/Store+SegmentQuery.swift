import PondCore

extension Store {
    /// The cluster roots of a workspace `rule` matches at `now`, ascending — the same profiles for which
    /// `SegmentEvaluator(utcOffsetSeconds:)` says yes on `profileFacts`, computed in the database in one query
    /// (see `SegmentSQL`). `in segment` conditions read the stored members of those segments, so segments are
    /// evaluated in `SegmentGraph.evaluationOrder()`.
    ///
    /// - Parameter among: only these root ids (e.g. the profiles an event just touched); nil for all.
    public func segmentMembers(
        _ rule: SegmentRule, workspaceID: String, now: Instant, utcOffsetSeconds: Int, among: [Int64]? = nil
    ) async throws -> [Int64] {
        if let among, among.isEmpty { return [] }
        let query = SegmentSQL(dialect: dialect, utcOffsetSeconds: utcOffsetSeconds, now: now)
            .select(rule, workspaceID: workspaceID, among: among)
        return try await database.read { db in
            try await db.query(query.sql, query.binds).map { try $0.int(0) }
        }
    }
}
