/// Ready-made journeys (SOP 模板) a brand starts from, with the message templates they send and what else they name,
/// so the console can install one in a step: create the templates, tags and segments it lists, then the journey.
///
/// Every SOP passes `JourneyValidator` against its own `catalog`, and every path through it ends at an exit
/// (a test holds them to both).
public enum JourneyTemplates {
    /// One SOP: the journey, and what it needs to exist in the workspace.
    public struct SOP: Sendable {
        public var id: String
        public var journey: JourneyDefinition
        /// Message templates by the id the journey names them with.
        public var messages: [String: MessageTemplate]
        public var segments: Set<String> = []
        public var tags: Set<String> = []
        public var traits: Set<String> = []

        /// The catalog of a workspace that has exactly what the SOP names.
        public var catalog: JourneyCatalog {
            JourneyCatalog(messageTemplates: messages, segments: segments, tags: tags, traitKeys: traits)
        }
    }

    public static let all: [SOP] = [
        birthdayCoupon, newMemberOnboarding, dormantWakeUp, abandonedCart, dailyLayeredOutreach, postPurchaseCare,
    ]

    static let day: Int64 = 86_400
    static let orderCompleted = "Order Completed"

    /// A text of these SOPs; they are fixed, and a test reads every one.
    static func text(_ source: String) -> TemplateText {
        do {
            return try TemplateText(parsing: source)
        } catch {
            preconditionFailure("a shipped template text does not read: \(error)")
        }
    }

    static func message(
        _ name: String, _ category: MessageCategory, sms: String? = nil, wecom: String? = nil
    ) -> MessageTemplate {
        var bodies: [ChannelID: TemplateBody] = [:]
        if let sms { bodies[.sms] = TemplateBody(text: text(sms)) }
        if let wecom { bodies[.wecom] = TemplateBody(text: text(wecom)) }
        return MessageTemplate(name: name, category: category, bodies: bodies)
    }

    static func performed(_ event: String, withinDays days: Int?) -> SegmentRule {
        .condition(.performed(SegmentCondition.EventFrequency(event: event, withinDays: days)))
    }

    /// 生日礼遇: three days before the birthday at 10:00, a gift tag (which the loyalty module's coupon rules read)
    /// and a greeting; on the day at 09:00 a second greeting for those who have not used it (still tagged).
    public static let birthdayCoupon = SOP(
        id: "birthday_coupon",
        journey: JourneyDefinition(
            name: "生日礼遇", trigger: .dateTrait(DateTraitSchedule(trait: "birthday", offsetDays: -3, at: TimeOfDay(hour: 10))),
            start: "tag",
            nodes: [
                JourneyNode("tag", .action(.addTag("生日礼遇"), next: "notify")),
                JourneyNode("notify", .action(.sendMessage(template: "birthday_gift", channel: .wecom), next: "on_the_day")),
                JourneyNode(
                    "on_the_day",
                    .delay(.untilDateTrait(DateTraitSchedule(trait: "birthday", at: TimeOfDay(hour: 9))), next: "unused")),
                JourneyNode("unused", .condition(.condition(.hasTag("生日礼遇")), then: "greet", else: "done")),
                JourneyNode("greet", .action(.sendMessage(template: "birthday_greeting", channel: .sms), next: "done")),
                JourneyNode("done", .exit),
            ],
            reentry: .afterExit),
        messages: [
            "birthday_gift": message(
                "生日礼券", .marketing, wecom: "{{name|亲爱的会员}}，生日快乐！您的生日礼券已到账，生日当周到店或小程序下单即可使用。"),
            "birthday_greeting": message(
                "生日祝福", .marketing, sms: "【{{workspace.name}}】{{name|亲爱的会员}}，今天是您的生日，生日礼券别忘了用哦。退订回T"),
        ],
        tags: ["生日礼遇"], traits: ["birthday", "name"])

