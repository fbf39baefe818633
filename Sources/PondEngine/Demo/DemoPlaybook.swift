import PondCore
import PondStore

/// The demo brand's operating setup: the tag system, auto-tag rules and audiences a cosmetics brand's private-domain
/// team typically starts with, so the demo shows layers and lifecycle stages doing real work.
public struct DemoPlaybook: Sendable {
    public init() {}

    public static let tagGroups: [(name: String, description: String)] = [
        ("会员体系", "Membership"), ("兴趣偏好", "Interests, from purchases"),
    ]

    public static let tags: [(name: String, group: String, description: String)] = [
        ("会员", "会员体系", "Holds a member card"),
        ("护肤品购买者", "兴趣偏好", "Bought skincare at least once"),
        ("高频护肤品购买者", "兴趣偏好", "Bought skincare 3+ times in the last 180 days"),
    ]

    public static let tagRules: [(id: String, tag: String, rule: String)] = [
        ("members", "会员", #"member_id exists"#),
        ("skincare-buyers", "护肤品购买者", #"performed "Order Completed" >= 1 time ever where category = "护肤""#),
        ("skincare-regulars", "高频护肤品购买者", #"performed "Order Completed" >= 3 times in 180d where category = "护肤""#),
    ]

    public static let segments: [(id: String, name: String, rule: String)] = [
        ("skincare-vip", "高价值护肤会员 Skincare VIPs",
         #"performed "Order Completed" >= 2 times in 90d where category = "护肤" and has tag "会员" and not stage = "churned""#),
        ("win-back", "沉睡召回 Win-back", #"rfm layer in ["hibernating", "at_risk"] or stage = "dormant""#),
        ("birthday-week", "生日关怀 Birthday this week", #"birthday birthday in next 7d"#),
        ("wecom-regulars", "企微高频客户 WeCom regulars", #"channel present "wecom" and in segment "skincare-vip""#),
        // Named by the SOPs (`DemoJourneys`): dormant wake-up, and the daily outreach of the skincare class.
        ("dormant", "沉睡客户 Dormant", #"stage = "dormant""#),
        ("learners", "护肤课堂学员 Skincare class", #"performed "Lesson Completed" >= 1 time in 30d"#),
    ]

    /// Defines the tags, rules and segments (idempotently).
    public func install(in store: Store, workspaceID: String, at now: Instant) async throws {
        for group in Self.tagGroups {
            try await store.saveTagGroup(TagGroup(name: group.name, description: group.description, createdAt: now), workspaceID: workspaceID)
        }
        for tag in Self.tags {
            try await store.saveTag(
                TagDefinition(name: tag.name, group: tag.group, description: tag.description, createdAt: now),
                workspaceID: workspaceID)
        }
        for rule in Self.tagRules {
            try await store.saveTagRule(
                TagRule(
                    id: rule.id, name: rule.tag, tag: rule.tag, action: .add, rule: try SegmentRule(text: rule.rule),
                    createdAt: now, updatedAt: now), workspaceID: workspaceID)
        }
        for segment in Self.segments {
            try await store.saveSegment(
                SegmentDefinition(
                    id: segment.id, name: segment.name, kind: .dynamic, rule: try SegmentRule(text: segment.rule),
                    createdAt: now, updatedAt: now), workspaceID: workspaceID)
        }
    }
}
