/// A text with variables: `您好，{{name|亲爱的会员}}，您的订单 {{event.order_id}} 已发货`.
///
/// Read from a string into literal runs and `TemplateVariable`s, and printed back in one canonical spelling, so
/// `TemplateText(parsing: t.source) == t` for every text.
///
/// ## Syntax
/// - `{{ path }}` and `{{ path | fallback }}` are variables. Whitespace around the path and the fallback is
///   trimmed. The fallback is everything after the first `|` up to the first `}}`, taken literally (no escapes):
///   it may contain any text but `}}`.
/// - A backslash escapes a following `{` or `\`: `\{{` is a literal `{{`, `\\` a literal `\`. Any other
///   backslash is itself (`C:\temp` stays as written).
/// - In a run of three or more `{`, the last two open the variable: `{{{name}}` is `{` and then `{{name}}`.
/// - A `{{` that is never closed, an empty path and a path with characters a path cannot hold
///   (`TemplateVariable.isWellFormedPath`) are `template_syntax` errors with the character offset.
///
/// The printer escapes only where needed: a `{` or `\` that is followed by `{` or `\` in the text, or that ends a
/// literal run just before a variable.
public struct TemplateText: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case variable(TemplateVariable)
    }

    /// Literal runs are never empty and never adjacent.
    public let segments: [Segment]

    /// Merges adjacent literals and drops empty ones, so equal texts have equal segments.
    public init(segments: [Segment]) {
        var merged: [Segment] = []
        for segment in segments {
            switch segment {
            case .literal(let text) where text.isEmpty:
                continue
            case .literal(let text):
                if case .literal(let previous)? = merged.last {
                    merged[merged.count - 1] = .literal(previous + text)
                } else {
                    merged.append(segment)
                }
            case .variable:
                merged.append(segment)
            }
        }
        self.segments = merged
    }

    /// A text without variables, whatever it contains.
    public init(literal: String) { self.init(segments: [.literal(literal)]) }

    /// Reads a template text. `path` names it in errors (`bodies.sms.text`).
    public init(parsing text: String, path: String = "") throws(TemplateError) {
        let scalars = Array(text.unicodeScalars)
        var segments: [Segment] = []
        var literal = String.UnicodeScalarView()
        var index = 0
        func isOpening(_ at: Int) -> Bool {
            at + 1 < scalars.count && scalars[at] == "{" && scalars[at + 1] == "{"
                && (at + 2 >= scalars.count || scalars[at + 2] != "{")
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count, scalars[index + 1] == "{" || scalars[index + 1] == "\\" {
                literal.append(scalars[index + 1])
                index += 2
                continue
            }
            guard isOpening(index) else {
                literal.append(scalar)
                index += 1
                continue
            }
            var close = index + 2
            while close + 1 < scalars.count, !(scalars[close] == "}" && scalars[close + 1] == "}") { close += 1 }
            guard close + 1 < scalars.count else {
                throw TemplateError(
                    .syntax, path: path, "\"{{\" at character \(index) is never closed with \"}}\"", offset: index)
            }
            let inner = scalars[(index + 2)..<close]
            let bar = inner.firstIndex(of: "|")
            let name = Self.trimmed(inner[inner.startIndex..<(bar ?? inner.endIndex)])
            if let (problem, at) = TemplateVariable.pathProblem(Self.string(name)) {
                let offset = name.startIndex + at
                throw TemplateError(.syntax, path: path, "\(problem) (character \(offset))", offset: offset)
            }
            let fallback = bar.map { Self.string(Self.trimmed(inner[($0 + 1)...])) }
            if !literal.isEmpty {
                segments.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
            }
            segments.append(.variable(TemplateVariable(unchecked: Self.string(name), fallback: fallback)))
            index = close + 2
        }
        if !literal.isEmpty { segments.append(.literal(String(literal))) }
        self.segments = segments
    }

    /// Without surrounding whitespace; the slice keeps its indices, which are offsets into the text.
    private static func trimmed(_ slice: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var slice = slice
        while let first = slice.first, first.properties.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.properties.isWhitespace { slice.removeLast() }
        return slice
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(String.UnicodeScalarView(scalars))
    }

    /// The canonical spelling (see the type's documentation).
    public var source: String {
        var out = String.UnicodeScalarView()
        for (position, segment) in segments.enumerated() {
            switch segment {
            case .variable(let variable):
                out.append(contentsOf: variable.description.unicodeScalars)
            case .literal(let text):
                let scalars = Array(text.unicodeScalars)
                let beforeVariable = position + 1 < segments.count
                for (index, scalar) in scalars.enumerated() {
                    if scalar == "{" || scalar == "\\" {
                        let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : (beforeVariable ? "{" : nil)
                        if next == "{" || next == "\\" { out.append("\\") }
                    }
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    public var description: String { source }

    /// The variables in reading order, repeats included.
    public var variables: [TemplateVariable] {
        segments.compactMap { if case .variable(let v) = $0 { v } else { nil } }
    }

    /// No literal text and no variables.
    public var isEmpty: Bool { segments.isEmpty }

    /// Length in characters as written (`source`), which is what a channel's limit on a template is checked
    /// against; the rendered length depends on the profile.
    public var characterCount: Int { source.count }

    /// The text for one profile.
    ///
    /// Values are inserted, never read as templates: a trait holding `{{x}}` appears as `{{x}}`. A string is
    /// inserted as is; an integer in decimal; a double without a spurious `.0` (`99.0` → `99`, `0.5` → `0.5`);
    /// a boolean as `true`/`false`. A value that is missing, `null`, the empty string, an array or an object
    /// takes the fallback; without one the variable is reported missing. Under `.html` inserted values and
    /// fallbacks are escaped (`& < > " '`) and the literal runs — the template's own markup — are not.
    public func render(_ values: TemplateValues, escaping: TemplateEscaping = .plain) throws(TemplateRenderError)
        -> String
    {
        var missing: [String] = []
        let text = render(values, escaping: escaping, missing: &missing)
        guard missing.isEmpty else { throw TemplateRenderError(missing: missing) }
        return text
    }

    /// Renders what it can, appending the names of variables without a value or fallback to `missing` (once
    /// each) and writing them as `{{name}}` in the result, as a preview shows them.
    public func render(_ values: TemplateValues, escaping: TemplateEscaping, missing: inout [String]) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .literal(let text):
                out += text
            case .variable(let variable):
                if let text = values.text(for: variable) ?? variable.fallback {
                    out += escaping.escape(text)
                } else {
                    if !missing.contains(variable.name) { missing.append(variable.name) }
                    out += escaping.escape("{{\(variable.name)}}")
                }
            }
        }
        return out
    }
}

/// How inserted values are written into a text.
public enum TemplateEscaping: Sendable, Hashable {
    /// As they are: SMS, WeCom text, email plain-text parts, subjects.
    case plain
    /// HTML-escaped (`&` `<` `>` `"` `'`), for email HTML parts: a nickname `<script>` is shown, not run.
    case html

    public func escape(_ text: String) -> String {
        guard self == .html else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
