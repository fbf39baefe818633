import Hummingbird
import PondCore
import PondEngine
import PondStore

/// RFM (用户分层): the workspace's configuration, full runs, the layer distribution and one profile's score. The
/// rules are `ScoringService`'s.
struct RFMController: Sendable {
    let scoring: ScoringService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("rfm/config") { _, context in
            JSONResponse.make(try await configuration(try context.workspaceID))
        }
        api.put("rfm/config") { request, context in
            let config = try ConfigurationJSON.decode(RFMConfiguration.self, from: try await request.jsonObject())
            let run = try await scoring.saveRFM(workspaceID: try context.workspaceID, config)
            return JSONResponse.make(try await configuration(try context.workspaceID).adding(["run": Self.render(run)]))
        }
        api.post("rfm/run") { _, context in
            JSONResponse.make(Self.render(try await scoring.runRFM(workspaceID: try context.workspaceID)))
        }
        api.get("rfm/distribution") { _, context in try await distribution(try context.workspaceID) }
        api.get("profiles/:id/rfm") { _, context in
            let workspaceID = try context.workspaceID
            let found = try await scoring.rfmScore(workspaceID: workspaceID, profileID: try context.integer("id"))
            let config = try await scoring.rfm(workspaceID: workspaceID).config
            var score: JSONValue = .null
            if let stored = found.score {
                let layer = config.layers.rules.map(\.layer).first { $0.id == stored.layer }
                score = [
                    "r": .int(Int64(stored.r)), "f": .int(Int64(stored.f)), "m": .int(Int64(stored.m)),
                    "cell": .string(stored.cell),
                    "layer": layer.map(IntelligenceJSON.render)
                        ?? ["id": .string(stored.layer), "chineseName": .null, "englishName": .null],
                    "orderCount": .int(Int64(stored.orderCount)), "totalAmount": .double(stored.totalAmount),
                    "lastOrderAt": stored.lastOrderAt.json, "scoredAt": stored.scoredAt.json,
                ]
            }
            return JSONResponse.make([
                "profileId": .int(found.profileID), "score": score, "windowDays": .int(Int64(config.windowDays)),
            ])
        }
    }

    private func configuration(_ workspaceID: String) async throws -> JSONValue {
        let model = try await scoring.rfm(workspaceID: workspaceID)
        return ["config": try ConfigurationJSON.encode(model.config), "lastRun": try Self.render(model.state)]
    }

    /// Profiles per layer (every layer of the map, in map order, with its names) and per RFM cell (`"545"`).
    private func distribution(_ workspaceID: String) async throws -> Response {
        let model = try await scoring.rfm(workspaceID: workspaceID)
        let counts = try await scoring.rfmDistribution(workspaceID: workspaceID)
        var layers: [JSONValue] = []
        var listed = Set<String>()
        for layer in model.config.layers.rules.map(\.layer) where listed.insert(layer.id).inserted {
            layers.append(IntelligenceJSON.render(layer).adding(["count": .int(Int64(counts.layers[layer.id] ?? 0))]))
        }
        // Scores stored under a layer the map no longer has (until the next run replaces them).
        for (id, count) in counts.layers.sorted(by: { $0.key < $1.key }) where !listed.contains(id) {
            layers.append(["id": .string(id), "chineseName": .null, "englishName": .null, "count": .int(Int64(count))])
        }
        return JSONResponse.make([
            "layers": .array(layers),
            "cells": .object(counts.cells.mapValues { .int(Int64($0)) }),
            "scale": .int(Int64(model.config.scoring.scale)),
            "scoredProfiles": .int(Int64(counts.layers.values.reduce(0, +))),
            "profiles": .int(Int64(counts.profiles)),
            "windowDays": .int(Int64(model.config.windowDays)),
            "lastRun": try Self.render(model.state),
        ])
    }

    private static func render(_ run: ScoringService.RFMRunReport) -> JSONValue {
        [
            "scoredProfiles": .int(Int64(run.scored)), "layerChanges": .int(Int64(run.layerChanges)),
            "requeuedProfiles": .int(Int64(run.requeued)), "computedAt": run.computedAt?.json ?? .null,
        ]
    }

    private static func render(_ state: RFMState?) throws -> JSONValue {
        guard let state else { return .null }
        return [
            "computedAt": state.computedAt.json, "scoredProfiles": .int(Int64(state.scoredProfiles)),
            "cutPoints": try state.cutPoints.map(ConfigurationJSON.encode) ?? .null,
        ]
    }
}
