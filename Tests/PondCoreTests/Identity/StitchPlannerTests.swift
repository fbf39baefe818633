import Testing

@testable import PondCore

/// Each test builds the slice of the identity graph the store would load, plans a batch over it and checks the plan.
/// Profiles `P(n)` with n > 0 exist in the store; provisional profiles are `P(-1)`, `P(-2)`, … in creation order.
@Suite("Stitch planner")
struct StitchPlannerTests {
    let planner = StitchPlanner(uniqueTypes: WorkspaceSettings.defaultUniqueIdentityTypes)

    private func P(_ raw: Int64) -> ProfileRef { ProfileRef(raw) }

    /// The client time of event `seq`, distinct from `Fixture.receivedAt` so the plan shows which one it used.
    private func at(_ seq: Int64) -> Instant { Instant(millisecondsSinceEpoch: 1_795_000_000_000 + seq * 1_000) }

    private func event(
        _ seq: Int64, _ type: MessageType, _ identities: [Identity], userID: String? = nil, previousID: String? = nil
    ) -> StitchPlanner.Event {
        let message = Fixture.message(type, id: "m\(seq)", userID: userID, previousID: previousID, timestamp: at(seq))
        return StitchPlanner.Event(seq: seq, message: message, identities: identities)
    }

    private func attachment(_ identity: Identity, to profile: ProfileRef, seq: Int64) -> StitchPlan.Attachment {
        .init(identity: identity, profile: profile, firstSeen: at(seq), messageID: "m\(seq)")
    }

    private func assignment(_ seq: Int64, to profile: ProfileRef) -> StitchPlan.Assignment {
        .init(seq: seq, profile: profile, timestamp: at(seq))
    }

    // MARK: New identities

    @Test("an event whose identities are all new creates one profile holding all of them")
    func allNewIdentitiesCreateOneProfile() {
        let identities: [Identity] = [.user("u1"), .phone("+8613800138000"), .anonymous("a1")]
        let plan = planner.plan([event(1, .identify, identities)], slice: GraphSlice())
        #expect(plan.newProfiles == [.init(ref: P(-1), firstSeen: at(1))])
        #expect(plan.attachments == identities.map { attachment($0, to: P(-1), seq: 1) })
        #expect(plan.merges.isEmpty)
        #expect(plan.conflicts.isEmpty)
        #expect(plan.assignments == [assignment(1, to: P(-1))])
    }

    @Test("an event with no identities is left unassigned")
    func eventWithoutIdentitiesIsSkipped() {
        let plan = planner.plan([event(1, .track, [])], slice: GraphSlice())
        #expect(plan == StitchPlan())
    }

    // MARK: Known identities

    @Test("a first login joins the anonymous browsing profile without a merge")
    func firstLoginJoinsAnonymousProfile() {
        let slice = GraphSlice(owners: [.anonymous("a1"): P(1)], canonical: [P(1): P(1)])
        let plan = planner.plan([event(1, .identify, [.user("u1"), .anonymous("a1")])], slice: slice)
        #expect(plan.newProfiles.isEmpty)
        #expect(plan.attachments == [attachment(.user("u1"), to: P(1), seq: 1)])
        #expect(plan.merges.isEmpty)
        #expect(plan.conflicts.isEmpty)
        #expect(plan.assignments == [assignment(1, to: P(1))])
    }

    @Test("identities already in the anchor's cluster change nothing")
    func identitiesInSameClusterAreNoOp() {
        let slice = GraphSlice(
            owners: [.user("u1"): P(1), .anonymous("a1"): P(4)], canonical: [P(1): P(1), P(4): P(1)],
            uniqueValues: [P(1): ["user_id": "u1"]])
        let plan = planner.plan([event(1, .identify, [.user("u1"), .anonymous("a1")])], slice: slice)
        #expect(plan.attachments.isEmpty)
        #expect(plan.merges.isEmpty)
        #expect(plan.conflicts.isEmpty)
        #expect(plan.assignments == [assignment(1, to: P(1))])
    }

