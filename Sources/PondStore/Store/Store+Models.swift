import Foundation
import PondCore

/// Per-workspace configuration and learned state of the scoring models (RFM, lifecycle), one row per model.
///
/// Configuration is what the brand edits; state is what the last full run learned (RFM cut points, the adaptive
/// dormancy window) and what incremental updates between runs score against.
extension Store {
    public enum Model: String, Sendable {
        case rfm
        case lifecycle
        /// The dispatch policy (`DispatchPolicy`): configuration only, nothing learned.
        case dispatch
    }

    /// The configuration and state of a model, decoded; defaults when the brand never saved one.
    public func model<Config: Codable & Sendable, State: Codable & Sendable>(
        _ model: Model, workspaceID: String, default defaultConfig: Config, state: State.Type
    ) async throws -> (config: Config, state: State?) {
        let row = try await database.read { db in
            try await db.query(
                "SELECT config, state FROM workspace_models WHERE workspace_id = ? AND name = ?", .text(workspaceID),
                .text(model.rawValue)
            ).first
        }
        guard let row else { return (defaultConfig, nil) }
        let decoder = JSONDecoder()
        let config = try decoder.decode(Config.self, from: Data(try row.text(0).utf8))
        let state = try row[1].text.map { try decoder.decode(State.self, from: Data($0.utf8)) }
        return (config, state)
    }

    /// Stores a new configuration and forgets the learned state, which was learned under the old one.
    public func saveModelConfiguration(_ model: Model, workspaceID: String, _ config: some Encodable & Sendable, at: Instant)
        async throws
    {
        let encoded = try Self.encode(config)
        try await database.write { db in
            try await db.execute(
                """
                INSERT INTO workspace_models (workspace_id, name, config, state, updated_at) VALUES (?, ?, ?, NULL, ?)
                ON CONFLICT (workspace_id, name) DO UPDATE SET config = excluded.config, state = NULL,
                    updated_at = excluded.updated_at
                """, .text(workspaceID), .text(model.rawValue), .text(encoded), at.sql)
        }
    }

    /// Stores what a run learned — unless the configuration was changed while it ran: state learned under one
    /// configuration must never be paired with another.
    static func saveModelState(
        _ db: any SQLExecutor, _ model: Model, workspaceID: String, config: some Encodable, state: some Encodable, at: Instant
    ) async throws {
        try await db.execute(
            """
            INSERT INTO workspace_models (workspace_id, name, config, state, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
            WHERE workspace_models.config = excluded.config
            """, .text(workspaceID), .text(model.rawValue), .text(try encode(config)), .text(try encode(state)), at.sql)
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// What a full lifecycle run learned: the dormancy window N in force until the next run.
public struct LifecycleState: Codable, Sendable, Equatable {
    public var dormantAfterDays: Int
    /// The median repurchase interval N was derived from; nil before the brand has repeat buyers.
    public var medianRepurchaseDays: Double?
    public var computedAt: Instant

    public init(dormantAfterDays: Int, medianRepurchaseDays: Double?, computedAt: Instant) {
        self.dormantAfterDays = dormantAfterDays
        self.medianRepurchaseDays = medianRepurchaseDays
        self.computedAt = computedAt
    }
}

/// What a full RFM run learned: the cut points incremental re-scoring uses until the next run.
public struct RFMState: Codable, Sendable, Equatable {
    public var cutPoints: RFMCutPoints?
    public var computedAt: Instant
    public var scoredProfiles: Int

    public init(cutPoints: RFMCutPoints?, computedAt: Instant, scoredProfiles: Int) {
        self.cutPoints = cutPoints
        self.computedAt = computedAt
        self.scoredProfiles = scoredProfiles
    }
}
