/// Deterministic identity stitching (ID-Mapping).
///
/// For each event, in log order:
/// 1. The event is anchored to the profile of its strongest identity. If that identity is new, it joins the
///    profile of the next identity in the event that can take it (a first login joins the anonymous browsing
///    profile); if none can, a new profile is created.
/// 2. Every other identity in the event is attached to the anchor if new, or — if it belongs to another
///    cluster — that cluster is merged with the anchor's, the older profile surviving.
/// 3. A link is refused, and recorded as a conflict, when it would give one cluster two different values of a
///    unique identity type (two member cards, two brand user ids: the shared-tablet case), or when an operator
///    unmerged those clusters before.
/// The event itself belongs to the anchor's *own* profile, not the cluster root, so unmerging later gives each
/// side back exactly its events.
public struct StitchPlanner: Sendable {
    public var uniqueTypes: [String]

    public init(uniqueTypes: [String]) { self.uniqueTypes = uniqueTypes }

    public struct Event: Sendable {
        public var seq: Int64
        public var message: TrackingMessage
        public var identities: [Identity]

        public init(seq: Int64, message: TrackingMessage, identities: [Identity]) {
            self.seq = seq
            self.message = message
            self.identities = identities
        }
    }

    /// Every identity whose owner the planner may ask about for these events, including both readings of an
    /// alias's `previousId` (an earlier user id or an anonymous id).
    public static func identitiesToLoad(for events: [Event]) -> Set<Identity> {
        var all = Set<Identity>()
        for event in events {
            all.formUnion(event.identities)
            all.formUnion(aliasCandidates(event.message))
        }
        return all
    }

    static func aliasCandidates(_ message: TrackingMessage) -> [Identity] {
        guard message.type == .alias, let previous = message.previousID else { return [] }
        return [IdentityType.userID, IdentityType.anonymousID].compactMap {
            try? IdentityRules.make(type: $0, value: previous)
        }
    }

    public func isUnique(_ type: String) -> Bool {
        uniqueTypes.contains { $0 == type || type.hasPrefix($0 + ":") }
    }

    public func plan(_ events: [Event], slice: GraphSlice) -> StitchPlan {
        var graph = WorkingGraph(slice: slice, planner: self)
        for event in events {
            graph.apply(event)
        }
        return graph.plan
    }
}

/// The slice plus everything decided so far in this batch.
private struct WorkingGraph {
    var owners: [Identity: ProfileRef]
    var canonical: [ProfileRef: ProfileRef]
    var uniqueValues: [ProfileRef: [String: String]]
    var blocked: Set<ProfilePair>
    let planner: StitchPlanner
    var plan = StitchPlan()
    var nextProvisional: Int64 = -1

    init(slice: GraphSlice, planner: StitchPlanner) {
        owners = slice.owners
        canonical = slice.canonical
        uniqueValues = slice.uniqueValues
        blocked = slice.blockedPairs
        self.planner = planner
    }

    func root(_ profile: ProfileRef) -> ProfileRef { canonical[profile] ?? profile }

    mutating func apply(_ event: StitchPlanner.Event) {
        let message = event.message
        var identities = event.identities
        var reason = "\(message.type.rawValue) linked"
        if message.type == .alias {
            let candidates = StitchPlanner.aliasCandidates(message)
            let previous = candidates.first { owners[$0] != nil } ?? candidates.last
            if let previous, !identities.contains(previous) { identities.append(previous) }
            reason = "alias \(message.previousID ?? "") → \(message.userID ?? "")"
        }
        guard let primary = identities.first else { return }
        let anchor = anchorProfile(primary: primary, others: identities.dropFirst(), message: message)
        for identity in identities.dropFirst() {
            link(identity, to: anchor, message: message, reason: "\(reason) \(primary) and \(identity)")
        }
        plan.assignments.append(.init(seq: event.seq, profile: anchor, timestamp: message.timestamp))
    }

    mutating func anchorProfile(primary: Identity, others: ArraySlice<Identity>, message: TrackingMessage) -> ProfileRef {
        if let owner = owners[primary] { return owner }
        for other in others {
            if let owner = owners[other], accepts(root(owner), primary) {
                attach(primary, to: owner, message: message)
                return owner
            }
        }
        let fresh = ProfileRef(nextProvisional)
        nextProvisional -= 1
        canonical[fresh] = fresh
        plan.newProfiles.append(.init(ref: fresh, firstSeen: message.timestamp))
        attach(primary, to: fresh, message: message)
        return fresh
    }

    /// Whether the cluster can take `identity` without holding two values of a unique type.
    func accepts(_ cluster: ProfileRef, _ identity: Identity) -> Bool {
        guard planner.isUnique(identity.type) else { return true }
        guard let existing = uniqueValues[cluster]?[identity.type] else { return true }
        return existing == identity.value
    }

    mutating func attach(_ identity: Identity, to profile: ProfileRef, message: TrackingMessage) {
        owners[identity] = profile
        if planner.isUnique(identity.type) {
            uniqueValues[root(profile), default: [:]][identity.type] = identity.value
        }
        plan.attachments.append(
            .init(identity: identity, profile: profile, firstSeen: message.timestamp, messageID: message.messageID))
    }

    mutating func link(_ identity: Identity, to anchor: ProfileRef, message: TrackingMessage, reason: String) {
        let anchorRoot = root(anchor)
        guard let owner = owners[identity] else {
            if accepts(anchorRoot, identity) {
                attach(identity, to: anchor, message: message)
            } else {
                let held = uniqueValues[anchorRoot]?[identity.type] ?? ""
                conflict(.uniqueType, identity, anchorRoot, nil, "profile already has \(identity.type) '\(held)'", message)
            }
            return
        }
        let otherRoot = root(owner)
        guard otherRoot != anchorRoot else { return }
        if blocked.contains(ProfilePair(anchorRoot, otherRoot)) {
            conflict(.blocked, identity, anchorRoot, otherRoot, "these profiles were unmerged; not stitching them again", message)
            return
        }
        let left = uniqueValues[anchorRoot] ?? [:]
        let right = uniqueValues[otherRoot] ?? [:]
        if let clash = left.keys.sorted().first(where: { right[$0] != nil && right[$0] != left[$0] }) {
            conflict(
                .uniqueType, identity, anchorRoot, otherRoot,
                "merging would give one profile two \(clash) values ('\(left[clash]!)' and '\(right[clash]!)')", message)
            return
        }
        let survivor = min(anchorRoot, otherRoot)
        let merged = max(anchorRoot, otherRoot)
        for (profile, profileRoot) in canonical where profileRoot == merged {
            canonical[profile] = survivor
        }
        canonical[merged] = survivor
        uniqueValues[survivor] = left.merging(right) { a, _ in a }
        uniqueValues[merged] = nil
        blocked = Set(blocked.map { pair in
            ProfilePair(pair.low == merged ? survivor : pair.low, pair.high == merged ? survivor : pair.high)
        })
        plan.merges.append(
            .init(survivor: survivor, merged: merged, identity: identity, reason: reason, messageID: message.messageID,
                  at: message.receivedAt))
    }

    mutating func conflict(
        _ kind: StitchPlan.Conflict.Kind, _ identity: Identity, _ profile: ProfileRef, _ other: ProfileRef?,
        _ reason: String, _ message: TrackingMessage
    ) {
        plan.conflicts.append(
            .init(kind: kind, identity: identity, profile: profile, otherProfile: other, reason: reason,
                  messageID: message.messageID, at: message.receivedAt))
    }
}