    @Test("an event belongs to its anchor's own profile, not the cluster root")
    func eventBelongsToOwnProfile() {
        let slice = GraphSlice(owners: [.user("u1"): P(7)], canonical: [P(2): P(2), P(7): P(2)])
        let plan = planner.plan([event(1, .track, [.user("u1")])], slice: slice)
        #expect(plan.assignments == [assignment(1, to: P(7))])
    }

    @Test("a new strongest identity joins the first profile that can take it")
    func newPrimaryJoinsFirstAcceptingProfile() {
        let phone = Identity.phone("+8613800138000")
        let slice = GraphSlice(
            owners: [phone: P(1), .anonymous("a1"): P(2)], canonical: [P(1): P(1), P(2): P(2)],
            uniqueValues: [P(1): ["user_id": "u0"]])
        let plan = planner.plan([event(1, .identify, [.user("u1"), phone, .anonymous("a1")])], slice: slice)
        #expect(plan.newProfiles.isEmpty)
        #expect(plan.attachments == [attachment(.user("u1"), to: P(2), seq: 1)])
        #expect(plan.conflicts.map(\.identity) == [phone])
        #expect(plan.assignments == [assignment(1, to: P(2))])
    }

    // MARK: Merges

    @Test("linking two known profiles merges them; the older survives and the event stays with the anchor")
    func linkingTwoProfilesMerges() throws {
        let slice = GraphSlice(
            owners: [.user("u1"): P(5), .anonymous("a1"): P(3)], canonical: [P(3): P(3), P(5): P(5)],
            uniqueValues: [P(5): ["user_id": "u1"]])
        let plan = planner.plan([event(1, .identify, [.user("u1"), .anonymous("a1")])], slice: slice)
        let merge = try #require(plan.merges.first)
        #expect(plan.merges.count == 1)
        #expect(merge.survivor == P(3))
        #expect(merge.merged == P(5))
        #expect(merge.identity == .anonymous("a1"))
        #expect(merge.reason.contains("user_id:u1"))
        #expect(merge.reason.contains("anonymous_id:a1"))
        #expect(merge.messageID == "m1")
        #expect(merge.at == Fixture.receivedAt)
        #expect(plan.attachments.isEmpty)
        #expect(plan.conflicts.isEmpty)
        #expect(plan.assignments == [assignment(1, to: P(5))])
    }

    @Test("the older profile survives whichever side the anchor is on", arguments: [
        (anchor: Int64(5), other: Int64(3), survivor: Int64(3), merged: Int64(5)),
        (anchor: 2, other: 9, survivor: 2, merged: 9),
    ])
    func olderProfileSurvives(anchor: Int64, other: Int64, survivor: Int64, merged: Int64) throws {
        let slice = GraphSlice(
            owners: [.user("u1"): P(anchor), .anonymous("a1"): P(other)],
            canonical: [P(anchor): P(anchor), P(other): P(other)], uniqueValues: [P(anchor): ["user_id": "u1"]])
        let plan = planner.plan([event(1, .identify, [.user("u1"), .anonymous("a1")])], slice: slice)
        let merge = try #require(plan.merges.first)
        #expect((merge.survivor, merge.merged) == (P(survivor), P(merged)))
    }

    // MARK: Conflicts

    @Test("a second user id on a shared device gets a new profile and a recorded conflict, not a merge")
    func sharedDeviceKeepsUsersApart() throws {
        let slice = GraphSlice(
            owners: [.user("u1"): P(1), .anonymous("a1"): P(1)], canonical: [P(1): P(1)],
            uniqueValues: [P(1): ["user_id": "u1"]])
        let plan = planner.plan([event(1, .identify, [.user("u2"), .anonymous("a1")])], slice: slice)
        #expect(plan.newProfiles == [.init(ref: P(-1), firstSeen: at(1))])
        #expect(plan.attachments == [attachment(.user("u2"), to: P(-1), seq: 1)])
        #expect(plan.merges.isEmpty)
        let conflict = try #require(plan.conflicts.first)
        #expect(plan.conflicts.count == 1)
        #expect(conflict.kind == .uniqueType)
        #expect(conflict.identity == .anonymous("a1"))
        #expect(conflict.profile == P(-1))
        #expect(conflict.otherProfile == P(1))
        #expect(conflict.reason.contains("user_id") && conflict.reason.contains("'u1'") && conflict.reason.contains("'u2'"))
        #expect(conflict.messageID == "m1")
        #expect(conflict.at == Fixture.receivedAt)
        #expect(plan.assignments == [assignment(1, to: P(-1))])
    }

