import Foundation
import Testing

@testable import PondCore

@Suite("Dispatch policy")
struct DispatchPolicyTests {
    static func decode(_ json: String) throws -> DispatchPolicy {
        try JSONDecoder().decode(DispatchPolicy.self, from: Data(json.utf8))
    }

    @Test("defaults: 2 marketing a day and 5 in 7 days per channel, quiet 21:00–09:00 but for service, 30 % over 30 days")
    func defaults() throws {
        let policy = DispatchPolicy()
        #expect(
            policy.caps == [
                FrequencyCap(categories: [.marketing], scope: .eachChannel, limit: 2, days: 1),
                FrequencyCap(categories: [.marketing], scope: .eachChannel, limit: 5, days: 7),
            ])
        #expect(policy.quietHours == QuietHours(start: TimeOfDay(hour: 21), end: TimeOfDay(hour: 9), exempt: [.service]))
        #expect(policy.marketingShare == MarketingShare(percent: 30, windowDays: 30))
        #expect(policy.consent[.marketing] == ConsentRule(purpose: .marketing, requires: .grant))
        #expect(policy.consent[.content] == ConsentRule(purpose: .marketing, requires: .grant))
        #expect(policy.consent[.service] == ConsentRule(purpose: .service, requires: .noRevocation))
        try policy.validate()
    }

    @Test("a partial policy decodes with defaults for everything it leaves out, nested members included")
    func partialDecoding() throws {
        let policy = try Self.decode(#"{"quietHours": {"start": "22:30"}, "marketingShare": {"percent": 20}}"#)
        #expect(policy.caps == DispatchPolicy.defaultCaps)
        #expect(policy.quietHours == QuietHours(start: TimeOfDay(hour: 22, minute: 30)))
        #expect(policy.marketingShare == MarketingShare(percent: 20, windowDays: 30))
        #expect(policy.consent == ConsentRules())
        #expect(try Self.decode("{}") == DispatchPolicy())
    }

    @Test("null turns quiet hours and the share off, an empty list the caps, and they stay off through a round trip")
    func nullTurnsRulesOff() throws {
        let policy = try Self.decode(#"{"caps": [], "quietHours": null, "marketingShare": null}"#)
        #expect(policy == DispatchPolicy(caps: [], quietHours: nil, marketingShare: nil))
        #expect(try JSONDecoder().decode(DispatchPolicy.self, from: JSONEncoder().encode(policy)) == policy)
    }

    @Test("a policy survives a JSON round trip, every cap scope included")
    func roundTrip() throws {
        let policy = DispatchPolicy(
            caps: [
                FrequencyCap(categories: [.marketing, .content], scope: .allChannels, limit: 3, days: 1),
                FrequencyCap(scope: .channel(.sms), limit: 4, days: 30), .dailyMarketing,
            ],
            quietHours: QuietHours(start: TimeOfDay(hour: 12), end: TimeOfDay(hour: 13, minute: 30), exempt: []),
            marketingShare: MarketingShare(percent: 45, windowDays: 14),
            consent: ConsentRules(
                service: ConsentRule(purpose: .service, requires: .notRequired),
                content: ConsentRule(purpose: .service, requires: .noRevocation)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(policy)
        #expect(try JSONDecoder().decode(DispatchPolicy.self, from: data) == policy)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#"{"categories":["marketing"],"channel":"sms","days":30,"limit":4,"scope":"channel"}"#))
        #expect(text.contains(#""quietHours":{"end":"13:30","exempt":[],"start":"12:00"}"#))
    }

    @Test("the JSON forms of caps and consent rules read as documented")
    func jsonForms() throws {
        let policy = try Self.decode(
            #"""
            {"caps": [{"limit": 1, "days": 1, "scope": "channel", "channel": "wecom"},
                      {"categories": ["content", "marketing"], "scope": "all_channels", "limit": 4, "days": 7}],
             "consent": {"service": {"purpose": "service", "requires": "not_required"}}}
            """#)
        #expect(
            policy.caps == [
                FrequencyCap(categories: [.marketing], scope: .channel(.wecom), limit: 1, days: 1),
                FrequencyCap(categories: [.content, .marketing], scope: .allChannels, limit: 4, days: 7),
            ])
        #expect(policy.consent.service == ConsentRule(purpose: .service, requires: .notRequired))
        #expect(policy.consent.content == ConsentRules.defaultContent)
    }

    @Test("malformed times, scopes and categories fail to decode")
    func malformedJSON() {
        let bad = [
            #"{"quietHours": {"start": "9:00"}}"#, #"{"quietHours": {"start": "24:00"}}"#,
            #"{"quietHours": {"end": "21:60"}}"#, #"{"caps": [{"limit": 1, "days": 1, "scope": "each"}]}"#,
            #"{"caps": [{"limit": 1, "days": 1, "scope": "channel"}]}"#, #"{"caps": [{"days": 1}]}"#,
            #"{"caps": [{"limit": 1, "days": 1, "categories": ["promo"]}]}"#,
        ]
        for json in bad {
            #expect(throws: DecodingError.self, "\(json)") { try Self.decode(json) }
        }
    }

    @Test("times of day read and write as HH:mm")
    func timeOfDay() {
        #expect(TimeOfDay("00:00") == TimeOfDay(minutesSinceMidnight: 0))
        #expect(TimeOfDay("23:59") == TimeOfDay(hour: 23, minute: 59))
        #expect(TimeOfDay(hour: 9, minute: 5).description == "09:05")
        for text in ["24:00", "12:60", "1200", "12:0", " 12:00", "١٢:٠٠", "12:00:00"] {
            #expect(TimeOfDay(text) == nil, "\(text)")
        }
    }

    struct Refusal: CustomStringConvertible {
        var name: String
        var policy: DispatchPolicy
        var code: DispatchPolicyError.Code
        var path: String
        var description: String { name }
    }

    static func with(_ change: (inout DispatchPolicy) -> Void) -> DispatchPolicy {
        var policy = DispatchPolicy()
        change(&policy)
        return policy
    }

    static let refusals: [Refusal] = [
        Refusal(
            name: "more than 16 caps",
            policy: with { policy in policy.caps = (1...17).map { FrequencyCap(limit: $0, days: 1 + $0 % 2 * 89) } },
            code: .tooManyCaps, path: "caps"),
        Refusal(name: "a cap of 0", policy: with { $0.caps[1].limit = 0 }, code: .invalidCapLimit, path: "caps[1].limit"),
        Refusal(name: "a window of 0 days", policy: with { $0.caps[0].days = 0 }, code: .invalidCapWindow, path: "caps[0].days"),
        Refusal(
            name: "a window past 90 days", policy: with { $0.caps[1].days = 91 }, code: .invalidCapWindow,
            path: "caps[1].days"),
        Refusal(
            name: "a cap of no category", policy: with { $0.caps[0].categories = [] }, code: .invalidCapScope,
            path: "caps[0].categories"),
        Refusal(
            name: "a category named twice", policy: with { $0.caps[0].categories = [.marketing, .marketing] },
            code: .invalidCapScope, path: "caps[0].categories"),
        Refusal(
            name: "a channel id with capitals", policy: with { $0.caps[0].scope = .channel("SMS") }, code: .invalidCapScope,
            path: "caps[0].channel"),
        Refusal(
            name: "a daily cap looser than the weekly one",
            policy: with { $0.caps[0].limit = 6 }, code: .redundantCap, path: "caps[0]"),
        Refusal(
            name: "the same cap twice", policy: with { $0.caps.append(.weeklyMarketing) }, code: .redundantCap,
            path: "caps[2]"),
        Refusal(
            name: "quiet hours of no length",
            policy: with { $0.quietHours = QuietHours(start: TimeOfDay(hour: 9), end: TimeOfDay(hour: 9)) },
            code: .invalidQuietHours, path: "quietHours.end"),
        Refusal(
            name: "a time past midnight", policy: with { $0.quietHours?.start = TimeOfDay(minutesSinceMidnight: 1440) },
            code: .invalidQuietHours, path: "quietHours.start"),
        Refusal(
            name: "marketing exempt from quiet hours", policy: with { $0.quietHours?.exempt = [.service, .marketing] },
            code: .invalidQuietHours, path: "quietHours.exempt"),
        Refusal(
            name: "a category exempt twice", policy: with { $0.quietHours?.exempt = [.service, .service] },
            code: .invalidQuietHours, path: "quietHours.exempt"),
        Refusal(
            name: "a share of 0 %", policy: with { $0.marketingShare?.percent = 0 }, code: .invalidMarketingShare,
            path: "marketingShare.percent"),
        Refusal(
            name: "a share over 100 %", policy: with { $0.marketingShare?.percent = 101 }, code: .invalidMarketingShare,
            path: "marketingShare.percent"),
        Refusal(
            name: "a share window of 0 days", policy: with { $0.marketingShare?.windowDays = 0 },
            code: .invalidMarketingShare, path: "marketingShare.windowDays"),
        Refusal(
            name: "service gated on analytics consent",
            policy: with { $0.consent.service = ConsentRule(purpose: .analytics, requires: .grant) },
            code: .invalidConsentRule, path: "consent.service.purpose"),
        Refusal(
            name: "content that ignores revocations",
            policy: with { $0.consent.content = ConsentRule(purpose: .marketing, requires: .notRequired) },
            code: .invalidConsentRule, path: "consent.content.requires"),
    ]

    @Test("nonsense is refused with a stable code and the path of the member at fault", arguments: refusals)
    func refused(_ refusal: Refusal) {
        let error = #expect(throws: DispatchPolicyError.self) { try refusal.policy.validate() }
        #expect(error?.code == refusal.code)
        #expect(error?.path == refusal.path)
        #expect(throws: DispatchPolicyError.self) { try DispatchRules(policy: refusal.policy) }
    }

    @Test("caps of other scopes, a stricter daily cap, and a longer window with a higher limit are all meaningful")
    func capsThatAreNotRedundant() throws {
        let policy = DispatchPolicy(caps: [
            FrequencyCap(limit: 2, days: 1), FrequencyCap(limit: 5, days: 7),
            FrequencyCap(scope: .allChannels, limit: 3, days: 1), FrequencyCap(scope: .channel(.sms), limit: 1, days: 1),
            FrequencyCap(categories: [.marketing, .content], limit: 2, days: 1),
        ])
        try policy.validate()
    }

    @Test("every refusal code is distinct and prefixed dispatch_")
    func codes() {
        let codes = DispatchPolicyError.Code.allCases.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { $0.hasPrefix("dispatch_") })
    }

    @Test("reasons keep the raw values the decision log stores")
    func reasonRawValues() {
        #expect(
            DispatchReason.allCases.map(\.rawValue) == [
                "no_consent", "unsubscribed", "cap", "quiet_hours", "marketing_share", "no_address", "expired",
            ])
    }
}
