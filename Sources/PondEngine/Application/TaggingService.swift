import PondCore
import PondStore

/// Putting tags on profiles and taking them off: one profile, many at once, or the customers of a CSV list.
///
/// Tags always land on the cluster root, whichever member id is given. Every change is a `Tag Added`/`Tag Removed`
/// entry on the profile's timeline and queues the profile, in the same transaction, so segments reading the tag
/// follow moments later.
public struct TaggingService: Sendable {
    let definitions: DefinitionContext

    public static let maximumTagsPerRequest = 50
    public static let maximumProfilesPerRequest = 10_000

    private var store: Store { definitions.store }

    /// Where tags come from and the reference within that source.
    public struct Origin: Sendable, Equatable {
        public var source: TagSource
        public var reference: String?

        /// What an operator (`actor`, e.g. `key:key_1`) gives: `manual` by default, with the actor as the reference
        /// unless another is given; `channel` with the channel code (the WeCom contact-me QR code, say); `import`.
        /// `rule` is kept for auto-tag rules.
        public init(operator source: String?, reference: String?, actor: String) throws(DefinitionError) {
            guard let source else {
                self.source = .manual
                self.reference = reference ?? actor
                return
            }
            guard let chosen = TagSource(rawValue: source), TagSource.operatorSources.contains(chosen) else {
                throw .invalid(
                    "'source' must be one of \(TagSource.operatorSources.map(\.rawValue).joined(separator: ", ")) ('rule' is kept for auto-tag rules)")
            }
            if chosen == .channel, reference == nil {
                throw .invalid("'sourceRef' is required with source 'channel': the channel code, e.g. qr-123")
            }
            self.source = chosen
            self.reference = chosen == .manual ? reference ?? actor : reference
        }

        public init(_ source: TagSource, reference: String?) {
            self.source = source
            self.reference = reference
        }
    }

    /// A profile's tags, each with the group its tag is filed under.
    public struct ProfileTags: Sendable {
        public var profileID: Int64
        public var tags: [(tag: ProfileTag, group: String?)]
    }

    public func tags(workspaceID: String, profileID: Int64) async throws -> ProfileTags {
        try await tags(workspaceID, root: try await definitions.root(workspaceID, profileID))
    }

    /// Puts defined tags on a profile. Returns the profile's tags after, and how many were added.
    public func tag(workspaceID: String, profileID: Int64, tags names: [String], origin: Origin) async throws -> (
        ProfileTags, added: Int
    ) {
        let root = try await definitions.root(workspaceID, profileID)
        let tags = try await definedTags(workspaceID, names)
        let added = try await change(workspaceID, [root], tags, adding: true, origin)
        return (try await self.tags(workspaceID, root: root), added)
    }

    /// Takes one tag off a profile, whatever put it there. `not_found` when the profile or the tag does not exist.
    public func untag(workspaceID: String, profileID: Int64, tag: String, actor: String) async throws -> (
        ProfileTags, removed: Bool
    ) {
        let root = try await definitions.root(workspaceID, profileID)
        guard try await !store.existingTags(workspaceID: workspaceID, names: [tag]).isEmpty else {
            throw DefinitionError.notFound("tag '\(tag)'")
        }
        let removed = try await change(workspaceID, [root], [tag], adding: false, Origin(.manual, reference: actor))
        return (try await tags(workspaceID, root: root), removed > 0)
    }

    /// Adds or removes the same tags on many profiles, named by id and/or identity (`type:value`). All or nothing:
    /// if any id or identity matches no profile, nothing changes and the error lists them (`missing`).
    public func bulk(
        workspaceID: String, adding: Bool, tags names: [String], profileIDs: [Int64], identities texts: [String],
        origin: Origin
    ) async throws -> (tags: [String], profiles: Int, changed: Int) {
        let tags = try await definedTags(workspaceID, names)
        guard !profileIDs.isEmpty || !texts.isEmpty else {
            throw DefinitionError.invalid("name the profiles in 'profiles' (ids) and/or 'identities' (type:value)")
        }
        guard profileIDs.count + texts.count <= Self.maximumProfilesPerRequest else {
            throw DefinitionError.invalid("at most \(Self.maximumProfilesPerRequest) profiles and identities per request")
        }
        var identities: [(text: String, identity: Identity)] = []
        for (index, text) in texts.enumerated() {
            do {
                identities.append((text, try Identity.parse(text)))
            } catch {
                throw DefinitionError(
                    error.kind, code: error.code, "identities[\(index)] '\(text)': \(error.message)",
                    details: ["index": .int(Int64(index))])
            }
        }
        let byID = try await store.rootProfileIDs(workspaceID: workspaceID, profileIDs: profileIDs)
        let byIdentity = try await store.rootProfileIDs(workspaceID: workspaceID, identities: identities.map(\.identity))
        let missing = profileIDs.filter { byID[$0] == nil }.map(String.init)
            + identities.filter { byIdentity[$0.identity] == nil }.map(\.text)
        guard missing.isEmpty else {
            throw DefinitionError(
                .notFound, .notFound, "\(missing.count) of the profiles were not found; nothing was changed",
                details: ["missing": .array(missing.prefix(1000).map(JSONValue.string))])
        }
        let roots = Array(Set(byID.values).union(byIdentity.values)).sorted()
        return (tags, roots.count, try await change(workspaceID, roots, tags, adding: adding, origin))
    }

