import Foundation
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// Date-trait and schedule triggers on a real store, the clock moved by the test: who enters, and exactly when.
@Suite("Journey time triggers")
struct JourneyTimeTriggerTests {
    typealias World = DispatchWorld

    static func journey(_ trigger: JSONValue, tag: String) -> JSONValue {
        [
            "name": .string("Time \(tag)"), "trigger": trigger, "start": "gift", "reentry": "always",
            "nodes": [
                ["id": "gift", "type": "action", "action": ["type": "add_tag", "tag": .string(tag)], "next": "done"],
                ["id": "done", "type": "exit"],
            ],
        ]
    }

    static func start(_ world: World, _ trigger: JSONValue, tag: String) async throws -> String {
        let json = journey(trigger, tag: tag)
        _ = try await world.services.tags.createTag(workspaceID: World.workspace, name: tag, group: nil, description: "")
        let id = try await world.services.journeys.save(workspaceID: World.workspace, id: nil, replacing: nil, json).journey.id
        _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
        await world.settle()
        return id
    }

    /// Moves the clock to `instant` a quarter of an hour at a time (as a running server would see it), settling at each.
    static func run(_ world: World, until instant: Instant) async {
        while world.clock.now() < instant {
            let step = min(900_000, instant.millisecondsSinceEpoch - world.clock.now().millisecondsSinceEpoch)
            world.clock.advance(milliseconds: step)
            await world.settle()
        }
    }

    static func at(_ text: String) -> Instant { ISO8601.parse(text)! }

    static func runs(_ world: World, _ journey: String) async throws -> Int {
        try await world.services.journeys.stats(workspaceID: World.workspace, id: journey).versions.reduce(0) { $0 + $1.entered }
    }

    @Test("a birthday journey enters each customer at 10:00 on their own clock on the day, and no one else",
          arguments: TestBackend.available)
    func birthdays(_ backend: TestBackend) async throws {
        // Monday 2 March 2026, noon in Shanghai.
        try await World.with(backend) { world in
            let tomorrow = try await world.customer("tomorrow", ["birthday": "1990-03-03"])
            let monthDay = try await world.customer("month-day", ["birthday": "03-04"])
            let newYork = try await world.customer("new-york", ["birthday": "1985-03-03", "utc_offset": "-05:00"])
            let stamped = try await world.customer("stamped", ["birthday": "1992-03-02T16:30:00Z"])  // 3 March, 00:30 in Shanghai
            let todayPast = try await world.customer("today", ["birthday": "1990-03-02"])  // 10:00 today is gone
            let corrected = try await world.customer("corrected", ["birthday": "2000-03-03"])
            let unreadable = try await world.customer("unreadable", ["birthday": "03/03/1990"])
            let none = try await world.customer("no-birthday")
            let id = try await Self.start(
                world, ["type": "date_trait", "trait": "birthday", "at": "10:00"], tag: "birthday-gift")

            await Self.run(world, until: Self.at("2026-03-03T09:00:00+08:00"))
            // The sweep of the hour to 10:00 has queued its entries; one birthday is then corrected to the 4th.
            try await world.track([["type": "identify", "userId": "corrected", "traits": ["birthday": "2000-03-04"]]])
            await Self.run(world, until: Self.at("2026-03-03T09:59:59+08:00"))
            #expect(try await world.tags(tomorrow).isEmpty, "a second before ten, nobody")
            await Self.run(world, until: Self.at("2026-03-03T10:00:00+08:00"))
            #expect(try await world.tags(tomorrow) == ["birthday-gift"])
            #expect(try await world.tags(stamped) == ["birthday-gift"], "a timestamp's date is taken in the customer's zone")
            #expect(try await world.tags(corrected).isEmpty, "the entry queued for the old date checks the value again")
            #expect(try await world.tags(newYork).isEmpty, "10:00 in New York is 23:00 in Shanghai")
            await Self.run(world, until: Self.at("2026-03-03T22:59:59+08:00"))
            #expect(try await world.tags(newYork).isEmpty)
            await Self.run(world, until: Self.at("2026-03-03T23:00:00+08:00"))
            #expect(try await world.tags(newYork) == ["birthday-gift"])
            await Self.run(world, until: Self.at("2026-03-04T10:00:00+08:00"))
            #expect(try await world.tags(monthDay) == ["birthday-gift"], "a month and day without a year is every year")
            #expect(try await world.tags(corrected) == ["birthday-gift"], "…and enters on the corrected day")
            await Self.run(world, until: Self.at("2026-03-06T12:00:00+08:00"))
            for nobody in [todayPast, unreadable, none] { #expect(try await world.tags(nobody).isEmpty) }
            #expect(try await Self.runs(world, id) == 5, "each birthday entered once")
        }
    }

    @Test("a paused birthday journey enters nobody, and started again it sweeps from then on",
          arguments: TestBackend.available)
    func pausedBirthdays(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let first = try await world.customer("first", ["birthday": "1990-03-03"])
            let second = try await world.customer("second", ["birthday": "1990-03-05"])
            let id = try await Self.start(world, ["type": "date_trait", "trait": "birthday", "at": "10:00"], tag: "gift")
            await Self.run(world, until: Self.at("2026-03-03T09:58:00+08:00"))
            _ = try await world.services.journeys.pause(workspaceID: World.workspace, id: id)
            await Self.run(world, until: Self.at("2026-03-04T12:00:00+08:00"))
            #expect(try await world.tags(first).isEmpty, "its entry was queued before the pause, and does nothing after it")
            _ = try await world.services.journeys.start(workspaceID: World.workspace, id: id)
            await Self.run(world, until: Self.at("2026-03-05T10:00:00+08:00"))
            #expect(try await world.tags(second) == ["gift"])
            #expect(try await world.tags(first).isEmpty, "what fell in the pause is not caught up")
        }
    }

