import Hummingbird
import PondCore
import PondEngine
import PondStore

/// RFM (用户分层): the workspace's configuration, full runs, the layer distribution and one profile's score.
///
/// A full run ranks every buyer in the window and stores the cut points that incremental re-scoring uses until the
/// next run (hourly, or `POST /api/v1/rfm/run`). Saving a configuration runs at once, so scores never mix the old
/// and the new rules for long.
struct RFMController: Sendable {
    let auth: AdminAuth
    let runtime: PondRuntime
    let definitions: DefinitionLock

    var store: Store { runtime.store }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/rfm/config") { request, _ in
            let key = try await auth.admin(request)
            return JSONResponse.make(try await configuration(key.workspaceID))
        }
        router.put("/api/v1/rfm/config") { request, _ in try await update(request) }
        router.post("/api/v1/rfm/run") { request, _ in
            let key = try await auth.admin(request)
            return JSONResponse.make(try await run(key.workspaceID))
        }
        router.get("/api/v1/rfm/distribution") { request, _ in try await distribution(request) }
        router.get("/api/v1/profiles/:id/rfm") { request, context in try await profileScore(request, context) }
    }

    private func model(_ workspaceID: String) async throws -> (config: RFMConfiguration, state: RFMState?) {
        try await store.model(.rfm, workspaceID: workspaceID, default: RFMConfiguration(), state: RFMState.self)
    }

    private func configuration(_ workspaceID: String) async throws -> JSONValue {
        let model = try await model(workspaceID)
        return ["config": try ConfigurationJSON.encode(model.config), "lastRun": try Self.render(model.state)]
    }

    /// Validates and stores a configuration (members left out take their defaults), then runs. Refused with the
    /// configuration error's code (`rfm_invalid_window`, `rfm_incomplete_layers`, …) when invalid, and with 409
    /// `rfm_layer_in_use` when a segment or auto-tag rule names a layer the new map no longer has.
    private func update(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let config = try ConfigurationJSON.decode(RFMConfiguration.self, from: try await request.jsonObject())
        do {
            try config.validate()
        } catch {
            throw APIError(.badRequest, error.code.rawValue, error.message)
        }
        try await definitions.withLock {
            let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
            let kept = Set(config.layers.rules.map(\.layer.id))
            let dropped = catalog.layerReferences().filter { !kept.contains($0.key) }.sorted { $0.key < $1.key }
            if let (layer, users) = dropped.first {
                var error = APIError(
                    .conflict, "rfm_layer_in_use",
                    "layer '\(layer)' is named by \(users.joined(separator: ", ")); change them before removing the layer")
                error.extra["layer"] = .string(layer)
                error.extra["usedBy"] = .array(users.map(JSONValue.string))
                throw error
            }
            try await store.saveModelConfiguration(.rfm, workspaceID: key.workspaceID, config, at: runtime.clock.now())
        }
        let run = try await run(key.workspaceID)
        guard case .object(var response) = try await configuration(key.workspaceID) else { preconditionFailure() }
        response["run"] = run
        return JSONResponse.make(.object(response))
    }

    /// A full run. The run itself only rescores; profiles whose score or layer changed are then queued, so that
    /// segments and auto-tag rules reading RFM follow within moments.
    private func run(_ workspaceID: String) async throws -> JSONValue {
        let result = try await runtime.intelligence.runRFM(workspaceID: workspaceID)
        let moved = result.moved
        try await store.queueProfiles(workspaceID: workspaceID, moved, at: runtime.clock.now())
        runtime.intelligence.notify()
        return [
            "scoredProfiles": .int(Int64(result.scored)), "layerChanges": .int(Int64(result.layerChanges)),
            "requeuedProfiles": .int(Int64(moved.count)), "computedAt": try await model(workspaceID).state?.computedAt.json ?? .null,
        ]
    }

    /// Profiles per layer (every layer of the map, in map order, with its names) and per RFM cell (`"545"`).
    private func distribution(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let model = try await model(key.workspaceID)
        let counts = try await store.rfmDistribution(workspaceID: key.workspaceID)
        var layers: [JSONValue] = []
        var listed = Set<String>()
        for layer in model.config.layers.rules.map(\.layer) where listed.insert(layer.id).inserted {
            guard case .object(var rendered) = IntelligenceJSON.render(layer) else { preconditionFailure() }
            rendered["count"] = .int(Int64(counts.layers[layer.id] ?? 0))
            layers.append(.object(rendered))
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
            "profiles": .int(Int64(try await store.profileCount(workspaceID: key.workspaceID))),
            "windowDays": .int(Int64(model.config.windowDays)),
            "lastRun": try Self.render(model.state),
        ])
    }

    private func profileScore(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        guard let root = try await store.rootProfileID(workspaceID: key.workspaceID, profileID: try ProfileController.id(context))
        else { throw APIError.notFound("profile") }
        let model = try await model(key.workspaceID)
        var score: JSONValue = .null
        if let stored = try await store.rfmScore(workspaceID: key.workspaceID, profileID: root) {
            let layer = model.config.layers.rules.map(\.layer).first { $0.id == stored.layer }
            score = [
                "r": .int(Int64(stored.r)), "f": .int(Int64(stored.f)), "m": .int(Int64(stored.m)), "cell": .string(stored.cell),
                "layer": layer.map(IntelligenceJSON.render)
                    ?? ["id": .string(stored.layer), "chineseName": .null, "englishName": .null],
                "orderCount": .int(Int64(stored.orderCount)), "totalAmount": .double(stored.totalAmount),
                "lastOrderAt": stored.lastOrderAt.json, "scoredAt": stored.scoredAt.json,
            ]
        }
        return JSONResponse.make(["profileId": .int(root), "score": score, "windowDays": .int(Int64(model.config.windowDays))])
    }

    private static func render(_ state: RFMState?) throws -> JSONValue {
        guard let state else { return .null }
        return [
            "computedAt": state.computedAt.json, "scoredProfiles": .int(Int64(state.scoredProfiles)),
            "cutPoints": try state.cutPoints.map(ConfigurationJSON.encode) ?? .null,
        ]
    }
}