    /// 新会员引导: welcome on day 0, a guide on day 1, popular picks on day 3, and on day 7 a first-order offer
    /// for those who have not bought. Converts on a first order within 14 days.
    public static let newMemberOnboarding = SOP(
        id: "new_member_onboarding",
        journey: JourneyDefinition(
            name: "新会员 0/1/3/7 天引导", trigger: .event(name: "Member Registered", filters: [], dedupeKey: nil),
            start: "welcome",
            nodes: [
                JourneyNode("welcome", .action(.sendMessage(template: "onboarding_welcome", channel: .wecom), next: "day1")),
                JourneyNode("day1", .delay(.duration(seconds: day), next: "guide")),
                JourneyNode("guide", .action(.sendMessage(template: "onboarding_guide", channel: .wecom), next: "day3")),
                JourneyNode("day3", .delay(.duration(seconds: 2 * day), next: "picks")),
                JourneyNode("picks", .action(.sendMessage(template: "onboarding_picks", channel: .wecom), next: "day7")),
                JourneyNode("day7", .delay(.duration(seconds: 4 * day), next: "morning")),
                JourneyNode("morning", .delay(.untilTimeOfDay(TimeOfDay(hour: 10), weekdays: Weekday.all), next: "bought")),
                JourneyNode("bought", .condition(performed(orderCompleted, withinDays: 7), then: "done", else: "offer")),
                JourneyNode("offer", .action(.sendMessage(template: "onboarding_offer", channel: .wecom), next: "done")),
                JourneyNode("done", .exit),
            ],
            goal: JourneyGoal(rule: performed(orderCompleted, withinDays: 14), withinDays: 14)),
        messages: [
            "onboarding_welcome": message("欢迎入会", .service, wecom: "欢迎加入，{{name|新朋友}}！会员码和积分都在小程序「我的」里。"),
            "onboarding_guide": message("会员权益指南", .content, wecom: "{{name|您好}}，三分钟了解会员权益：积分抵现、生日礼、专属客服。"),
            "onboarding_picks": message("新人必买", .content, wecom: "大家都在买的 5 件好物，{{name|您}}挑挑看？"),
            "onboarding_offer": message("首单礼", .marketing, wecom: "{{name|您}}的首单立减券还有 3 天过期，别错过。"),
        ],
        traits: ["name"])

    /// 沉睡唤醒: on entering the dormant segment, a content piece; three days later, if still dormant, an offer;
    /// converts on an order within 30 days.
    public static let dormantWakeUp = SOP(
        id: "dormant_wake_up",
        journey: JourneyDefinition(
            name: "沉睡用户唤醒", trigger: .segment(id: "dormant", .entered), start: "hello",
            nodes: [
                JourneyNode("hello", .action(.sendMessage(template: "dormant_content", channel: .wecom), next: "wait")),
                JourneyNode("wait", .delay(.duration(seconds: 3 * day), next: "still")),
                JourneyNode("still", .condition(.condition(.inSegment("dormant")), then: "ab", else: "done")),
                JourneyNode(
                    "ab",
                    .split([
                        JourneySplitArm("coupon", percent: 50, next: "coupon"),
                        JourneySplitArm("content", percent: 50, next: "story"),
                    ])),
                JourneyNode("coupon", .action(.sendMessage(template: "dormant_offer", channel: .sms), next: "done")),
                JourneyNode("story", .action(.sendMessage(template: "dormant_content", channel: .wecom), next: "done")),
                JourneyNode("done", .exit),
            ],
            goal: JourneyGoal(rule: performed(orderCompleted, withinDays: 30), withinDays: 30), reentry: .afterExit),
        messages: [
            "dormant_content": message("好久不见", .content, wecom: "{{name|好久不见}}，这个月上新了几款您可能喜欢的。"),
            "dormant_offer": message("回归礼", .marketing, sms: "【{{workspace.name}}】{{name|亲爱的会员}}，送您一张回归券，7 天内有效。退订回T"),
        ],
        segments: ["dormant"], traits: ["name"])

    /// 购物车挽回: entered by an abandoned cart (once per cart), waits an hour for the order; without it, a reminder
    /// naming the product, and after a day without an order a second, marketing one.
    public static let abandonedCart = SOP(
        id: "abandoned_cart",
        journey: JourneyDefinition(
            name: "购物车挽回", trigger: .event(name: "Cart Abandoned", filters: [], dedupeKey: "cart_id"), start: "wait",
            nodes: [
                JourneyNode(
                    "wait",
                    .waitForEvent(JourneyEventWait(event: orderCompleted, timeoutSeconds: 3600, onEvent: "done", onTimeout: "remind"))),
                JourneyNode("remind", .action(.sendMessage(template: "cart_reminder", channel: .wecom), next: "wait_more")),
                JourneyNode(
                    "wait_more",
                    .waitForEvent(JourneyEventWait(event: orderCompleted, timeoutSeconds: day, onEvent: "done", onTimeout: "nudge"))),
                JourneyNode("nudge", .action(.sendMessage(template: "cart_offer", channel: .sms, expiresAfterSeconds: day), next: "done")),
                JourneyNode("done", .exit),
            ],
            goal: JourneyGoal(rule: performed(orderCompleted, withinDays: 2), withinDays: 2), reentry: .always,
            maxConcurrentRuns: 100_000),
        messages: [
            "cart_reminder": message("购物车提醒", .service, wecom: "{{name|您好}}，{{event.product_name|您看中的宝贝}}还在购物车里，库存不多了。"),
            "cart_offer": message("购物车优惠", .marketing, sms: "【{{workspace.name}}】{{event.product_name|购物车里的宝贝}}今天下单享 9 折。退订回T"),
        ],
        traits: ["name"])

