import Hummingbird
import PondCore
import PondEngine
import PondStore

/// Journeys over HTTP: definitions and versions, start and pause, entering profiles, statistics, and the SOP
/// templates a brand starts from. The rules are `JourneyService`'s.
struct JourneyController: Sendable {
    let journeys: JourneyService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("journeys") { _, context in
            let list = try await journeys.list(workspaceID: try context.workspaceID)
            return JSONResponse.make(["journeys": .array(list.map(Self.render))])
        }
        api.post("journeys") { request, context in
            var body = try await request.jsonObject()
            let id = try body.removeValue(forKey: "id").map { value -> String in
                guard let text = value.stringValue else { throw APIError.badRequest("'id' must be a string") }
                return text
            }
            let detail = try await journeys.save(workspaceID: try context.workspaceID, id: id, replacing: nil, .object(body))
            return JSONResponse.make(Self.render(detail), status: .created)
        }
        api.get("journeys/templates") { _, _ in
            JSONResponse.make([
                "templates": .array(JourneyTemplates.all.map { sop in
                    ["id": .string(sop.id), "definition": sop.journey.json,
                     "messageTemplates": .object(sop.messages.mapValues(\.json)),
                     "segments": .array(sop.segments.sorted().map(JSONValue.string)), "tags": .array(sop.tags.sorted().map(JSONValue.string))]
                }),
            ])
        }
        api.get("journeys/:id") { _, context in
            JSONResponse.make(Self.render(try await journeys.detail(workspaceID: try context.workspaceID, id: try context.text("id"))))
        }
        api.put("journeys/:id") { request, context in
            let id = try context.text("id")
            var body = try await request.jsonObject()
            if let given = body.removeValue(forKey: "id"), given.stringValue != id {
                throw APIError.badRequest("'id' in the body differs from the id in the path ('\(id)')")
            }
            let detail = try await journeys.save(workspaceID: try context.workspaceID, id: nil, replacing: id, .object(body))
            return JSONResponse.make(Self.render(detail))
        }
        api.get("journeys/:id/versions/:version") { _, context in
            let version = Int(try context.integer("version"))
            let definition = try await journeys.definition(
                workspaceID: try context.workspaceID, id: try context.text("id"), version: version)
            return JSONResponse.make(["version": .int(Int64(version)), "definition": definition.json])
        }
        api.post("journeys/:id/start") { _, context in
            JSONResponse.make(Self.render(try await journeys.start(workspaceID: try context.workspaceID, id: try context.text("id"))))
        }
        api.post("journeys/:id/pause") { _, context in
            JSONResponse.make(Self.render(try await journeys.pause(workspaceID: try context.workspaceID, id: try context.text("id"))))
        }
        api.post("journeys/:id/entries") { request, context in
            let body = try BodyFields(try await request.jsonObject(limit: 4 << 20), allowed: ["profiles", "requestKey"])
            guard let items = body.members["profiles"]?.arrayValue, !items.isEmpty else {
                throw APIError.badRequest("'profiles' must be a non-empty array of profile ids")
            }
            let ids = try items.map { item -> Int64 in
                guard case .int(let id) = item else { throw APIError.badRequest("'profiles' must hold integer profile ids") }
                return id
            }
            let report = try await journeys.enter(
                workspaceID: try context.workspaceID, id: try context.text("id"), profileIDs: ids,
                requestKey: try body.requiredString("requestKey", maxCharacters: 200))
            return JSONResponse.make([
                "entered": .int(Int64(report.entered)), "alreadyEntered": .int(Int64(report.alreadyEntered)),
                "atCapacity": .int(Int64(report.atCapacity)), "duplicates": .int(Int64(report.duplicates)),
            ])
        }
        api.get("journeys/:id/stats") { _, context in
            let stats = try await journeys.stats(workspaceID: try context.workspaceID, id: try context.text("id"))
            return JSONResponse.make(["versions": .array(stats.versions.map(Self.render))])
        }
    }

    static func render(_ journey: StoredJourney) -> JSONValue {
        [
            "id": .string(journey.id), "name": .string(journey.name), "status": .string(journey.status.rawValue),
            "latestVersion": .int(Int64(journey.latestVersion)),
            "activeVersion": journey.activeVersion.map { .int(Int64($0)) } ?? .null,
            "createdAt": journey.createdAt.json, "updatedAt": journey.updatedAt.json,
        ]
    }

    static func render(_ detail: JourneyService.Detail) -> JSONValue {
        render(detail.journey).adding([
            "definition": detail.definition.json,
            "versions": .array(detail.versions.map { ["version": .int(Int64($0.version)), "createdAt": $0.createdAt.json] }),
        ])
    }

    static func render(_ version: JourneyService.Stats.Version) -> JSONValue {
        [
            "version": .int(Int64(version.version)), "entered": .int(Int64(version.entered)),
            "inProgress": .int(Int64(version.inProgress)), "atNode": .object(version.atNode.mapValues { .int(Int64($0)) }),
            "exited": .object(version.exited.mapValues { .int(Int64($0)) }), "converted": .int(Int64(version.converted)),
            "meanSecondsToConvert": version.meanMillisecondsToConvert.map { .int($0 / 1000) } ?? .null,
            "arms": .array(version.arms.map {
                ["node": .string($0.node), "arm": .string($0.arm), "runs": .int(Int64($0.runs)), "converted": .int(Int64($0.converted))]
            }),
            "messages": .array(version.messages.map {
                ["status": .string($0.status.rawValue), "reason": $0.reason.map { .string($0.rawValue) } ?? .null,
                 "count": .int(Int64($0.count))]
            }),
        ]
    }
}