    @Test("clusters holding different member ids are not merged")
    func differentMemberIDsRefuseMerge() throws {
        let phone = Identity.phone("+8613800138000")
        let slice = GraphSlice(
            owners: [phone: P(2), .anonymous("a1"): P(1)], canonical: [P(1): P(1), P(2): P(2)],
            uniqueValues: [P(1): ["member_id": "M-1"], P(2): ["member_id": "M-2"]])
        let plan = planner.plan([event(1, .track, [phone, .anonymous("a1")])], slice: slice)
        #expect(plan.merges.isEmpty)
        let conflict = try #require(plan.conflicts.first)
        #expect(conflict.kind == .uniqueType)
        #expect((conflict.profile, conflict.otherProfile) == (P(2), P(1)))
        #expect(conflict.reason.contains("member_id") && conflict.reason.contains("'M-1'") && conflict.reason.contains("'M-2'"))
        #expect(plan.assignments == [assignment(1, to: P(2))])
    }

    @Test("a second value of a unique type is not attached to a profile that already holds one")
    func secondUniqueValueRefused() throws {
        let slice = GraphSlice(
            owners: [.user("u1"): P(1)], canonical: [P(1): P(1)], uniqueValues: [P(1): ["user_id": "u1", "member_id": "M-1"]])
        let plan = planner.plan([event(1, .identify, [.user("u1"), .member("M-2")])], slice: slice)
        #expect(plan.attachments.isEmpty)
        let conflict = try #require(plan.conflicts.first)
        #expect(conflict.kind == .uniqueType)
        #expect(conflict.identity == .member("M-2"))
        #expect(conflict.profile == P(1))
        #expect(conflict.otherProfile == nil)
        #expect(conflict.reason == "profile already has member_id 'M-1'")
    }

    @Test("types that are not unique may have several values in one profile")
    func nonUniqueTypesAccumulate() {
        let slice = GraphSlice(
            owners: [.user("u1"): P(1), .phone("+8613800138000"): P(1)], canonical: [P(1): P(1)],
            uniqueValues: [P(1): ["user_id": "u1"]])
        let plan = planner.plan([event(1, .identify, [.user("u1"), .phone("+8613900139000")])], slice: slice)
        #expect(plan.attachments == [attachment(.phone("+8613900139000"), to: P(1), seq: 1)])
        #expect(plan.conflicts.isEmpty)
    }

    @Test("profiles an operator unmerged are not stitched again")
    func blockedPairIsNotMerged() throws {
        let slice = GraphSlice(
            owners: [.user("u1"): P(1), .anonymous("a1"): P(2)], canonical: [P(1): P(1), P(2): P(2)],
            uniqueValues: [P(1): ["user_id": "u1"]], blockedPairs: [ProfilePair(P(2), P(1))])
        let plan = planner.plan([event(1, .identify, [.user("u1"), .anonymous("a1")])], slice: slice)
        #expect(plan.merges.isEmpty)
        let conflict = try #require(plan.conflicts.first)
        #expect(conflict.kind == .blocked)
        #expect(conflict.kind.rawValue == "merge_blocked")
        #expect(conflict.identity == .anonymous("a1"))
        #expect((conflict.profile, conflict.otherProfile) == (P(1), P(2)))
        #expect(plan.assignments == [assignment(1, to: P(1))])
    }

    @Test("a merge block follows its profile into the cluster it was merged into")
    func blockFollowsMerge() throws {
        let slice = GraphSlice(
            owners: [.user("u1"): P(1), .anonymous("a2"): P(2), .anonymous("a3"): P(3)],
            canonical: [P(1): P(1), P(2): P(2), P(3): P(3)], uniqueValues: [P(1): ["user_id": "u1"]],
            blockedPairs: [ProfilePair(P(2), P(3))])
        let plan = planner.plan(
            [event(1, .identify, [.user("u1"), .anonymous("a2")]), event(2, .identify, [.user("u1"), .anonymous("a3")])],
            slice: slice)
        #expect(plan.merges.map(\.merged) == [P(2)])
        let conflict = try #require(plan.conflicts.first)
        #expect(conflict.kind == .blocked)
        #expect((conflict.profile, conflict.otherProfile) == (P(1), P(3)))
    }

