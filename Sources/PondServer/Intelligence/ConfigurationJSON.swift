import Foundation
import PondCore

/// Moves the scoring models' `Codable` configurations (RFM, lifecycle) in and out of request and response bodies.
///
/// Decoding fills in defaults for whatever is left out, which is what lets a brand send `{"windowDays": 180}`;
/// the flip side is that `Codable` ignores members it does not know, so a misspelt `"windowDay"` would quietly
/// keep the default. Every member of the body must therefore reappear when the decoded value is encoded again,
/// or the request is refused naming it.
enum ConfigurationJSON {
    static func encode(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try JSONParser.parse(Array(try encoder.encode(value)))
    }

    static func decode<T: Codable>(_ type: T.Type, from body: [String: JSONValue]) throws -> T {
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: Data(JSONWriter.bytes(.object(body))))
        } catch let error as DecodingError {
            throw APIError.badRequest(describe(error))
        }
        if let unknown = firstUnknownMember(.object(body), known: try encode(value), path: "") {
            throw APIError.badRequest("unknown field '\(unknown)'")
        }
        return value
    }

    /// The path of the first object member of `value` that `known` does not have at the same place.
    static func firstUnknownMember(_ value: JSONValue, known: JSONValue, path: String) -> String? {
        switch (value, known) {
        case (.object(let members), .object(let knownMembers)):
            for key in members.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let knownChild = knownMembers[key] else { return child }
                if let found = firstUnknownMember(members[key]!, known: knownChild, path: child) { return found }
            }
            return nil
        case (.array(let items), .array(let knownItems)):
            for (index, pair) in zip(items, knownItems).enumerated() {
                if let found = firstUnknownMember(pair.0, known: pair.1, path: "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func render(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the body" : "'\(text)'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(render(context.codingPath)) must be \(expected(type))"
        case .valueNotFound(let type, let context):
            return "\(render(context.codingPath)) must be \(expected(type)), not null"
        case .keyNotFound(let key, let context):
            return "\(render(context.codingPath + [key])) is required"
        case .dataCorrupted(let context):
            return "\(render(context.codingPath)) is invalid: \(context.debugDescription)"
        @unknown default:
            return "the configuration is invalid"
        }
    }

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a valid \(name)"
        }
    }
}
