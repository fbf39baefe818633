import Hummingbird
import PondCore
import PondStore

/// Putting tags on profiles and taking them off: one profile (`/api/v1/profiles/{id}/tags`), many at once
/// (`/api/v1/tags/bulk`), or a CSV list (`/api/v1/tags/import`).
///
/// Tags always land on the cluster root, whichever member id is given. Every change is a `Tag Added`/`Tag Removed`
/// entry on the profile's timeline, and the profile is re-evaluated in the background moments later, so segments
/// reading the tag follow.
struct ProfileTagController: Sendable {
    let auth: AdminAuth
    let runtime: PondRuntime

    var store: Store { runtime.store }

    static let maximumTagsPerRequest = 50
    static let maximumBulkProfiles = 10_000
    /// Sources an operator may give. `rule` is kept for auto-tag rules: a tag claiming a rule as its source would be
    /// withdrawn by that rule.
    static let operatorSources = ["manual", "channel", "import"]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/profiles/:id/tags") { request, context in
            let key = try await auth.admin(request)
            let root = try await root(key.workspaceID, try ProfileController.id(context))
            return JSONResponse.make(try await rendered(key.workspaceID, root))
        }
        router.post("/api/v1/profiles/:id/tags") { request, context in try await tagProfile(request, context) }
        router.delete("/api/v1/profiles/:id/tags/:tag") { request, context in try await untagProfile(request, context) }
        router.post("/api/v1/tags/bulk") { request, _ in try await bulk(request) }
        router.post("/api/v1/tags/import") { request, _ in try await importCSV(request) }
    }

    private func tagProfile(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let root = try await root(key.workspaceID, try ProfileController.id(context))
        let body = try BodyFields(try await request.jsonObject(), allowed: ["tags", "source", "sourceRef"])
        let tags = try await definedTags(body, key.workspaceID)
        let (source, sourceRef) = try Self.source(body, key)
        let added = try await apply {
            try await store.tagProfiles(
                workspaceID: key.workspaceID, profileIDs: [root], tags: tags, source: source, sourceRef: sourceRef,
                at: runtime.clock.now())
        }
        runtime.intelligence.notify()
        guard case .object(var response) = try await rendered(key.workspaceID, root) else { preconditionFailure() }
        response["added"] = .int(Int64(added))
        return JSONResponse.make(.object(response))
    }

    /// Takes one tag off a profile, whatever put it there. 200 with `removed: false` when the profile did not have
    /// it; 404 when the profile or the tag does not exist.
    private func untagProfile(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let key = try await auth.admin(request)
        let root = try await root(key.workspaceID, try ProfileController.id(context))
        let tag = try Naming.pathParameter(context, "tag")
        guard try await !store.existingTags(workspaceID: key.workspaceID, names: [tag]).isEmpty else {
            throw APIError.notFound("tag '\(tag)'")
        }
        let removed = try await apply {
            try await store.untagProfiles(
                workspaceID: key.workspaceID, profileIDs: [root], tags: [tag], source: "manual", sourceRef: "key:\(key.id)",
                at: runtime.clock.now())
        }
        runtime.intelligence.notify()
        guard case .object(var response) = try await rendered(key.workspaceID, root) else { preconditionFailure() }
        response["removed"] = .bool(removed > 0)
        return JSONResponse.make(.object(response))
    }

    /// Adds or removes the same tags on many profiles, named by id (`profiles`) and/or identity (`identities`).
    /// All or nothing: if any id or identity matches no profile, the response is 404 listing them (`missing`) and
    /// nothing changes.
    private func bulk(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        let body = try BodyFields(
            try await request.jsonObject(limit: 4 << 20),
            allowed: ["action", "tags", "profiles", "identities", "source", "sourceRef"])
        guard let action = try body.choice("action", ["add", "remove"]) else {
            throw APIError.badRequest("'action' is required: add or remove")
        }
        let tags = try await definedTags(body, key.workspaceID)
        let (source, sourceRef) = try Self.source(body, key)
        var ids: [Int64] = []
        if let value = body.members["profiles"], !value.isNull {
            guard let items = value.arrayValue else { throw APIError.badRequest("'profiles' must be an array of profile ids") }
            ids = try items.map { item in
                guard case .int(let id) = item else { throw APIError.badRequest("'profiles' must hold integer profile ids") }
                return id
            }
        }
        let identityTexts = try body.strings("identities", maxCount: Self.maximumBulkProfiles) ?? []
        guard !ids.isEmpty || !identityTexts.isEmpty else {
            throw APIError.badRequest("name the profiles in 'profiles' (ids) and/or 'identities' (type:value)")
        }
        guard ids.count + identityTexts.count <= Self.maximumBulkProfiles else {
            throw APIError.badRequest("at most \(Self.maximumBulkProfiles) profiles and identities per request")
        }
        var identities: [(text: String, identity: Identity)] = []
        for (index, text) in identityTexts.enumerated() {
            do {
                identities.append((text, try ProfileController.parseIdentity(text)))
            } catch let error as APIError {
                var wrapped = APIError(error.status, error.code, "identities[\(index)] '\(text)': \(error.message)")
                wrapped.extra["index"] = .int(Int64(index))
                throw wrapped
            }
        }
        let byID = try await store.rootProfileIDs(workspaceID: key.workspaceID, profileIDs: ids)
        let byIdentity = try await store.rootProfileIDs(workspaceID: key.workspaceID, identities: identities.map(\.identity))
        let missing = ids.filter { byID[$0] == nil }.map { JSONValue.string(String($0)) }
            + identities.filter { byIdentity[$0.identity] == nil }.map { JSONValue.string($0.text) }
        guard missing.isEmpty else {
            var error = APIError(.notFound, "not_found", "\(missing.count) of the profiles were not found; nothing was changed")
            error.extra["missing"] = .array(Array(missing.prefix(1000)))
            throw error
        }
        let roots = Array(Set(byID.values).union(byIdentity.values)).sorted()
        let at = runtime.clock.now()
        let changed = try await apply {
            action == "add"
                ? try await store.tagProfiles(
                    workspaceID: key.workspaceID, profileIDs: roots, tags: tags, source: source, sourceRef: sourceRef, at: at)
                : try await store.untagProfiles(
                    workspaceID: key.workspaceID, profileIDs: roots, tags: tags, source: source, sourceRef: sourceRef, at: at)
        }
        runtime.intelligence.notify()
        return JSONResponse.make([
            "action": .string(action), "tags": .array(tags.map(JSONValue.string)), "profiles": .int(Int64(roots.count)),
            "changed": .int(Int64(changed)),
        ])
    }

    /// Tags (or untags) the customers of a CSV list; see `ProfileListUpload` for the columns.
    ///
    /// Atomicity: the file is read and every row checked before anything is written. Rows that cannot be used (no
    /// customer column filled, an identity that matches no profile, an unknown tag) are rejected and reported with
    /// their row number; the remaining rows are then applied together in one transaction, so either all of them
    /// take effect or — if a tag or profile vanished in the meantime (409) — none does. A file that cannot be
    /// parsed, or a `?tag=` that is not defined, is refused before anything is stored.
    private func importCSV(_ request: Request) async throws -> Response {
        let key = try await auth.admin(request)
        guard let action = request.query("action") else { throw APIError.badRequest("'action' is required: add or remove") }
        guard action == "add" || action == "remove" else {
            throw APIError.badRequest("'action' must be add or remove, got '\(action)'")
        }
        let everyRow = request.uri.queryParameters.getAll("tag").map { String($0).trimmingASCIIWhitespace() }
        guard everyRow.count <= Self.maximumTagsPerRequest else {
            throw APIError.badRequest("at most \(Self.maximumTagsPerRequest) '?tag=' parameters")
        }
        let known = Set(try await store.tags(workspaceID: key.workspaceID).map(\.name))
        if let unknown = everyRow.first(where: { !known.contains($0) }) { throw Self.unknownTag(unknown) }
        let sourceRef = request.query("sourceRef")
        if let sourceRef, !(1...200).contains(sourceRef.count) {
            throw APIError.badRequest("'sourceRef' must be 1 to 200 characters")
        }
        let upload = try await ProfileListUpload.read(
            request, store: store, workspaceID: key.workspaceID,
            tags: .init(everyRow: Array(Set(everyRow)).sorted(), known: known))
        let pairs = upload.accepted.flatMap { row in row.tags.map { (profileID: row.profileID, tag: $0) } }
        let changed: Int
        do {
            changed = try await store.applyTagChanges(
                workspaceID: key.workspaceID, pairs: pairs, adding: action == "add", source: "import", sourceRef: sourceRef,
                at: runtime.clock.now())
        } catch StoreError.notFound(let message) {
            throw APIError(.conflict, "changed_while_importing", "\(message) since the file was checked; nothing was applied, upload it again")
        }
        runtime.intelligence.notify()
        var response = upload.json
        response["action"] = .string(action)
        response["changed"] = .int(Int64(changed))
        return JSONResponse.make(.object(response))
    }

    // MARK: Shared

    private func root(_ workspaceID: String, _ id: Int64) async throws -> Int64 {
        guard let root = try await store.rootProfileID(workspaceID: workspaceID, profileID: id) else {
            throw APIError.notFound("profile")
        }
        return root
    }

    private func rendered(_ workspaceID: String, _ root: Int64) async throws -> JSONValue {
        let groups = Dictionary(
            try await store.tags(workspaceID: workspaceID).map { ($0.name, $0.group) }, uniquingKeysWith: { a, _ in a })
        let tags = try await store.profileTags(workspaceID: workspaceID, profileID: root).map { tag -> JSONValue in
            guard case .object(var rendered) = IntelligenceJSON.render(tag) else { preconditionFailure() }
            rendered["group"] = groups[tag.tag].flatMap { $0.map(JSONValue.string) } ?? .null
            return .object(rendered)
        }
        return ["profileId": .int(root), "tags": .array(tags)]
    }

    /// `tags` from the body: 1 to 50 defined tag names, else 400 (`unknown_tag` naming the first undefined one).
    private func definedTags(_ body: BodyFields, _ workspaceID: String) async throws -> [String] {
        guard let raw = try body.strings("tags", maxCount: Self.maximumTagsPerRequest), !raw.isEmpty else {
            throw APIError.badRequest("'tags' must be an array of 1 to \(Self.maximumTagsPerRequest) tag names")
        }
        var tags: [String] = []
        for name in raw.map({ $0.trimmingASCIIWhitespace() }) where !tags.contains(name) { tags.append(name) }
        let existing = try await store.existingTags(workspaceID: workspaceID, names: Set(tags))
        if let unknown = tags.first(where: { !existing.contains($0) }) { throw Self.unknownTag(unknown) }
        return tags
    }

    /// Where the tags come from: `manual` by default (with the admin key as its reference), or `channel` with the
    /// channel code in `sourceRef` (the WeCom contact-me QR code, say), or `import`.
    private static func source(_ body: BodyFields, _ key: APIKey) throws -> (String, String?) {
        let sourceRef = try body.string("sourceRef", maxCharacters: 200)
        guard let source = try body.string("source", maxCharacters: 20) else { return ("manual", sourceRef ?? "key:\(key.id)") }
        guard operatorSources.contains(source) else {
            throw APIError.badRequest(
                "'source' must be one of \(operatorSources.joined(separator: ", ")) ('rule' is kept for auto-tag rules)")
        }
        if source == "channel", sourceRef == nil {
            throw APIError.badRequest("'sourceRef' is required with source 'channel': the channel code, e.g. qr-123")
        }
        return (source, source == "manual" ? sourceRef ?? "key:\(key.id)" : sourceRef)
    }

    static func unknownTag(_ name: String) -> APIError {
        APIError(.badRequest, "unknown_tag", "no tag named \"\(name)\"; define it with POST /api/v1/tags first")
    }

    /// Runs a store call, translating what can change under it (a tag deleted, a profile gone) into API errors.
    private func apply(_ body: () async throws -> Int) async throws -> Int {
        do {
            return try await body()
        } catch StoreError.notFound(let message) {
            if message.hasPrefix("tag") { throw APIError(.badRequest, "unknown_tag", message) }
            throw APIError(.notFound, "not_found", message)
        }
    }
}