    // MARK: Alias

    @Test("an alias whose previousId is a known anonymous id merges that profile with the user's")
    func aliasMergesAnonymousProfile() throws {
        let slice = GraphSlice(
            owners: [.user("u1"): P(1), .anonymous("a1"): P(4)], canonical: [P(1): P(1), P(4): P(4)],
            uniqueValues: [P(1): ["user_id": "u1"]])
        let plan = planner.plan([event(1, .alias, [.user("u1")], userID: "u1", previousID: "a1")], slice: slice)
        let merge = try #require(plan.merges.first)
        #expect((merge.survivor, merge.merged) == (P(1), P(4)))
        #expect(merge.identity == .anonymous("a1"))
        #expect(merge.reason.contains("alias a1 → u1"))
        #expect(plan.assignments == [assignment(1, to: P(1))])
    }

    @Test("an alias whose previousId is unknown attaches it as an anonymous id")
    func aliasAttachesUnknownPreviousID() {
        let slice = GraphSlice(owners: [.user("u1"): P(1)], canonical: [P(1): P(1)], uniqueValues: [P(1): ["user_id": "u1"]])
        let plan = planner.plan([event(1, .alias, [.user("u1")], userID: "u1", previousID: "a9")], slice: slice)
        #expect(plan.attachments == [attachment(.anonymous("a9"), to: P(1), seq: 1)])
        #expect(plan.merges.isEmpty)
    }

    @Test("an alias whose previousId is a known user id links that profile, where user ids are not unique")
    func aliasLinksEarlierUserID() throws {
        let planner = StitchPlanner(uniqueTypes: [IdentityType.memberID])
        let slice = GraphSlice(owners: [.user("old"): P(2), .user("new"): P(6)], canonical: [P(2): P(2), P(6): P(6)])
        let plan = planner.plan([event(1, .alias, [.user("new")], userID: "new", previousID: "old")], slice: slice)
        let merge = try #require(plan.merges.first)
        #expect(merge.identity == .user("old"))
        #expect((merge.survivor, merge.merged) == (P(2), P(6)))
    }

