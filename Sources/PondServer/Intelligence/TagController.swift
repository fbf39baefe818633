import Hummingbird
import PondCore
import PondStore

/// Tag groups and tag definitions: `/api/v1/tag-groups`, `/api/v1/tags`.
///
/// A tag must be defined before anything can put it on a profile or a rule can read it, so a typo in a rule or an
/// upload is an error instead of a second, silently empty tag. A tag that a segment or auto-tag rule still names
/// cannot be deleted (409 `tag_in_use`); a group that still files tags neither (409 `tag_group_in_use`).
struct TagController: Sendable {
    let auth: AdminAuth
    let runtime: PondRuntime
    let definitions: DefinitionLock

    var store: Store { runtime.store }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/tag-groups") { request, _ in
            let key = try await auth.admin(request)
            let groups = try await store.tagGroups(workspaceID: key.workspaceID)
            return JSONResponse.make(["groups": .array(groups.map(IntelligenceJSON.render))])
        }
        router.post("/api/v1/tag-groups") { request, _ in try await createGroup(request) }
        router.delete("/api/v1/tag-groups/:name") { request, context in try await deleteGroup(request, context) }
        router.get("/api/v1/tags") { request, _ in
            let key = try await auth.admin(request)
            var tags = try await store.tags(workspaceID: key.workspaceID)
            if let group = request.query("group") { tags = tags.filter { $0.group == group } }
            return JSONResponse.make(["tags": .array(tags.map(IntelligenceJSON.render))])
        }
        router.post("/api/v1/tags") { request, _ in try await createTag(request) }
        router.get("/api/v1/tags/:name") { request, context in try await getTag(request, context) }
        router.put("/api/v1/tags/:name") { request, context in try await updateTag(request, context) }
        router.delete("/api/v1/tags/:name") { request, context in try await deleteTag(request, context) }
    }

    // MARK: Groups

    private func createGroup(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let body = try BodyFields(try await request.jsonObject(), allowed: ["name", "description"])
        let name = try Naming.tagName(try body.requiredString("name", maxCharacters: Naming.maximumNameCharacters))
        let group = TagGroup(
            name: name, description: try body.string("description", maxCharacters: 500, allowEmpty: true) ?? "",
            createdAt: runtime.clock.now())
        try await definitions.withLock {
            guard try await !store.tagGroups(workspaceID: key.workspaceID).contains(where: { $0.name == name }) else {
                throw APIError(.conflict, "already_exists", "tag group '\(name)' already exists")
            }
            try await store.saveTagGroup(group, workspaceID: key.workspaceID)
        }
        return JSONResponse.make(IntelligenceJSON.render(group), status: .created)
    }

    private func deleteGroup(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let name = try Naming.pathParameter(context, "name")
        let deleted = try await definitions.withLock {
            do {
                return try await store.deleteTagGroup(workspaceID: key.workspaceID, name: name)
            } catch StoreError.conflict(let message) {
                throw APIError(.conflict, "tag_group_in_use", "\(message); move or delete them first")
            }
        }
        guard deleted else { throw APIError.notFound("tag group '\(name)'") }
        return JSONResponse.make(["name": .string(name), "deleted": true])
    }

    // MARK: Tags

    private func createTag(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let body = try BodyFields(try await request.jsonObject(), allowed: ["name", "group", "description"])
        let name = try Self.newTagName(try body.requiredString("name", maxCharacters: Naming.maximumNameCharacters))
        let tag = TagDefinition(
            name: name, group: try body.string("group", maxCharacters: Naming.maximumNameCharacters),
            description: try body.string("description", maxCharacters: 500, allowEmpty: true) ?? "",
            createdAt: runtime.clock.now())
        try await definitions.withLock {
            guard try await store.existingTags(workspaceID: key.workspaceID, names: [name]).isEmpty else {
                throw APIError(.conflict, "already_exists", "tag '\(name)' already exists; change it with PUT /api/v1/tags/{name}")
            }
            try await save(tag, key.workspaceID)
        }
        return JSONResponse.make(IntelligenceJSON.render(tag), status: .created)
    }

    private func getTag(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let name = try Naming.pathParameter(context, "name")
        guard let tag = try await store.tags(workspaceID: key.workspaceID).first(where: { $0.name == name }) else {
            throw APIError.notFound("tag '\(name)'")
        }
        let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
        guard case .object(var rendered) = IntelligenceJSON.render(tag) else { preconditionFailure() }
        rendered["maintainedBy"] = .array(catalog.tagRules.filter { $0.tag == name }.map { .string($0.id) })
        rendered["usedBy"] = .array(catalog.referrers(ofTag: name).map(JSONValue.string))
        return JSONResponse.make(.object(rendered))
    }

    /// Replaces a tag's group and description (a tag is renamed by creating the new one and moving profiles).
    private func updateTag(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let name = try Naming.pathParameter(context, "name")
        let body = try BodyFields(try await request.jsonObject(), allowed: ["name", "group", "description"])
        if let bodyName = try body.string("name", maxCharacters: Naming.maximumNameCharacters), bodyName != name {
            throw APIError.badRequest("tags cannot be renamed: 'name' must be '\(name)' or absent")
        }
        let group = try body.string("group", maxCharacters: Naming.maximumNameCharacters)
        let description = try body.string("description", maxCharacters: 500, allowEmpty: true) ?? ""
        let saved = try await definitions.withLock {
            guard var tag = try await store.tags(workspaceID: key.workspaceID).first(where: { $0.name == name }) else {
                throw APIError.notFound("tag '\(name)'")
            }
            tag.group = group
            tag.description = description
            try await save(tag, key.workspaceID)
            return tag
        }
        return JSONResponse.make(IntelligenceJSON.render(saved))
    }

    /// Deletes a tag and takes it off every profile (each removal is on the profile's timeline). Refused while a
    /// segment or an auto-tag rule names it.
    private func deleteTag(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let name = try Naming.pathParameter(context, "name")
        let holders = try await definitions.withLock {
            let catalog = try await RuleCatalog.load(store, workspaceID: key.workspaceID)
            let users = catalog.referrers(ofTag: name)
            guard users.isEmpty else {
                var error = APIError(
                    .conflict, "tag_in_use", "tag '\(name)' is used by \(users.joined(separator: ", ")); change or delete them first")
                error.extra["usedBy"] = .array(users.map(JSONValue.string))
                throw error
            }
            let holders = try await store.tagHolders(workspaceID: key.workspaceID, tag: name)
            do {
                guard try await store.deleteTag(workspaceID: key.workspaceID, name: name, at: runtime.clock.now()) else {
                    throw APIError.notFound("tag '\(name)'")
                }
            } catch StoreError.conflict(let message) {
                throw APIError(.conflict, "tag_in_use", message)
            }
            return Array(holders.keys)
        }
        // The removals are events ("Tag Removed") that rules may count, so the former holders get another look.
        try await store.queueProfiles(workspaceID: key.workspaceID, holders, at: runtime.clock.now())
        runtime.intelligence.notify()
        return JSONResponse.make(["name": .string(name), "deleted": true, "removedFrom": .int(Int64(holders.count))])
    }

    private func save(_ tag: TagDefinition, _ workspaceID: String) async throws {
        do {
            try await store.saveTag(tag, workspaceID: workspaceID)
        } catch StoreError.notFound {
            throw APIError(
                .badRequest, "unknown_tag_group", "no tag group named '\(tag.group ?? "")'; create it with POST /api/v1/tag-groups")
        }
    }

    static func newTagName(_ raw: String) throws -> String {
        let name = try Naming.tagName(raw)
        guard !Naming.reservedTagNames.contains(name) else {
            throw APIError.badRequest("'\(name)' is reserved (it names an endpoint under /api/v1/tags)")
        }
        return name
    }
}
