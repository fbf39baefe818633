/// One `{{ path | fallback }}` of a template text.
///
/// The path says where the value comes from:
/// - `event.<key>`: a property of the event that triggered the journey (`{{event.product_name}}`);
/// - `profile.<name>`, `links.<name>` and `workspace.<name>`: values Pond supplies itself (`{{profile.id}}`,
///   `{{links.unsubscribe}}`, `{{workspace.name}}` — the brand's name, for an SMS's 【signature】); these roots are
///   reserved, so a trait called `profile`, `links` or `workspace` cannot be named in a template;
/// - anything else: a profile trait (`{{name}}`, `{{address.city}}`).
///
/// A dotted trait or event path is looked up as the whole key first and then as a path into nested objects:
/// `{{address.city}}` reads a trait literally named `address.city` if the profile has one, otherwise the member
/// `city` of the object trait `address`. Segment rules read a dotted key only as a whole name; templates also
/// follow nesting because imported profiles (Shopify, 有赞 exports) often carry an address object, and trying the
/// whole key first keeps every key a rule can name readable in a template with the same spelling.
public struct TemplateVariable: Sendable, Hashable, CustomStringConvertible {
    /// Where a variable's value comes from.
    public enum Source: Sendable, Hashable {
        /// A profile trait key or dotted path.
        case trait(String)
        /// A property key or dotted path of the trigger event (without the `event.` prefix).
        case event(String)
        /// A system value by its full name (`profile.id`, `links.unsubscribe`).
        case system(String)
    }

    /// Roots that never name a trait.
    public static let reservedRoots: Set<String> = ["event", "profile", "links", "workspace"]

    private static let reservedExamples = [
        "event": "event.amount", "profile": "profile.id", "links": "links.unsubscribe", "workspace": "workspace.name",
    ]

    /// The path as written, without surrounding whitespace: `name`, `event.amount`, `links.unsubscribe`.
    public let name: String
    /// The text used when the value is missing; `""` is a real fallback (insert nothing), `nil` means none.
    public let fallback: String?

    /// A variable for a well-formed path (`isWellFormedPath`) and a fallback that can be written down: without
    /// `}}` (which would end the variable) and without surrounding whitespace (which reading trims); `nil`
    /// otherwise.
    public init?(_ name: String, fallback: String? = nil) {
        guard Self.isWellFormedPath(name) else { return nil }
        if let fallback, !Self.isWritableFallback(fallback) { return nil }
        self.name = name
        self.fallback = fallback
    }

    init(unchecked name: String, fallback: String?) {
        self.name = name
        self.fallback = fallback
    }

    public var source: Source {
        let root = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard root.count == 2, Self.reservedRoots.contains(String(root[0])) else { return .trait(name) }
        return root[0] == "event" ? .event(String(root[1])) : .system(name)
    }

    /// The variable as a template writes it: `{{name}}`, `{{name|亲爱的会员}}`. A fallback ending in `}` is
    /// followed by a space (`{{x|a} }}`), which reading trims, so it does not run into the closing `}}`.
    public var description: String {
        guard let fallback else { return "{{\(name)}}" }
        return "{{\(name)|\(fallback)\(fallback.unicodeScalars.last == "}" ? " " : "")}}"
    }

    static func isWritableFallback(_ fallback: String) -> Bool {
        let scalars = Array(fallback.unicodeScalars)
        if let first = scalars.first, first.properties.isWhitespace { return false }
        if let last = scalars.last, last.properties.isWhitespace { return false }
        return !zip(scalars, scalars.dropFirst()).contains { $0 == "}" && $1 == "}" }
    }

    /// At most 200 UTF-8 bytes of dot-separated segments, each one or more letters (any script), digits, `_`,
    /// `-` or `$`; a reserved root needs a second segment (`{{event}}` alone names nothing).
    public static func isWellFormedPath(_ path: String) -> Bool { pathProblem(path) == nil }

    /// What is wrong with a path, for the parser's message, and the scalar offset within the path.
    static func pathProblem(_ path: String) -> (String, Int)? {
        guard !path.isEmpty else { return ("a variable needs a path, like {{name}}", 0) }
        guard path.utf8.count <= 200 else { return ("a variable path is at most 200 bytes", 0) }
        var segmentLength = 0
        for (offset, scalar) in path.unicodeScalars.enumerated() {
            if scalar == "." {
                guard segmentLength > 0 else { return ("a variable path has an empty segment", offset) }
                segmentLength = 0
                continue
            }
            guard isPathScalar(scalar) else {
                let shown = scalar.properties.isWhitespace ? "a space" : "\"\(Character(scalar))\""
                return ("a variable path cannot hold \(shown); paths are letters, digits, _, - and dots", offset)
            }
            segmentLength += 1
        }
        guard segmentLength > 0 else { return ("a variable path cannot end with a dot", path.unicodeScalars.count - 1) }
        if let example = reservedExamples[path] {
            return ("\"\(path)\" is reserved; name one of its values, like {{\(example)}}", 0)
        }
        return nil
    }

    static func isPathScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "-" || scalar == "$"
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
