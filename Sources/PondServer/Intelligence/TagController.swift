import Hummingbird
import PondCore
import PondEngine

/// Tag groups and tag definitions: `/api/v1/tag-groups`, `/api/v1/tags`. The rules are `TagService`'s.
struct TagController: Sendable {
    let tags: TagService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("tag-groups") { _, context in
            let groups = try await tags.groups(workspaceID: try context.workspaceID)
            return JSONResponse.make(["groups": .array(groups.map(IntelligenceJSON.render))])
        }
        api.post("tag-groups") { request, context in
            let body = try BodyFields(try await request.jsonObject(), allowed: ["name", "description"])
            let group = try await tags.createGroup(
                workspaceID: try context.workspaceID,
                name: try body.requiredString("name", maxCharacters: DefinitionNames.maximumNameCharacters),
                description: try body.string("description", maxCharacters: 500, allowEmpty: true) ?? "")
            return JSONResponse.make(IntelligenceJSON.render(group), status: .created)
        }
        api.delete("tag-groups/:name") { _, context in
            let name = try context.text("name")
            try await tags.deleteGroup(workspaceID: try context.workspaceID, name: name)
            return JSONResponse.make(["name": .string(name), "deleted": true])
        }
        api.get("tags") { request, context in
            let list = try await tags.tags(workspaceID: try context.workspaceID, group: request.query("group"))
            return JSONResponse.make(["tags": .array(list.map(IntelligenceJSON.render))])
        }
        api.post("tags") { request, context in
            let body = try BodyFields(try await request.jsonObject(), allowed: ["name", "group", "description"])
            let tag = try await tags.createTag(
                workspaceID: try context.workspaceID,
                name: try body.requiredString("name", maxCharacters: DefinitionNames.maximumNameCharacters),
                group: try body.string("group", maxCharacters: DefinitionNames.maximumNameCharacters),
                description: try body.string("description", maxCharacters: 500, allowEmpty: true) ?? "")
            return JSONResponse.make(IntelligenceJSON.render(tag), status: .created)
        }
        api.get("tags/:name") { _, context in
            let usage = try await tags.tag(workspaceID: try context.workspaceID, name: try context.text("name"))
            return JSONResponse.make(
                IntelligenceJSON.render(usage.tag).adding([
                    "maintainedBy": .array(usage.maintainedBy.map(JSONValue.string)),
                    "usedBy": .array(usage.usedBy.map(JSONValue.string)),
                ]))
        }
        api.put("tags/:name") { request, context in
            let name = try context.text("name")
            let body = try BodyFields(try await request.jsonObject(), allowed: ["name", "group", "description"])
            if let bodyName = try body.string("name", maxCharacters: DefinitionNames.maximumNameCharacters), bodyName != name {
                throw APIError.badRequest("tags cannot be renamed: 'name' must be '\(name)' or absent")
            }
            let tag = try await tags.updateTag(
                workspaceID: try context.workspaceID, name: name,
                group: try body.string("group", maxCharacters: DefinitionNames.maximumNameCharacters),
                description: try body.string("description", maxCharacters: 500, allowEmpty: true) ?? "")
            return JSONResponse.make(IntelligenceJSON.render(tag))
        }
        api.delete("tags/:name") { _, context in
            let name = try context.text("name")
            let removedFrom = try await tags.deleteTag(workspaceID: try context.workspaceID, name: name)
            return JSONResponse.make(["name": .string(name), "deleted": true, "removedFrom": .int(Int64(removedFrom))])
        }
    }
}
