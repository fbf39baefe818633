/// A mailbox as SMTP and message headers need it: the bare address for the envelope, the display name for `From`.
struct MailAddress: Sendable, Hashable {
    var displayName: String?
    var address: String

    /// The domain after the `@`.
    var domain: String { String(address[address.index(after: address.lastIndex(of: "@")!)...]) }

    /// Reads `user@example.com` or `Name <user@example.com>`; refuses anything that could break out of a header or
    /// an SMTP command (line breaks, angle brackets, spaces in the address) and addresses that are not ASCII, which
    /// would need `SMTPUTF8`.
    init?(parsing text: String, allowDisplayName: Bool = true) {
        guard !text.containsLineBreakOrNUL else { return nil }
        let trimmed = text.trimmedSpaces
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            guard allowDisplayName || trimmed.first == "<" else { return nil }
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var given = String(trimmed[..<open]).trimmedSpaces
            if given.count >= 2, given.first == "\"", given.last == "\"" { given = String(given.dropFirst().dropLast()) }
            name = given.isEmpty ? nil : given
        }
        guard Self.isValidAddress(address) else { return nil }
        if let name, name.contains(where: { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "\\" }) { return nil }
        self.displayName = name
        self.address = address
    }

    static func isValidAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254 else { return false }
        return address.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && !"<>()[]\\,;:\"".utf8.contains(byte)
        }
    }

    /// The header form: `<user@example.com>`, `"Name" <user@example.com>`, or an encoded word for a name that is not
    /// plain ASCII.
    var headerValue: String {
        guard let displayName else { return "<\(address)>" }
        if displayName.allSatisfy({ $0.isASCII && !$0.isNewline }) {
            return "\"\(displayName)\" <\(address)>"
        }
        return (EncodedWord.encode(displayName) + ["<\(address)>"]).joined(separator: "\r\n ")
    }
}

extension String {
    var trimmedSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

extension String {
    /// A CR, LF or NUL anywhere, checked on the bytes: `"\r\n"` is one `Character` in Swift, equal to neither
    /// `"\r"` nor `"\n"`, so a check on characters would let exactly the dangerous pair through.
    var containsLineBreakOrNUL: Bool { utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 } }
}
