import Testing

@testable import PondCore

@Suite("Consent records and the ledger's rules")
struct ConsentRecordTests {
    static let now = ISO8601.parse("2026-03-02T12:00:00+08:00")!

    static func record(
        _ action: ConsentEntry.Action, notice: String? = "privacy-1", source: String = "signup", evidence: String? = nil,
        channel: ChannelID = .sms, at: Instant = now
    ) -> ConsentRecord {
        ConsentRecord(
            purpose: .marketing, channel: channel,
            entry: ConsentEntry(action: action, at: at, noticeVersion: notice, source: source, evidence: evidence))
    }

    @Test("a grant names its notice version; a revocation needs none")
    func noticeRequired() throws {
        let error = #expect(throws: ConsentError.self) { try Self.record(.grant, notice: nil).validate(now: Self.now) }
        #expect(error?.code == .noticeRequired)
        try Self.record(.revoke, notice: nil).validate(now: Self.now)
        try Self.record(.grant).validate(now: Self.now)
    }

    @Test("refusals carry the field", arguments: [
        (record(.grant, source: "  "), ConsentError.Code.invalidField, "source"),
        (record(.grant, source: String(repeating: "x", count: 201)), .invalidField, "source"),
        (record(.grant, evidence: "a\u{0}b"), .invalidField, "evidence"),
        (record(.grant, channel: "SMS"), .invalidChannel, "channel"),
        (record(.grant, at: now.adding(milliseconds: 5 * 60 * 1000 + 1)), .futureTime, "at"),
    ])
    func refusals(_ record: ConsentRecord, _ code: ConsentError.Code, _ path: String) {
        do {
            try record.validate(now: Self.now)
            Issue.record("accepted")
        } catch {
            #expect(error.code == code)
            #expect(error.path == path)
        }
    }

    @Test("clock skew of up to five minutes is allowed")
    func skew() throws {
        try Self.record(.grant, at: Self.now.adding(milliseconds: 5 * 60 * 1000)).validate(now: Self.now)
    }

    @Test("the later answer supersedes; at one instant a revocation wins; equal answers go to the later recorded")
    func supersedes() {
        let early = Self.record(.revoke, at: Self.now).entry
        let late = Self.record(.grant, at: Self.now.adding(milliseconds: 1)).entry
        #expect(ConsentLedger.supersedes(late, id: 1, early, currentID: 2))
        #expect(!ConsentLedger.supersedes(early, id: 3, late, currentID: 1))
        let grant = Self.record(.grant).entry, revoke = Self.record(.revoke).entry
        #expect(ConsentLedger.supersedes(revoke, id: 1, grant, currentID: 2))
        #expect(!ConsentLedger.supersedes(grant, id: 3, revoke, currentID: 1))
        #expect(ConsentLedger.supersedes(grant, id: 3, grant, currentID: 2))
        #expect(!ConsentLedger.supersedes(grant, id: 2, grant, currentID: 3))
        typealias Answer = (entry: ConsentEntry, id: Int64)
        #expect(ConsentLedger.latest([(grant, 5), (revoke, 4), (late, 1)] as [Answer])?.id == 1)
        #expect(ConsentLedger.latest([(grant, 5), (revoke, 4)] as [Answer])?.id == 4)
        #expect(ConsentLedger.latest([] as [Answer]) == nil)
    }

    @Test("the per-purpose summary: granted somewhere, denied everywhere answered, unknown without answers")
    func summary() {
        #expect(ConsentLedger.summary([.revoked, .granted]) == true)
        #expect(ConsentLedger.summary([.revoked, .unknown, .revoked]) == false)
        #expect(ConsentLedger.summary([.unknown]) == nil)
        #expect(ConsentLedger.summary([]) == nil)
    }

    @Test("a profile's utc_offset trait", arguments: [
        (JSONValue.string("+08:00"), 28_800 as Int?), (.string("-07:00"), -25_200), (.string("+0530"), 19_800),
        (.string("+05"), 18_000), (.int(-3600), -3600), (.string("+08:10"), nil), (.string("08:00"), nil),
        (.string("+15:00"), nil), (.int(100), nil), (.string("+08:60"), nil), (.bool(true), nil),
    ])
    func utcOffset(_ value: JSONValue, _ expected: Int?) {
        #expect(ProfileUTCOffset.seconds(from: [ProfileUTCOffset.traitKey: value]) == expected)
    }
}
