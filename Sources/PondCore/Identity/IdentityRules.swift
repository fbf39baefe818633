/// Normalisation and junk rejection for identity values.
///
/// Stitching is only as good as its inputs. SDKs and POS exports routinely send placeholder ids ("null",
/// "undefined", "0", an all-zero IDFA); linking on those would merge thousands of strangers into one profile,
/// which is the classic identity-stitching failure. Phone numbers and e-mails arrive in many spellings of the same
/// value and are normalised so that `138 0013 8000`, `+86-13800138000` and `8613800138000` are one person.
public enum IdentityRules {
    public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidType(String)
        case junkValue(String)
        case invalidValue(type: String, reason: String)

        public var description: String {
            switch self {
            case .invalidType(let t): return "'\(t)' is not a valid identity type (lower snake case, optional ':namespace')"
            case .junkValue(let v): return "'\(v)' is a placeholder, not an identifier"
            case .invalidValue(let type, let reason): return "invalid \(type): \(reason)"
            }
        }
    }

    public static let maximumValueLength = 256

    /// Lower-cased placeholder values that clients send when they have no real id.
    public static let junkValues: Set<String> = [
        "", "null", "undefined", "nil", "none", "nan", "0", "-1", "-", "n/a", "na", "unknown", "anonymous",
        "(null)", "<null>", "[object object]", "{}", "[]", "false", "true",
    ]

    public static func make(type rawType: String, value rawValue: String) throws(Rejection) -> Identity {
        let type = rawType.trimmingASCIISpaces().lowercasedType()
        guard isValidType(type) else { throw .invalidType(rawType) }
        let trimmed = rawValue.trimmingASCIISpaces()
        guard !isJunk(trimmed) else { throw .junkValue(rawValue) }
        guard trimmed.utf8.count <= maximumValueLength else {
            throw .invalidValue(type: type, reason: "longer than \(maximumValueLength) bytes")
        }
        let identity = Identity(uncheckedType: type, value: trimmed)
        switch identity.baseType {
        case IdentityType.phone: return Identity(uncheckedType: type, value: try normalisePhone(trimmed))
        case IdentityType.email: return Identity(uncheckedType: type, value: try normaliseEmail(trimmed))
        default: return identity
        }
    }

    public static func isJunk(_ value: String) -> Bool {
        if junkValues.contains(value.lowercased()) { return true }
        // All-zero device ids (iOS IDFA with tracking limited, zeroed UUIDs).
        return value.utf8.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "-") }
    }

    public static func isValidType(_ type: String) -> Bool {
        let parts = type.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        let base = parts[0].utf8
        guard let first = base.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), base.count <= 40 else {
            return false
        }
        guard base.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "_") }) else { return false }
        if parts.count == 2 {
            let namespace = parts[1].utf8
            guard (1...64).contains(namespace.count) else { return false }
            return namespace.allSatisfy {
                isLowerAlnum($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "_")
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            }
        }
        return true
    }

    /// Mainland mobile numbers become `+86` + 11 digits; other numbers keep their `+` country code or stay as
    /// bare digits. Separators (space, `-`, `.`, brackets) are dropped.
    public static func normalisePhone(_ raw: String) throws(Rejection) -> String {
        var digits = ""
        var hasPlus = false
        for (i, ch) in raw.enumerated() {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
            } else if ch == "+", i == 0 {
                hasPlus = true
            } else if " -.()（）".contains(ch) {
                continue
            } else {
                throw .invalidValue(type: IdentityType.phone, reason: "unexpected character '\(ch)'")
            }
        }
        if !hasPlus, digits.hasPrefix("00") {
            digits.removeFirst(2)
            hasPlus = true
        }
        if digits.count == 11, digits.hasPrefix("1"), !hasPlus { return "+86" + digits }
        if digits.count == 13, digits.hasPrefix("861"), !hasPlus { return "+" + digits }
        guard (5...17).contains(digits.count) else {
            throw .invalidValue(type: IdentityType.phone, reason: "expected 5 to 17 digits")
        }
        guard !isJunk(digits) else { throw .junkValue(raw) }
        return hasPlus ? "+" + digits : digits
    }

    public static func normaliseEmail(_ raw: String) throws(Rejection) -> String {
        let lowered = raw.lowercased()
        let parts = lowered.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), !lowered.contains(" ")
        else { throw .invalidValue(type: IdentityType.email, reason: "not an e-mail address") }
        return lowered
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }

    /// Lower-cases the base type but keeps a namespace's case: WeChat app ids are case-sensitive (`wxAbC…`).
    fileprivate func lowercasedType() -> String {
        guard let colon = firstIndex(of: ":") else { return lowercased() }
        return self[..<colon].lowercased() + self[colon...]
    }
}
