import PondCore
import PondStore

/// The demo brand's SOPs at work: every shipped SOP (`JourneyTemplates`) installed and started through the same
/// services the API uses, the consent the brand collected at sign-up imported, and a little live traffic — new
/// members registering, carts abandoned, lessons of the skincare class completed — so that journeys enter customers
/// and the dispatcher decides their messages as soon as the demo starts, into the sandbox, each decision explained.
public struct DemoJourneys: Sendable {
    let services: ApplicationServices
    let store: Store

    public init(services: ApplicationServices, store: Store) {
        self.services = services
        self.store = store
    }

    /// The privacy notice version the demo brand's sign-up form showed.
    static let notice = "privacy-2026-01"

    /// Installs and starts each SOP the workspace does not have yet (the segments they name are the playbook's), and
    /// imports marketing consent on WeCom and SMS
    /// for about seven customers in ten (the others never ticked the box: their marketing is suppressed, and the
    /// decision log says so). Idempotent: a second run changes nothing.
    public func install(workspaceID: String) async throws {
        let tags = Set(try await services.tags.tags(workspaceID: workspaceID).map(\.name))
        let templates = Set(try await services.templates.templates(workspaceID: workspaceID).map(\.id))
        let journeys = Set(try await services.journeys.list(workspaceID: workspaceID).map(\.id))
        for sop in JourneyTemplates.all where !journeys.contains(sop.id) {
            for tag in sop.tags.sorted() where !tags.contains(tag) {
                _ = try await services.tags.createTag(workspaceID: workspaceID, name: tag, group: nil, description: "SOP \(sop.id)")
            }
            for (id, message) in sop.messages.sorted(by: { $0.key < $1.key }) where !templates.contains(id) {
                _ = try await services.templates.save(workspaceID: workspaceID, id: id, definition: message.json, replacing: nil)
            }
            _ = try await services.journeys.save(workspaceID: workspaceID, id: sop.id, replacing: nil, sop.journey.json)
            _ = try await services.journeys.start(workspaceID: workspaceID, id: sop.id)
        }
        try await importConsent(workspaceID: workspaceID)
    }

    /// Marketing grants from the sign-up form, keyed per profile and channel so a second import records nothing.
    private func importConsent(workspaceID: String) async throws {
        var cursor: Int64?
        var random = SplitMix64(seed: 7)
        while true {
            let page = try await store.profiles(workspaceID: workspaceID, search: nil, after: cursor, limit: 2_000)
            guard let last = page.last else { return }
            cursor = last.id
            var rows: [ConsentService.ImportRow] = []
            for profile in page where random.next() % 10 < 7 {
                for channel in ["wecom", "sms"] {
                    rows.append(.init(
                        profileID: profile.id, identity: nil,
                        answer: .init(
                            purpose: "marketing", channel: channel, action: "grant", at: profile.firstSeen ?? profile.createdAt, noticeVersion: Self.notice,
                            source: "signup-form", evidence: "会员注册页勾选「接收优惠信息」"),
                        key: "demo-signup-\(profile.id)-\(channel)"))
                }
            }
            if !rows.isEmpty { _ = try await services.consent.importAnswers(workspaceID: workspaceID, rows) }
        }
    }

    /// What customers do in the first minute of the demo, as they would through the SDKs: `count` of them register
    /// as members (the onboarding SOP greets them), abandon a cart (the cart SOP waits an hour for the order) or
    /// complete a lesson (tonight's daily outreach praises them).
    public static func liveEvents(customers: Int, count: Int = 40, now: Instant) -> [DemoBrand.Event] {
        var random = SplitMix64(seed: UInt64(now.millisecondsSinceEpoch))
        var events: [DemoBrand.Event] = []
        for serial in 0..<min(count, customers) {
            let user = "u\(100_000 + Int(random.next() % UInt64(customers)))"
            let (event, properties): (String, [String: JSONValue])
            switch serial % 3 {
            case 0: (event, properties) = ("Member Registered", ["source": "mini-program"])
            case 1:
                let product = DemoBrand.products[Int(random.next() % UInt64(DemoBrand.products.count))]
                (event, properties) = (
                    "Cart Abandoned",
                    ["cart_id": .string("cart-\(now.millisecondsSinceEpoch)-\(serial)"), "product_name": .string(product.name),
                     "price": .int(Int64(product.price))])
            default: (event, properties) = ("Lesson Completed", ["lesson": "精华的正确用法"])
            }
            let time = now.adding(milliseconds: Int64(serial) * 50)
            let id = "demo-live-\(now.millisecondsSinceEpoch)-\(serial)"
            let payload: [String: JSONValue] = [
                "type": "track", "messageId": .string(id), "userId": .string(user), "event": .string(event),
                "properties": .object(properties), "timestamp": .string(ISO8601.format(time)),
                "receivedAt": .string(ISO8601.format(time)),
                "context": ["channel": "mini_program"],
            ]
            events.append(DemoBrand.Event(
                source: "mini-program", channel: "mini_program",
                message: TrackingMessage(
                    type: .track, messageID: id, userID: user, anonymousID: nil, event: event, timestamp: time, receivedAt: time,
                    payload: payload)))
        }
        return events
    }
}
