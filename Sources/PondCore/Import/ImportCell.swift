/// Reading the cells of an export: what spreadsheets and platforms put around a value, the placeholders they write
/// for no value, and amounts in the spellings they use.
public enum ImportCell {
    /// Trims spaces and tabs (exports pad ids with a tab so Excel keeps them as text) and unwraps Excel's `="…"`.
    public static func clean(_ cell: String) -> String {
        var value = trimmed(cell)
        if value.hasPrefix("=\""), value.hasSuffix("\""), value.count >= 3 {
            value = String(value.dropFirst(2).dropLast()).trimmingASCIISpaces()
        }
        return value
    }

    /// `clean`, and a leading apostrophe dropped (another way exports keep `3051234567890123` from becoming
    /// `3.05E+15`).
    public static func cleanIdentifier(_ cell: String) -> String {
        let value = clean(cell)
        return value.hasPrefix("'") ? String(value.dropFirst()).trimmingASCIISpaces() : value
    }

    /// Cells exports fill in when there is no value (`-`, `null`, `0000-00-00 00:00:00` for "never paid").
    static func isBlankPlaceholder(_ value: String) -> Bool {
        value.utf8.count <= 4 ? blankPlaceholders.contains(value) : value.hasPrefix("0000-00-00")
    }

    private static let blankPlaceholders: Set<String> = ["-", "--", "null", "NULL", "n/a", "N/A", "无"]

    /// `trimmingASCIISpaces`, without its Unicode look-ups in the common case of a cell with nothing to trim.
    static func trimmed(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return cell }
        func mayTrim(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? scalar.value <= 0x20 || scalar.value == 0x7F : scalar.properties.isWhitespace
        }
        return mayTrim(first) || mayTrim(last) ? cell.trimmingASCIISpaces() : cell
    }

    /// Reads `1299`, `1,299.50`, `¥1299.5`, `￥ 99`, `99元`, `RMB 99` into ten-thousandths; nil for anything else
    /// (more than four decimals, several numbers, letters).
    public static func parseAmount(_ text: String) -> Int64? {
        var t = Substring(text.trimmingASCIISpaces())
        for prefix in ["¥", "￥", "RMB", "CNY"] where t.hasPrefix(prefix) {
            t = t.dropFirst(prefix.count)
        }
        if t.hasSuffix("元") { t = t.dropLast() }
        let compact = t.filter { $0 != "," && $0 != " " }
        var chars = compact[...]
        var negative = false
        if chars.first == "-" || chars.first == "+" {
            negative = chars.first == "-"
            chars = chars.dropFirst()
        }
        let parts = chars.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty || parts.count == 2 else { return nil }
        let integer = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard integer.count <= 13, fraction.count <= 4, !(integer.isEmpty && fraction.isEmpty),
            (integer + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let units = Int64(integer.isEmpty ? "0" : String(integer))! * 10_000
        let padded = String(fraction) + String(repeating: "0", count: 4 - fraction.count)
        let value = units + Int64(padded)!
        return negative ? -value : value
    }

    /// An amount in ten-thousandths as JSON: whole amounts as integers, as `JSONWriter` writes them anyway, so a
    /// payload reads back equal to itself.
    static func json(amount: Int64) -> JSONValue {
        amount % 10_000 == 0 ? .int(amount / 10_000) : .double(Double(amount) / 10_000)
    }

    /// A cell as a rejection quotes it: at most 40 characters.
    static func excerpt(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }
}