    /// Tags (or untags) the customers of a CSV list (see `ProfileList` for its columns): `everyRow` tags for each
    /// row, plus the row's own `tags` column.
    ///
    /// The file is read and every row checked before anything is written. Rows that cannot be used (no customer
    /// column filled, an identity that matches no profile, an unknown tag) are rejected and reported with their row
    /// number; the remaining rows are then applied together in one transaction, so either all of them take effect
    /// or — if a tag or profile vanished in the meantime (`changed_while_importing`) — none does.
    public func applyList(
        workspaceID: String, _ bytes: [UInt8], delimiter: CSVDelimiter, adding: Bool, everyRow: [String],
        reference: String?
    ) async throws -> (list: ProfileList, changed: Int) {
        let everyRow = everyRow.map { $0.trimmingASCIIWhitespace() }
        guard everyRow.count <= Self.maximumTagsPerRequest else {
            throw DefinitionError.invalid("at most \(Self.maximumTagsPerRequest) '?tag=' parameters")
        }
        let known = try await store.tagNames(workspaceID: workspaceID)
        if let unknown = everyRow.first(where: { !known.contains($0) }) { throw DefinitionError.unknownTag(unknown) }
        if let reference, !(1...200).contains(reference.count) {
            throw DefinitionError.invalid("'sourceRef' must be 1 to 200 characters")
        }
        let list = try await ProfileList.read(
            bytes, delimiter: delimiter, store: store, workspaceID: workspaceID,
            tags: .init(everyRow: Array(Set(everyRow)).sorted(), known: known))
        let pairs = list.accepted.flatMap { row in row.tags.map { (profileID: row.profileID, tag: $0) } }
        do {
            let changed = try await store.applyTagChanges(
                workspaceID: workspaceID, pairs: pairs, adding: adding, source: .import, sourceRef: reference,
                at: definitions.clock.now())
            return (list, changed)
        } catch let error as TagChangeError {
            throw DefinitionError(
                .conflict, .changedWhileImporting,
                "\(Self.describe(error)) since the file was checked; nothing was applied, upload it again")
        }
    }

    // MARK: Shared

    private func tags(_ workspaceID: String, root: Int64) async throws -> ProfileTags {
        let groups = Dictionary(
            try await store.tags(workspaceID: workspaceID).map { ($0.name, $0.group) }, uniquingKeysWith: { a, _ in a })
        let tags = try await store.profileTags(workspaceID: workspaceID, profileID: root)
        return ProfileTags(profileID: root, tags: tags.map { ($0, groups[$0.tag] ?? nil) })
    }

    /// 1 to 50 defined tag names, trimmed and without repeats; `unknown_tag` naming the first undefined one.
    private func definedTags(_ workspaceID: String, _ raw: [String]) async throws -> [String] {
        guard (1...Self.maximumTagsPerRequest).contains(raw.count) else {
            throw DefinitionError.invalid("'tags' must be an array of 1 to \(Self.maximumTagsPerRequest) tag names")
        }
        var tags: [String] = []
        for name in raw.map({ $0.trimmingASCIIWhitespace() }) where !tags.contains(name) { tags.append(name) }
        let existing = try await store.existingTags(workspaceID: workspaceID, names: Set(tags))
        if let unknown = tags.first(where: { !existing.contains($0) }) { throw DefinitionError.unknownTag(unknown) }
        return tags
    }

    /// One transaction of tag changes; a tag or profile gone since it was checked refuses the whole change.
    private func change(_ workspaceID: String, _ roots: [Int64], _ tags: [String], adding: Bool, _ origin: Origin)
        async throws -> Int
    {
        do {
            return try await store.changeTags(
                workspaceID: workspaceID, profileIDs: roots, tags: tags, adding: adding, source: origin.source,
                sourceRef: origin.reference, at: definitions.clock.now())
        } catch TagChangeError.undefinedTag(let tag) {
            throw DefinitionError.unknownTag(tag)
        } catch TagChangeError.missingProfile(let id) {
            throw DefinitionError.notFound("profile \(id)")
        }
    }

    private static func describe(_ error: TagChangeError) -> String {
        switch error {
        case .undefinedTag(let tag): "tag '\(tag)' is not defined"
        case .missingProfile(let id): "profile \(id) not found"
        }
    }
}