    @Test("a workday schedule enters the segment's members at 09:00 on workdays, once per firing, and skips a firing long missed",
          arguments: TestBackend.available)
    func workdaySchedule(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            var members: [Int64] = []
            for index in 0..<5 { members.append(try await world.customer("m\(index)")) }
            let outsider = try await world.customer("outsider")
            _ = try await world.services.segments.save(
                workspaceID: World.workspace, .init(id: "vip", name: "vip", description: "", kind: .static, rule: nil, field: "rule"),
                replacing: nil)
            _ = try await world.store.addSegmentMembers(
                workspaceID: World.workspace, segmentID: "vip", members: Set(members), at: world.clock.now(), reason: "test")
            let id = try await Self.start(
                world, ["type": "schedule", "weekdays": [1, 2, 3, 4, 5], "at": "09:00", "segment": "vip"], tag: "daily")
            #expect(try await Self.runs(world, id) == 0, "started Monday noon: the first firing is Tuesday 09:00")
            await Self.run(world, until: Self.at("2026-03-03T08:59:59+08:00"))
            #expect(try await Self.runs(world, id) == 0)
            await Self.run(world, until: Self.at("2026-03-03T09:00:00+08:00"))
            #expect(try await Self.runs(world, id) == 5)
            #expect(try await world.tags(members[0]) == ["daily"])
            #expect(try await world.tags(outsider).isEmpty)
            await Self.run(world, until: Self.at("2026-03-04T09:00:00+08:00"))
            #expect(try await Self.runs(world, id) == 10, "Wednesday: each member again")
            // No server runs from Wednesday noon to Thursday 11:00: Thursday's firing is two hours late and skipped.
            await Self.run(world, until: Self.at("2026-03-04T12:00:00+08:00"))
            world.clock.advance(milliseconds: 23 * 3_600_000)
            await world.settle()
            #expect(try await Self.runs(world, id) == 10)
            await Self.run(world, until: Self.at("2026-03-09T09:00:00+08:00"))
            #expect(try await Self.runs(world, id) == 20, "Friday and Monday; not the weekend")
        }
    }
}
