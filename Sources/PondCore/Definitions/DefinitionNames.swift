/// What names and ids of tags, tag groups, auto-tag rules and segments may look like.
///
/// Tag and group names are what operators see and type (`会员`, `高频护肤`), so any printable text is allowed, within
/// the limits rules place on names (200 UTF-8 bytes). Rule and segment ids appear in URLs and in rules
/// (`in segment "vip-skincare"`), so they are short ASCII slugs; their display names carry the Chinese.
public enum DefinitionNames {
    public static let maximumNameCharacters = 64
    public static let maximumIDCharacters = 64

    /// Path words that sit next to `/tags/:name` and `/segments/:id`; a tag or segment so named could not be
    /// addressed, because the router matches the fixed word first.
    public static let reservedTagNames: Set<String> = ["bulk", "import"]
    public static let reservedSegmentIDs: Set<String> = ["preview"]

    /// A tag or tag group name: 1–64 characters and at most 200 UTF-8 bytes, no control characters, no `|` (the
    /// separator of a CSV `tags` cell), no `/` (it would split the URL path).
    public static func tagName(_ raw: String, field: String = "name") throws(DefinitionError) -> String {
        let name = raw.trimmingASCIIWhitespace()
        guard !name.isEmpty, name.count <= maximumNameCharacters, name.utf8.count <= SegmentRule.Limits.maximumNameBytes
        else {
            throw .invalid(
                "'\(field)' must be 1 to \(maximumNameCharacters) characters (at most \(SegmentRule.Limits.maximumNameBytes) bytes)")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "|" || $0 == "/" })
        else { throw .invalid("'\(field)' must not contain control characters, '|' or '/'") }
        return name
    }

    /// The name of a tag being created: a tag name that is not reserved.
    public static func newTagName(_ raw: String) throws(DefinitionError) -> String {
        let name = try tagName(raw)
        guard !reservedTagNames.contains(name) else {
            throw .invalid("'\(name)' is reserved (it names an endpoint under /api/v1/tags)")
        }
        return name
    }

    /// A rule or segment id: 1–64 of `A-Z a-z 0-9 _ - .`, starting with a letter or digit.
    public static func id(_ raw: String, field: String = "id") throws(DefinitionError) -> String {
        guard (1...maximumIDCharacters).contains(raw.utf8.count), let first = raw.unicodeScalars.first,
            isSlugScalar(first) && first != "-" && first != "_" && first != ".",
            raw.unicodeScalars.allSatisfy(isSlugScalar)
        else {
            throw .invalid(
                "'\(field)' must be 1 to \(maximumIDCharacters) of A-Z a-z 0-9 _ - . starting with a letter or digit")
        }
        return raw
    }

    /// A readable id for a new rule or segment: the name's ASCII letters and digits joined by `-`
    /// (`VIP Skincare` → `vip-skincare`), or `fallback` when the name has none (`高频护肤品购买者` → `tag-rule`),
    /// then `-2`, `-3`, … until it is not in `taken`.
    public static func generateID(from name: String, fallback: String, taken: Set<String>) -> String {
        var slug = ""
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        var base = String(slug.prefix(maximumIDCharacters - 8))
        while base.last == "-" { base.removeLast() }
        if base.isEmpty { base = fallback }
        var candidate = base
        var counter = 1
        while taken.contains(candidate) || reservedSegmentIDs.contains(candidate) {
            counter += 1
            candidate = "\(base)-\(counter)"
        }
        return candidate
    }

    /// The id a save writes: when replacing (`pathID`), that one, which must exist; when creating, the id given
    /// (`bodyID`), which must be free, or one generated from the name. A body id that differs from the path's is
    /// refused. `what` names the kind in errors (`segment`, `tag rule`).
    public static func idForSave(
        replacing pathID: String?, given bodyID: String?, taken: Set<String>, name: String, fallback: String, what: String
    ) throws(DefinitionError) -> String {
        let bodyID = try bodyID.map { id throws(DefinitionError) in try self.id(id) }
        if let pathID {
            if let bodyID, bodyID != pathID {
                throw .invalid("'id' in the body ('\(bodyID)') differs from the id in the path ('\(pathID)')")
            }
            guard taken.contains(pathID) else { throw .notFound("\(what) '\(pathID)'") }
            return pathID
        }
        if let bodyID {
            guard !taken.contains(bodyID) else {
                throw DefinitionError(.conflict, .alreadyExists, "\(what) '\(bodyID)' already exists; change it with PUT")
            }
            return bodyID
        }
        return generateID(from: name, fallback: fallback, taken: taken)
    }

    private static func isSlugScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
            || scalar == "_" || scalar == "."
    }
}

extension String {
    /// The text without leading and trailing whitespace (what a name or a CSV cell means).
    public func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
