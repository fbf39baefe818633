import Testing

@testable import PondCore

/// Random texts with random variables and literals: printing and reading back is the identity, reading any
/// string either fails with `template_syntax` or reads a text that prints back to itself, and rendering agrees
/// with `ReferenceRenderer`, written here the obvious way.
@Suite("Template texts, generated")
struct TemplatePropertyTests {
    static let seeds: [UInt64] = [3_101, 3_102, 3_103]

    /// The variables a generated text may use, and where each lives in `TemplateValues`.
    static let names = [
        "name", "city", "会员等级", "address.city", "flat.key", "event.amount", "event.sku", "event.cart.total",
        "profile.id", "links.unsubscribe",
    ]

    struct Generator {
        var random: SplitMix64

        mutating func pick<T>(_ items: [T]) -> T { items[random.int(items.count)] }

        mutating func literal() -> String {
            let alphabet: [String] = ["a", "Z", " ", "中", "{", "}", "\\", "|", "&", "<", "'", "\"", "\n", "é"]
            return (0..<(1 + random.int(6))).map { _ in pick(alphabet) }.joined()
        }

        mutating func fallback() -> String? {
            switch random.int(4) {
            case 0: return nil
            case 1: return ""
            default:
                let alphabet: [String] = ["亲", "爱", "x", "{", "}", "|", "\\", "<", "&", " "]
                var text = (0..<(1 + random.int(5))).map { _ in pick(alphabet) }.joined()
                while text.contains("}}") { text = text.replacingOccurrences("}}", "}") }
                text = String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
                return text
            }
        }

        mutating func segments() -> [TemplateText.Segment] {
            (0..<random.int(7)).map { _ in
                random.chance(50)
                    ? .literal(literal()) : .variable(TemplateVariable(pick(TemplatePropertyTests.names), fallback: fallback())!)
            }
        }

        /// A value for a variable, or none: strings (some holding template syntax), numbers, booleans, null, "".
        mutating func value() -> JSONValue? {
            switch random.int(9) {
            case 0: return nil
            case 1: return .null
            case 2: return .string("")
            case 3: return .int(Int64(random.int(2001)) - 1000)
            case 4: return .double(Double(random.int(400)) / 4)
            case 5: return .bool(random.chance(50))
            case 6: return .string("{{name}}")
            case 7: return .array([1])
            default: return .string(literal())
            }
        }
    }

    /// Texts chosen per variable name, kept as the reference's own dictionary.
    static func values(_ generator: inout Generator) -> (TemplateValues, [String: JSONValue]) {
        var flat: [String: JSONValue] = [:]
        for name in names { if let value = generator.value() { flat[name] = value } }
        var traits: [String: JSONValue] = [:]
        var event: [String: JSONValue] = [:]
        var system: [String: JSONValue] = [:]
        for (name, value) in flat {
            switch name {
            case "address.city": traits["address"] = ["city": value]
            case "event.cart.total": event["cart"] = ["total": value]
            case let n where n.hasPrefix("event."): event[String(n.dropFirst(6))] = value
            case let n where n.hasPrefix("profile.") || n.hasPrefix("links."): system[n] = value
            default: traits[name] = value
            }
        }
        return (TemplateValues(traits: traits, event: event, system: system), flat)
    }

    enum ReferenceRenderer {
        static func spell(_ value: JSONValue?) -> String? {
            switch value {
            case .string(let s)? where s != "": return s
            case .int(let i)?: return "\(i)"
            case .double(let d)?:
                let whole = Int64(exactly: d)
                return whole.map { "\($0)" } ?? "\(d)"
            case .bool(true)?: return "true"
            case .bool(false)?: return "false"
            default: return nil
            }
        }

        static func escapeHTML(_ s: String) -> String {
            var out = ""
            for c in s {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&#39;"
                default: out.append(c)
                }
            }
            return out
        }

        /// The rendered text, or the missing names.
        static func render(_ segments: [TemplateText.Segment], _ values: [String: JSONValue], html: Bool)
            -> Result<String, TemplateRenderError>
        {
            var out = ""
            var missing: [String] = []
            for segment in segments {
                switch segment {
                case .literal(let text): out += text
                case .variable(let variable):
                    if let text = spell(values[variable.name]) ?? variable.fallback {
                        out += html ? escapeHTML(text) : text
                    } else if !missing.contains(variable.name) {
                        missing.append(variable.name)
                    }
                }
            }
            return missing.isEmpty ? .success(out) : .failure(TemplateRenderError(missing: missing))
        }
    }

    @Test("printing then reading gives the same text, and rendering agrees with the reference", arguments: seeds)
    func roundTripAndRender(seed: UInt64) throws {
        var generator = Generator(random: SplitMix64(seed: seed))
        var rendered = 0, failed = 0, escapedSomething = 0
        for number in 0..<1_500 {
            let text = TemplateText(segments: generator.segments())
            let read: TemplateText
            do {
                read = try TemplateText(parsing: text.source)
            } catch {
                Issue.record("seed \(seed), case \(number): \(text.segments) printed as \(text.source) does not read: \(error)")
                continue
            }
            #expect(read == text, "seed \(seed), case \(number): printed \(text.source)")
            let (values, flat) = Self.values(&generator)
            for escaping in [TemplateEscaping.plain, .html] {
                let actual = Result { () throws(TemplateRenderError) in try text.render(values, escaping: escaping) }
                let expected = ReferenceRenderer.render(text.segments, flat, html: escaping == .html)
                #expect(actual == expected, "seed \(seed), case \(number): \(text.source) with \(flat)")
                if case .success(let s) = actual {
                    rendered += 1
                    if escaping == .html, s.contains("&amp;") || s.contains("&lt;") { escapedSomething += 1 }
                } else {
                    failed += 1
                }
            }
        }
        #expect(rendered >= 1_000 && failed >= 300 && escapedSomething >= 50, "\(rendered) \(failed) \(escapedSomething)")
    }

    @Test("any string either is refused as syntax or reads a text that prints back to itself", arguments: seeds)
    func arbitraryStrings(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let alphabet: [String] = ["{", "{{", "}", "}}", "\\", "|", " ", "a", ".", "中", "event", "name", "x", "{{name}}", "{{ event.x | 亲 }}",
            "{{a.b|}}",
        ]
        var read = 0, refused = 0, withVariables = 0
        for number in 0..<3_000 {
            let source = (0..<random.int(14)).map { _ in alphabet[random.int(alphabet.count)] }.joined()
            do {
                let text = try TemplateText(parsing: source)
                read += 1
                if !text.variables.isEmpty { withVariables += 1 }
                #expect(try TemplateText(parsing: text.source) == text, "seed \(seed), case \(number): \(source)")
            } catch {
                refused += 1
                #expect(error.code == .syntax && error.offset != nil, "seed \(seed), case \(number): \(source)")
            }
        }
        #expect(read >= 500 && refused >= 500 && withVariables >= 150, "\(read) \(refused) \(withVariables)")
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
