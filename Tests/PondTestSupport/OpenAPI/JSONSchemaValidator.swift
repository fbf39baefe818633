import Foundation
import PondCore

/// Checks JSON values against JSON Schema 2020-12, as far as Pond's OpenAPI 3.1 document uses it.
///
/// Checked: `type` (one name or a list, `"null"` among them; an integral number such as `2.0` is an `integer`, as
/// JSON Schema has it), `enum`, `const` (numbers equal by value), `properties`, `required`, `additionalProperties`,
/// `items`, `minItems`/`maxItems`, `minLength`/`maxLength` (counted in Unicode scalars), `pattern`,
/// `minimum`/`maximum`, `allOf`/`anyOf`/`oneOf`, boolean schemas, and `$ref` to a JSON pointer into the same document
/// (`#/components/schemas/Profile`), whose sibling keywords apply as well. Annotations (`description`, `format`,
/// `default`, `examples`, `discriminator`, …) are ignored.
///
/// Any other keyword is reported as a violation wherever a schema uses it: a schema the validator cannot check must
/// fail the test rather than pass it unchecked.
public struct JSONSchemaValidator: Sendable {
    /// One way an instance breaks its schema.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// Where in the instance, as a JSON path: `$`, `$.profiles[0].traits`, `$["content-type"]`.
        public var path: String
        public var message: String