    @Test("the slice to load covers both readings of an alias's previousId")
    func identitiesToLoadForAlias() {
        let events = [
            event(1, .alias, [.user("u1")], userID: "u1", previousID: "p1"),
            event(2, .track, [.anonymous("a1")], previousID: "ignored"),
        ]
        #expect(
            StitchPlanner.identitiesToLoad(for: events) == [.user("u1"), .user("p1"), .anonymous("p1"), .anonymous("a1")])
    }

    @Test("a placeholder previousId adds nothing to load")
    func identitiesToLoadSkipsJunkPreviousID() {
        let events = [event(1, .alias, [.user("u1")], userID: "u1", previousID: " null ")]
        #expect(StitchPlanner.identitiesToLoad(for: events) == [.user("u1")])
    }

    // MARK: Batches

    @Test("events in one batch see each other's effects: create, then link, then merge")
    func batchEventsBuildOnEachOther() throws {
        let slice = GraphSlice(owners: [.anonymous("a2"): P(7)], canonical: [P(7): P(7)])
        let plan = planner.plan(
            [
                event(1, .page, [.anonymous("a1")]),
                event(2, .identify, [.user("u1"), .anonymous("a1")]),
                event(3, .identify, [.user("u1"), .anonymous("a2")]),
            ], slice: slice)
        #expect(plan.newProfiles == [.init(ref: P(-1), firstSeen: at(1))])
        #expect(plan.attachments == [attachment(.anonymous("a1"), to: P(-1), seq: 1), attachment(.user("u1"), to: P(-1), seq: 2)])
        let merge = try #require(plan.merges.first)
        #expect(plan.merges.count == 1)
        #expect((merge.survivor, merge.merged) == (P(7), P(-1)))
        #expect(merge.identity == .anonymous("a2"))
        #expect(merge.messageID == "m3")
        #expect(plan.conflicts.isEmpty)
        #expect(plan.assignments == [assignment(1, to: P(-1)), assignment(2, to: P(-1)), assignment(3, to: P(-1))])
    }

    @Test("a unique value attached earlier in the batch is respected by later events")
    func batchRespectsEarlierUniqueValues() throws {
        let plan = planner.plan(
            [event(1, .identify, [.user("u1"), .anonymous("a1")]), event(2, .identify, [.user("u2"), .anonymous("a1")])],
            slice: GraphSlice())
        #expect(plan.newProfiles.map(\.ref) == [P(-1), P(-2)])
        #expect(plan.merges.isEmpty)
        let conflict = try #require(plan.conflicts.first)
        #expect((conflict.profile, conflict.otherProfile) == (P(-2), P(-1)))
        #expect(plan.assignments.map(\.profile) == [P(-1), P(-2)])
    }

    @Test("two profiles created in one batch merge into the one created first")
    func provisionalProfilesMergeIntoFirstCreated() throws {
        let plan = planner.plan(
            [
                event(1, .page, [.anonymous("a1")]),
                event(2, .page, [.anonymous("a2")]),
                event(3, .identify, [.user("u1"), .anonymous("a2")]),
                event(4, .identify, [.user("u1"), .anonymous("a1")]),
            ], slice: GraphSlice())
        #expect(plan.newProfiles.map(\.ref) == [P(-1), P(-2)])
        #expect(plan.attachments.last == attachment(.user("u1"), to: P(-2), seq: 3))
        let merge = try #require(plan.merges.first)
        #expect((merge.survivor, merge.merged) == (P(-1), P(-2)))
        #expect(plan.assignments.last == assignment(4, to: P(-2)))
    }

    @Test("a merge re-roots every loaded member of the merged cluster for later events")
    func mergeUpdatesCanonicalOfLoadedMembers() throws {
        // P3 was merged into P2 earlier. Event 1 merges P2's cluster into P1, which holds user u1; event 2 then
        // arrives on P3's device with another user id, and must see that P3's cluster now holds u1.
        let slice = GraphSlice(
            owners: [.user("u1"): P(1), .anonymous("a2"): P(2), .anonymous("a3"): P(3)],
            canonical: [P(1): P(1), P(2): P(2), P(3): P(2)], uniqueValues: [P(1): ["user_id": "u1"]])
        let plan = planner.plan(
            [event(1, .identify, [.user("u1"), .anonymous("a2")]), event(2, .identify, [.user("u9"), .anonymous("a3")])],
            slice: slice)
        #expect(plan.merges.map(\.survivor) == [P(1)])
        #expect(plan.merges.map(\.merged) == [P(2)])
        #expect(plan.newProfiles.map(\.ref) == [P(-1)])
        #expect(plan.attachments == [attachment(.user("u9"), to: P(-1), seq: 2)])
        let conflict = try #require(plan.conflicts.first)
        #expect(conflict.identity == .anonymous("a3"))
        #expect((conflict.profile, conflict.otherProfile) == (P(-1), P(1)))
    }

    @Test("a merged cluster keeps the unique values of both sides")
    func mergeCombinesUniqueValues() throws {
        let slice = GraphSlice(
            owners: [.user("u1"): P(1), .anonymous("a2"): P(2)], canonical: [P(1): P(1), P(2): P(2)],
            uniqueValues: [P(1): ["user_id": "u1"], P(2): ["member_id": "M-2"]])
        let plan = planner.plan(
            [event(1, .identify, [.user("u1"), .anonymous("a2")]), event(2, .identify, [.user("u1"), .member("M-3")])],
            slice: slice)
        #expect(plan.merges.count == 1)
        let conflict = try #require(plan.conflicts.first)
        #expect(conflict.identity == .member("M-3"))
        #expect(conflict.reason == "profile already has member_id 'M-2'")
    }

    // MARK: Unique types

    @Test("a unique type covers its namespaced variants", arguments: [
        ("wechat_openid", true), ("wechat_openid:wx1", true), ("wechat_openid_x", false), ("user_id", false),
    ])
    func uniqueTypeMatching(type: String, unique: Bool) {
        #expect(StitchPlanner(uniqueTypes: ["wechat_openid"]).isUnique(type) == unique)
    }
}
