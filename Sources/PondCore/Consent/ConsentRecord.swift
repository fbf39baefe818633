/// One answer to record in the consent ledger: a purpose on a channel, granted or revoked, with its proof.
/// `validate` is the one check every front door goes through — the API, a bulk import, an unsubscribe link, a
/// `TD` reply — so nothing reaches the ledger that a brand could not show an auditor.
public struct ConsentRecord: Sendable, Hashable {
    public var purpose: ConsentPurpose
    public var channel: ChannelID
    public var entry: ConsentEntry

    public init(purpose: ConsentPurpose, channel: ChannelID, entry: ConsentEntry) {
        self.purpose = purpose
        self.channel = channel
        self.entry = entry
    }

    public static let maximumSourceLength = 200
    public static let maximumNoticeVersionLength = 100
    public static let maximumEvidenceLength = 2000
    /// How far ahead of the server's clock an answer may be stamped: clocks of POS terminals and phones drift, but
    /// an answer dated tomorrow would outrank every revocation until then.
    public static let allowedClockSkewMilliseconds: Int64 = 5 * 60 * 1000

    /// Refuses a record that is not well formed. A grant must name the notice text version the customer was shown:
    /// PIPL asks for consent given on notice (告知-同意), and without the version a brand cannot tell which wording it
    /// rests on. A revocation needs no notice: withdrawing is always allowed and must never be refused for a
    /// missing field.
    public func validate(now: Instant) throws(ConsentError) {
        guard channel.isWellFormed else {
            throw ConsentError(
                .invalidChannel, path: "channel", "a channel id is 1 to 32 of a-z, 0-9, _ and -, got \"\(channel.rawValue)\"")
        }
        if entry.action == .grant {
            guard let notice = entry.noticeVersion, !notice.isEmpty else {
                throw ConsentError(
                    .noticeRequired, path: "noticeVersion",
                    "a grant must name the version of the notice text the customer was shown (e.g. \"privacy-2026-03\")")
            }
        }
        try Self.check(entry.source, "source", maximum: Self.maximumSourceLength, required: true)
        if let notice = entry.noticeVersion {
            try Self.check(notice, "noticeVersion", maximum: Self.maximumNoticeVersionLength, required: true)
        }
        if let evidence = entry.evidence {
            try Self.check(evidence, "evidence", maximum: Self.maximumEvidenceLength, required: false)
        }
        guard entry.at.millisecondsSinceEpoch <= now.millisecondsSinceEpoch + Self.allowedClockSkewMilliseconds else {
            throw ConsentError(
                .futureTime, path: "at",
                "the answer is dated \(entry.at), after now (\(now)): a future answer would outrank every answer until then")
        }
    }

    private static func check(_ text: String, _ field: String, maximum: Int, required: Bool) throws(ConsentError) {
        if required, text.allSatisfy(\.isWhitespace) {
            throw ConsentError(.invalidField, path: field, "'\(field)' must not be empty")
        }
        guard text.count <= maximum else {
            throw ConsentError(.invalidField, path: field, "'\(field)' is at most \(maximum) characters, got \(text.count)")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || $0.value == 0x7F }) else {
            throw ConsentError(.invalidField, path: field, "'\(field)' must not contain control characters")
        }
    }
}

/// Why a consent record was refused. `code` is stable API surface; `path` names the field at fault.
public struct ConsentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case invalidPurpose = "consent_invalid_purpose"
        case invalidChannel = "consent_invalid_channel"
        case invalidAction = "consent_invalid_action"
        case noticeRequired = "consent_notice_required"
        case invalidField = "consent_invalid_field"
        case futureTime = "consent_future_time"
    }

    public let code: Code
    public let path: String
    public let message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(code.rawValue) at \(path): \(message)" }
}