        public var description: String { "\(path): \(message)" }
    }

    /// Keywords that describe rather than constrain; they never make an instance invalid.
    public static let annotations: Set<String> = [
        "description", "title", "format", "default", "examples", "example", "discriminator", "deprecated", "readOnly",
        "writeOnly", "$comment", "externalDocs", "xml",
    ]

    /// Keywords the validator checks.
    public static let assertions: Set<String> = [
        "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "minLength", "maxLength", "pattern", "minimum", "maximum", "allOf", "anyOf", "oneOf",
    ]

    /// The document `$ref`s point into.
    public let root: JSONValue

    public init(root: JSONValue) { self.root = root }

    /// Every violation of `schema` by `instance`; empty when the instance is valid.
    public func validate(_ instance: JSONValue, against schema: JSONValue) -> [Violation] {
        var visiting: Set<Visit> = []
        return check(instance, schema, at: Path(), visiting: &visiting)
    }

    /// The keywords in `schema` and every schema inside it that the validator neither checks nor ignores, sorted.
    /// References are not followed: each schema of a document is meant to be walked on its own.
    public static func unsupportedKeywords(in schema: JSONValue) -> [String] {
        var found: Set<String> = []
        func walk(_ schema: JSONValue) {
            guard case .object(let members) = schema else { return }
            for (keyword, value) in members {
                switch keyword {
                case "properties": value.objectValue?.values.forEach(walk)
                case "additionalProperties", "items": walk(value)
                case "allOf", "anyOf", "oneOf": value.arrayValue?.forEach(walk)
                case _ where assertions.contains(keyword) || annotations.contains(keyword) || keyword.hasPrefix("x-"): break
                default: found.insert(keyword)
                }
            }
        }
        walk(schema)
        return found.sorted()
    }

    /// A reference being followed at an instance location; meeting it again there means the references loop.
    private struct Visit: Hashable {
        let reference: String
        let path: Path
    }

    private func check(_ instance: JSONValue, _ schema: JSONValue, at path: Path, visiting: inout Set<Visit>) -> [Violation] {
        let keywords: [String: JSONValue]
        switch schema {
        case .bool(true): return []
        case .bool(false): return [path.violation("no value is allowed here (the schema is false)")]
        case .object(let members): keywords = members
        default: return [path.violation("the schema is \(schema.kindName), not an object or a boolean")]
        }
        var violations: [Violation] = []
        for (keyword, value) in keywords.sorted(by: { $0.key < $1.key }) {
            violations += check(instance, keyword: keyword, value, in: keywords, at: path, visiting: &visiting)
        }
        return violations
    }

    private func check(
        _ instance: JSONValue, keyword: String, _ value: JSONValue, in schema: [String: JSONValue], at path: Path,
        visiting: inout Set<Visit>
    ) -> [Violation] {
        switch keyword {
        case "$ref":
            guard let reference = value.stringValue else { return [path.violation("$ref is not a string")] }
            guard let target = resolve(reference) else { return [path.violation("$ref \(reference) does not resolve")] }
            let visit = Visit(reference: reference, path: path)
            guard visiting.insert(visit).inserted else { return [path.violation("$ref \(reference) refers to itself")] }
            defer { visiting.remove(visit) }
            return check(instance, target, at: path, visiting: &visiting)
        case "type":
            let names = value.arrayValue?.compactMap(\.stringValue) ?? value.stringValue.map { [$0] } ?? []
            guard !names.isEmpty else { return [path.violation("type is not a type name or a list of them")] }
            if let unknown = names.first(where: { Self.matches(instance, type: $0) == nil }) {
                return [path.violation("unknown type \(unknown)")]
            }
            guard !names.contains(where: { Self.matches(instance, type: $0) == true }) else { return [] }
            return [path.violation("expected \(names.joined(separator: " or ")), got \(Self.typeName(instance))")]
        case "enum":
            guard let allowed = value.arrayValue else { return [path.violation("enum is not an array")] }
            guard !allowed.contains(where: { Self.equal($0, instance) }) else { return [] }
            return [path.violation("\(Self.text(instance)) is not one of \(allowed.map(Self.text).joined(separator: ", "))")]
        case "const":
            return Self.equal(value, instance) ? [] : [path.violation("expected \(Self.text(value)), got \(Self.text(instance))")]
        case "required":
            guard let names = value.arrayValue?.compactMap(\.stringValue) else { return [path.violation("required is not an array")] }
            guard case .object(let members) = instance else { return [] }
            return names.filter { members[$0] == nil }.map {
                path.violation("required member \"\($0)\" is missing")
            }
        case "properties":
            guard case .object(let members) = instance, let properties = value.objectValue else { return [] }
            return members.sorted(by: { $0.key < $1.key }).flatMap { name, member -> [Violation] in
                guard let property = properties[name] else { return [] }
                return check(member, property, at: path.appending(.key(name)), visiting: &visiting)
            }
        case "additionalProperties":
            guard case .object(let members) = instance else { return [] }
            let declared = schema["properties"]?.objectValue ?? [:]
            return members.sorted(by: { $0.key < $1.key }).flatMap { name, member -> [Violation] in
                guard declared[name] == nil else { return [] }
                if value == .bool(false) { return [path.violation("member \"\(name)\" is not in the schema's properties")] }
                return check(member, value, at: path.appending(.key(name)), visiting: &visiting)
            }
        case "items":
            guard case .array(let elements) = instance else { return [] }
            return elements.enumerated().flatMap { index, element in
                check(element, value, at: path.appending(.index(index)), visiting: &visiting)
            }
        case "minItems", "maxItems":
            guard case .array(let elements) = instance else { return [] }
            return Self.bound(keyword, value, count: elements.count, of: "items", at: path)
        case "minLength", "maxLength":
            guard case .string(let text) = instance else { return [] }
            return Self.bound(keyword, value, count: text.unicodeScalars.count, of: "characters", at: path)
        case "pattern":
            guard case .string(let text) = instance else { return [] }
            guard let pattern = value.stringValue, let regex = try? Regex(pattern) else {
                return [path.violation("pattern \(Self.text(value)) is not a regular expression")]
            }
            return text.contains(regex) ? [] : [path.violation("\(Self.text(instance)) does not match \(pattern)")]
        case "minimum", "maximum":
            guard instance.doubleValue != nil else { return [] }
            guard let order = Self.compare(instance, value) else { return [path.violation("\(keyword) is not a number")] }
            let below = keyword == "minimum"
            guard order == (below ? .orderedAscending : .orderedDescending) else { return [] }
            return [path.violation("\(Self.text(instance)) is \(below ? "below" : "above") \(Self.text(value))")]
        case "allOf":
            guard let schemas = value.arrayValue else { return [path.violation("allOf is not an array")] }
            return schemas.flatMap { check(instance, $0, at: path, visiting: &visiting) }
        case "anyOf", "oneOf":
            guard let schemas = value.arrayValue else { return [path.violation("\(keyword) is not an array")] }
            let outcomes = schemas.map { check(instance, $0, at: path, visiting: &visiting) }
            let matching = outcomes.indices.filter { outcomes[$0].isEmpty }
            if matching.isEmpty {
                let reasons = outcomes.enumerated().map { "[\($0.offset)] \($0.element.first?.description ?? "")" }
                return [path.violation("matches none of the \(keyword) schemas: \(reasons.joined(separator: "; "))")]
            }
            if keyword == "oneOf", matching.count > 1 {
                return [path.violation("matches oneOf schemas \(matching.map(String.init).joined(separator: ", ")), not exactly one")]
            }
            return []
        case _ where Self.annotations.contains(keyword) || keyword.hasPrefix("x-"):
            return []
        default:
            return [path.violation("the schema uses \(keyword), which this validator does not check")]
        }
    }

    /// The value a local reference (`#/components/schemas/Profile`) points to, as RFC 6901 reads its pointer.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        let pointer = String(reference.dropFirst()).removingPercentEncoding ?? ""
        guard !pointer.isEmpty else { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var target = root
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch target {
            case .object(let members) where members[name] != nil:
                target = members[name]!
            case .array(let items) where Int(name).map(items.indices.contains) == true:
                target = items[Int(name)!]
            default:
                return nil
            }
        }
        return target
    }

    private static func bound(_ keyword: String, _ value: JSONValue, count: Int, of unit: String, at path: Path) -> [Violation] {
        guard case .int(let limit) = value, limit >= 0 else { return [path.violation("\(keyword) is not a count")] }
        let allowed = keyword.hasPrefix("min") ? count >= limit : count <= limit
        return allowed ? [] : [path.violation("\(count) \(unit), \(keyword) is \(limit)")]
    }

    /// Whether `value` is of the type named `name`, or nil for a name JSON Schema does not have.
    private static func matches(_ value: JSONValue, type name: String) -> Bool? {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
            ("string", .string), ("array", .array), ("object", .object):
            return true
        case ("integer", .double(let number)):
            return number.isFinite && number.rounded() == number
        case ("null", _), ("boolean", _), ("integer", _), ("number", _), ("string", _), ("array", _), ("object", _):
            return false
        default:
            return nil
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// JSON Schema's equality: numbers by value (`1` equals `1.0`), arrays element by element, objects member by member.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int, .double), (.double, .int), (.double, .double): return compare(a, b) == .orderedSame
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(equal)
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        default: return a == b
        }
    }

    /// How two numbers compare (integers exactly), or nil unless both are numbers.
    private static func compare(_ a: JSONValue, _ b: JSONValue) -> ComparisonResult? {
        if case .int(let x) = a, case .int(let y) = b { return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
        return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
    }

    /// A value as it is written in JSON, for messages.
    private static func text(_ value: JSONValue) -> String { String(decoding: JSONWriter.bytes(value), as: UTF8.self) }
}

extension JSONSchemaValidator {
    /// A location in an instance, written as a JSON path.
    struct Path: Hashable, Sendable {
        enum Component: Hashable, Sendable {
            case key(String)
            case index(Int)
        }

        private(set) var components: [Component] = []

        func appending(_ component: Component) -> Path {
            var path = self
            path.components.append(component)
            return path
        }

        func violation(_ message: String) -> Violation { Violation(path: description, message: message) }

        /// `$.profiles[0].traits`; a member name that is not an identifier is quoted: `$["content-type"]`.
        var description: String {
            components.reduce(into: "$") { text, component in
                switch component {
                case .index(let index): text += "[\(index)]"
                case .key(let name) where Self.isIdentifier(name): text += ".\(name)"
                case .key(let name): text += "[\(String(decoding: JSONWriter.bytes(.string(name)), as: UTF8.self))]"
                }
            }
        }

        private static func isIdentifier(_ name: String) -> Bool {
            func letter(_ c: Unicode.Scalar) -> Bool { c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
            guard let first = name.unicodeScalars.first, letter(first) else { return false }
            return name.unicodeScalars.allSatisfy { letter($0) || ("0"..."9").contains($0) }
        }
    }
}
