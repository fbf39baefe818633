/// A profile's own offset from UTC, from its trait `utc_offset`: `"+08:00"`, `"-07:00"`, `"+0530"` or a number of
/// seconds. Quiet hours and a cap's days are the customer's local ones, so a customer of a Shanghai brand who lives
/// in Vancouver must be able to say so; one without the trait lives at the brand's offset.
public enum ProfileUTCOffset {
    public static let traitKey = "utc_offset"

    /// The offset the trait gives, or nil when it is absent or not a whole number of quarter hours in range.
    public static func seconds(from traits: [String: JSONValue]) -> Int? {
        switch traits[traitKey] {
        case .int(let seconds)?: return valid(Int(clamping: seconds))
        case .string(let text)?: return parse(text)
        default: return nil
        }
    }

    static func parse(_ text: String) -> Int? {
        var scalars = Array(text.utf8)
        guard let sign = scalars.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        scalars.removeFirst()
        if scalars.count == 5, scalars[2] == UInt8(ascii: ":") { scalars.remove(at: 2) }
        guard scalars.count == 4 || scalars.count == 2, scalars.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let digits = scalars.map { Int($0 - 0x30) }
        let hours = digits[0] * 10 + digits[1]
        let minutes = digits.count == 4 ? digits[2] * 10 + digits[3] : 0
        guard minutes < 60 else { return nil }
        return valid((sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60))
    }

    private static func valid(_ seconds: Int) -> Int? {
        WorkspaceSettings.utcOffsetRange.contains(seconds) && seconds % 900 == 0 ? seconds : nil
    }
}