    /// 每日分层触达 ("studied today / did not"): every evening at 20:00 for the learners' segment, praise for those
    /// who completed a lesson today, a nudge for those who did not.
    public static let dailyLayeredOutreach = SOP(
        id: "daily_layered_outreach",
        journey: JourneyDefinition(
            name: "每日分层触达", trigger: .schedule(weekdays: Weekday.all, at: TimeOfDay(hour: 20), segment: "learners"),
            start: "studied",
            nodes: [
                JourneyNode("studied", .condition(performed("Lesson Completed", withinDays: 1), then: "praise", else: "nudge")),
                JourneyNode("praise", .action(.sendMessage(template: "daily_praise", channel: .wecom), next: "done")),
                JourneyNode("nudge", .action(.sendMessage(template: "daily_nudge", channel: .wecom), next: "done")),
                JourneyNode("done", .exit),
            ],
            reentry: .afterExit),
        messages: [
            "daily_praise": message("今日打卡表扬", .content, wecom: "{{name|同学}}，今天也完成了学习，已连续 {{streak_days|多}} 天，继续保持！"),
            "daily_nudge": message("今日学习提醒", .content, wecom: "{{name|同学}}，今天的课还没学哦，花 10 分钟完成吧。"),
        ],
        segments: ["learners"], traits: ["name", "streak_days"])

    /// 售后关怀: after a water purifier order, a care message after 3 days, and about six months later (180 days, on
    /// the next workday at 10:00) a filter-replacement reminder; a second one two weeks later for those who have
    /// not ordered a filter.
    public static let postPurchaseCare = SOP(
        id: "post_purchase_care",
        journey: JourneyDefinition(
            name: "售后关怀（滤芯更换提醒）",
            trigger: .event(
                name: orderCompleted, filters: [SegmentCondition.PropertyFilter("category", .equals("净水器"))],
                dedupeKey: "order_id"),
            start: "settle",
            nodes: [
                JourneyNode("settle", .delay(.duration(seconds: 3 * day), next: "care")),
                JourneyNode("care", .action(.sendMessage(template: "care_tips", channel: .wecom), next: "half_year")),
                JourneyNode("half_year", .delay(.duration(seconds: 180 * day), next: "workday")),
                JourneyNode("workday", .delay(.untilTimeOfDay(TimeOfDay(hour: 10), weekdays: Weekday.workdays), next: "remind")),
                JourneyNode("remind", .action(.sendMessage(template: "filter_reminder", channel: .sms), next: "wait_order")),
                JourneyNode(
                    "wait_order",
                    .waitForEvent(
                        JourneyEventWait(
                            event: orderCompleted, filters: [SegmentCondition.PropertyFilter("category", .equals("滤芯"))],
                            timeoutSeconds: 14 * day, onEvent: "done", onTimeout: "remind_again"))),
                JourneyNode("remind_again", .action(.sendMessage(template: "filter_reminder", channel: .wecom), next: "done")),
                JourneyNode("done", .exit),
            ],
            reentry: .always),
        messages: [
            "care_tips": message("使用小贴士", .service, wecom: "{{name|您好}}，您的{{event.product_name|净水器}}用得还顺手吗？安装和使用问题随时找我。"),
            "filter_reminder": message(
                "滤芯更换提醒", .service, sms: "【{{workspace.name}}】{{name|您好}}，您的净水器已使用约半年，建议更换滤芯，保障饮水安全。",
                wecom: "{{name|您好}}，您的{{event.product_name|净水器}}已使用约半年，该换滤芯啦，点此预约上门更换。"),
        ],
        traits: ["name"])
}
