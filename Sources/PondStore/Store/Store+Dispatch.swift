import Foundation
import PondCore

/// What the dispatcher did with one ticket.
public struct DispatchOutcome: Sendable, Hashable {
    public var key: String
    /// The cluster root the message belongs to; nil when the ticket named no profile of the workspace (nothing
    /// was stored).
    public var profileID: Int64?
    public var status: MessageStatus
    /// The decision taken now; nil when the key was decided before (a retry), whose stored status is returned.
    public var decision: DispatchDecision?
}

/// A message as stored, with where it stands.
public struct StoredMessage: Sendable, Hashable {
    public var ticket: MessageTicket
    public var status: MessageStatus
    public var reason: DispatchReason?
    public var decidedAt: Instant?
    /// When a deferred message is decided again.
    public var dueAt: Instant?
    /// When the dispatcher let it go (what caps count); cleared if the channel refused it.
    public var sentAt: Instant?
    public var finishedAt: Instant?
    /// How many times rules held it.
    public var deferrals: Int
    public var address: String?
    public var providerID: String?
    public var error: String?
    /// What the provider reported later of a message it accepted (`Store.recordReceipt`), and when Pond learnt it:
    /// `delivered`, `failed:<operator code>` (the message is then `failed`), or `unknown` (no report came).
    public var receipt: String?
    public var receiptAt: Instant?
}

/// What a provider's delivery report said of a message it had accepted.
public enum DeliveryReceipt: Sendable, Hashable {
    /// On the customer's phone (at the operator's time, when it says).
    case delivered(at: Instant?)
    /// The operator could not deliver it: the message is failed after all and stops counting towards caps.
    case failed(code: String)
    /// No report came in the time the provider keeps them.
    case unknown
}

/// One entry of the decision log.
public struct DecisionRecord: Sendable, Hashable {
    public var id: Int64
    public var key: String
    public var profileID: Int64
    public var channel: ChannelID
    public var category: MessageCategory
    public var decision: DispatchDecision
    public var at: Instant
}

/// What happened when a message was handed to its channel.
public enum DeliveryResult: Sendable, Hashable {
    case delivered(providerID: String?)
    /// Refused for good, or failing after every retry.
    case failed(String)
    /// Consent was revoked after the decision and before the hand-over: the message stays unsent.
    case suppressed(DispatchReason)
}

/// The facts a channel hand-over needs: the message and the cluster's consent on its channel now.
public struct DeliveryContext: Sendable {
    public var message: StoredMessage
    public var consent: ChannelConsent
}

/// The dispatcher's persistence: messages by idempotency key, the history caps count, the decision log, and the
/// two jobs a message may have — a timer while it is deferred (`decideJobKind`) and the hand-over to its channel
/// (`deliverJobKind`) — each written in the transaction that decides.
///
/// A decision is one transaction that locks the customers' clusters (`lockForDispatch`), reads their facts,
/// decides through the `decide` function it is given (the engine passes `DispatchRules.decide`) and writes the
/// outcome. Consent answers take the same locks, so no decision that commits after a revocation has missed it, and
/// two decisions for one customer (two journeys, two nodes) never both count the same free slot under a cap.
extension Store {
    public static let decideJobKind = "dispatch.decide"
    public static let deliverJobKind = "dispatch.deliver"
    /// Polls the provider for the delivery report of a message it accepted (`DeliveryReceiptJob`); keyed by the message.
    public static let receiptJobKind = "dispatch.receipt"

    public typealias Decide = @Sendable (DispatchRequest, DispatchFacts) -> DispatchDecision

    /// Decides and stores new tickets, in one transaction. A key already stored is not decided again: its stored
    /// status is returned (a retry), unless it is deferred, in which case it is decided now (a deferred message
    /// the rules now let go is sent; the timer then finds it decided).
    public func dispatch(
        workspaceID: String, _ tickets: [MessageTicket], workspaceUTCOffsetSeconds: Int, historyStart: Instant,
        now: Instant, decide: Decide
    ) async throws -> [DispatchOutcome] {
        guard !tickets.isEmpty else { return [] }
        let outcomes = try await database.write { db in
            try await Self.dispatch(
                db, workspaceID, tickets, offset: workspaceUTCOffsetSeconds, historyStart: historyStart, now: now,
                decide: decide)
        }
        if outcomes.contains(where: { $0.decision != nil && $0.status != .suppressed }) { jobsQueued.signal() }
        return outcomes
    }

    /// Decides a deferred message again when its timer fires, completing the timer job in the same transaction.
    /// Nil when the message is no longer deferred (decided meanwhile).
    public func redispatch(
        _ job: ClaimedJob, key: String, workspaceUTCOffsetSeconds: Int, historyStart: Instant, now: Instant, decide: Decide
    ) async throws -> DispatchOutcome? {
        let outcome = try await database.write { db in
            try await Self.completeJob(db, job)
            guard let stored = try await Self.message(db, job.job.workspaceID, key), stored.status == .deferred else {
                return nil as DispatchOutcome?
            }
            return try await Self.dispatch(
                db, job.job.workspaceID, [stored.ticket], offset: workspaceUTCOffsetSeconds, historyStart: historyStart,
                now: now, decide: decide
            ).first
        }
        if let outcome, outcome.status != .suppressed { jobsQueued.signal() }
        return outcome
    }

    public func message(workspaceID: String, key: String) async throws -> StoredMessage? {
        try await database.read { db in try await Self.message(db, workspaceID, key) }
    }

    /// The message of a hand-over job and its cluster's consent on its channel, read now: a revocation that
    /// committed after the decision still stops the message (see `finishDelivery`).
    public func deliveryContext(workspaceID: String, key: String) async throws -> DeliveryContext? {
        try await database.read { db in
            guard let message = try await Self.message(db, workspaceID, key) else { return nil }
            let root = try await Self.root(db, workspaceID, message.ticket.profileID) ?? message.ticket.profileID
            let states = try await Self.clusterConsent(db, workspaceID, roots: [root])[root] ?? []
            return DeliveryContext(message: message, consent: Self.channelConsent(states, message.ticket.channel))
        }
    }

    /// Records what the channel did with a message and completes its hand-over job, in one transaction. A
    /// suppression at hand-over is logged as a decision of its own.
    /// Records what the channel did with a message and completes its delivery job, in one transaction. A delivered
    /// message whose channel reports delivery later gets a receipt job due at `receiptCheckAt`.
    public func finishDelivery(
        _ job: ClaimedJob, key: String, _ result: DeliveryResult, receiptCheckAt: Instant? = nil, at now: Instant
    ) async throws {
        try await database.write { db in
            try await Self.completeJob(db, job)
            let ws = SQLValue.text(job.job.workspaceID)
            switch result {
            case .delivered(let providerID):
                let changed = try await db.execute(
                    """
                    UPDATE messages SET status = 'delivered', provider_id = ?, finished_at = ?
                    WHERE workspace_id = ? AND message_key = ? AND status = 'sending'
                    """, SQLValue(providerID), now.sql, ws, .text(key))
                if changed > 0, let due = receiptCheckAt {
                    _ = try await Self.enqueue(
                        db, [NewJob(workspaceID: job.job.workspaceID, kind: Self.receiptJobKind, key: key, dueAt: due)], at: now)
                }
            case .failed(let error):
                try await db.execute(
                    """
                    UPDATE messages SET status = 'failed', error = ?, sent_at = NULL, finished_at = ?
                    WHERE workspace_id = ? AND message_key = ? AND status = 'sending'
                    """, .text(String(error.prefix(2000))), now.sql, ws, .text(key))
            case .suppressed(let reason):
                let changed = try await db.execute(
                    """
                    UPDATE messages SET status = 'suppressed', reason = ?, sent_at = NULL, finished_at = ?
                    WHERE workspace_id = ? AND message_key = ? AND status = 'sending'
                    """, .text(reason.rawValue), now.sql, ws, .text(key))
                if changed > 0, let message = try await Self.message(db, job.job.workspaceID, key) {
                    try await Self.logDecisions(db, job.job.workspaceID, [(message.ticket, message.ticket.profileID, .suppress(reason))], at: now)
                }
            }
        }
    }

    /// Records a provider's delivery report of a delivered message and completes its receipt job, in one
    /// transaction. A failure reported by the operator makes the message failed after all: it stops counting
    /// towards the caps and the share, as a refused one does.
    public func recordReceipt(_ job: ClaimedJob, key: String, _ receipt: DeliveryReceipt, at now: Instant) async throws {
        try await database.write { db in
            try await Self.completeJob(db, job)
            let ws = SQLValue.text(job.job.workspaceID)
            switch receipt {
            case .delivered(let at):
                try await db.execute(
                    "UPDATE messages SET receipt = 'delivered', receipt_at = ? WHERE workspace_id = ? AND message_key = ? AND status = 'delivered'",
                    (at ?? now).sql, ws, .text(key))
            case .unknown:
                try await db.execute(
                    "UPDATE messages SET receipt = 'unknown', receipt_at = ? WHERE workspace_id = ? AND message_key = ? AND status = 'delivered'",
                    now.sql, ws, .text(key))
            case .failed(let code):
                try await db.execute(
                    """
                    UPDATE messages SET status = 'failed', receipt = ?, receipt_at = ?, sent_at = NULL,
                        error = ? WHERE workspace_id = ? AND message_key = ? AND status = 'delivered'
                    """, .text(String("failed:\(code)".prefix(200))), now.sql,
                    .text(String("the operator reported it undelivered (\(code))".prefix(2000))), ws, .text(key))
            }
        }
    }

    /// The decision log, newest first, before entry `before`; for one cluster, one decision kind or one reason
    /// when given.
    public func decisions(
        workspaceID: String, profileID: Int64?, decision: String?, reason: DispatchReason?, origin: String?,
        before: Int64?, limit: Int
    ) async throws -> [DecisionRecord] {
        try await database.read { db in
            var sql = """
                SELECT d.id, d.message_key, d.profile_id, d.channel, d.category, d.decision, d.reason, d.until, d.decided_at
                FROM dispatch_decisions d
                """
            var binds: [SQLValue] = []
            if origin != nil {
                sql += " JOIN messages m ON m.workspace_id = d.workspace_id AND m.message_key = d.message_key"
            }
            sql += " WHERE d.workspace_id = ?"
            binds.append(.text(workspaceID))
            if let profileID {
                let root = try await Self.root(db, workspaceID, profileID) ?? profileID
                let members = try await Self.members(db, workspaceID, root: root)
                sql += " AND d.profile_id IN (\(placeholders(max(members.count, 1))))"
                binds += members.isEmpty ? [.int(profileID)] : members.map(SQLValue.int)
            }
            if let decision {
                sql += " AND d.decision = ?"
                binds.append(.text(decision))
            }
            if let reason {
                sql += " AND d.reason = ?"
                binds.append(.text(reason.rawValue))
            }
            if let origin {
                sql += " AND m.origin = ?"
                binds.append(.text(origin))
            }
            if let before {
                sql += " AND d.id < ?"
                binds.append(.int(before))
            }
            sql += " ORDER BY d.id DESC LIMIT ?"
            binds.append(.int(Int64(limit)))
            return try await db.query(sql, binds).map(Self.decodeDecision)
        }
    }

    /// Messages of one origin (a broadcast, a journey version) counted by status and reason: what reports show.
    public func messageCounts(workspaceID: String, origin: String, originRef: String) async throws
        -> [(status: MessageStatus, reason: DispatchReason?, count: Int)]
    {
        try await database.read { db in
            try await db.query(
                """
                SELECT status, reason, COUNT(*) FROM messages WHERE workspace_id = ? AND origin = ? AND origin_ref = ?
                GROUP BY status, reason ORDER BY status, reason
                """, .text(workspaceID), .text(origin), .text(originRef)
            ).map { row in
                guard let status = MessageStatus(rawValue: try row.text(0)) else {
                    throw StoreError.corrupt("message status \(row[0])")
                }
                return (status, row[1].text.flatMap(DispatchReason.init(rawValue:)), Int(try row.int(2)))
            }
        }
    }

    // MARK: - Deciding

    private static func dispatch(
        _ db: any SQLExecutor, _ workspaceID: String, _ tickets: [MessageTicket], offset: Int, historyStart: Instant,
        now: Instant, decide: Decide
    ) async throws -> [DispatchOutcome] {
        let ws = SQLValue.text(workspaceID)
        var existing: [String: StoredMessage] = [:]
        for chunk in tickets.map(\.key).chunked(500) {
            for row in try await db.query(
                "SELECT \(messageColumns) FROM messages WHERE workspace_id = ? AND message_key IN (\(placeholders(chunk.count)))",
                [ws] + chunk.map(SQLValue.text))
            {
                let message = try decodeMessage(row)
                existing[message.ticket.key] = message
            }
        }
        var roots: [Int64: Int64] = [:]
        let profiles = Array(Set(tickets.map(\.profileID)))
        for chunk in profiles.chunked(500) {
            for row in try await db.query(
                "SELECT id, canonical_id FROM profiles WHERE workspace_id = ? AND id IN (\(placeholders(chunk.count)))",
                [ws] + chunk.map(SQLValue.int))
            {
                roots[try row.int(0)] = try row.int(1)
            }
        }
        let toDecide = tickets.filter { ticket in
            roots[ticket.profileID] != nil && (existing[ticket.key].map { $0.status == .deferred } ?? true)
        }
        let clusters = Set(toDecide.compactMap { roots[$0.profileID] })
        try await lockForDispatch(db, workspaceID, roots: clusters)
        var facts = try await DispatchFactsLoader.load(
            db, workspaceID, roots: clusters, channels: Set(toDecide.map(\.channel)), historyStart: historyStart,
            workspaceOffset: offset)

        var outcomes: [DispatchOutcome] = []
        var messageRows: [[SQLValue]] = []
        var logged: [(MessageTicket, Int64, DispatchDecision)] = []
        var jobs: [NewJob] = []
        var seen: Set<String> = []
        for ticket in tickets {
            guard let root = roots[ticket.profileID] else {
                outcomes.append(DispatchOutcome(key: ticket.key, profileID: nil, status: .suppressed, decision: nil))
                continue
            }
            if let stored = existing[ticket.key], stored.status != .deferred || seen.contains(ticket.key) {
                outcomes.append(DispatchOutcome(key: ticket.key, profileID: root, status: stored.status, decision: nil))
                continue
            }
            guard seen.insert(ticket.key).inserted else {
                // The same key twice in one call: the first decides.
                outcomes.append(DispatchOutcome(key: ticket.key, profileID: root, status: outcomes.first { $0.key == ticket.key }!.status, decision: nil))
                continue
            }
            let stored = existing[ticket.key]
            var ticket = stored?.ticket ?? ticket
            ticket.profileID = root
            let clusterFacts = facts.facts(root: root, channel: ticket.channel)
            let decision = decide(ticket.request, clusterFacts)
            let status: MessageStatus
            var dueAt: Instant?
            var sentAt: Instant?
            var reason: DispatchReason?
            switch decision {
            case .send:
                status = .sending
                sentAt = now
                facts.recordDelivery(root: root, DeliveryRecord(at: now, channel: ticket.channel, category: ticket.category))
                jobs.append(NewJob(workspaceID: workspaceID, kind: deliverJobKind, key: ticket.key, dueAt: now))
            case .defer(let until, let why):
                status = .deferred
                dueAt = until
                reason = why
                jobs.append(
                    NewJob(workspaceID: workspaceID, kind: decideJobKind, key: ticket.key, dueAt: until, payload: ["key": .string(ticket.key)]))
            case .suppress(let why):
                status = .suppressed
                reason = why
            }
            let deferrals = (stored?.deferrals ?? 0) + (status == .deferred ? 1 : 0)
            messageRows.append([
                ws, .text(ticket.key), .int(root), .text(ticket.channel.rawValue), .text(ticket.category.rawValue),
                .text(ticket.origin), SQLValue(ticket.originRef), .text(try encode(ticket.content)), .text(status.rawValue),
                SQLValue(reason?.rawValue), ticket.createdAt.sql, SQLValue(ticket.expiresAt?.millisecondsSinceEpoch), now.sql,
                SQLValue(dueAt?.millisecondsSinceEpoch), SQLValue(sentAt?.millisecondsSinceEpoch), .int(Int64(deferrals)),
                SQLValue(clusterFacts.hasAddress ? facts.address(root: root, channel: ticket.channel) : nil),
            ])
            logged.append((ticket, root, decision))
            outcomes.append(DispatchOutcome(key: ticket.key, profileID: root, status: status, decision: decision))
        }
        try await db.executeMany(
            """
            INSERT INTO messages (workspace_id, message_key, profile_id, channel, category, origin, origin_ref, content,
                status, reason, created_at, expires_at, decided_at, due_at, sent_at, deferrals, address)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, message_key) DO UPDATE SET profile_id = excluded.profile_id,
                status = excluded.status, reason = excluded.reason, decided_at = excluded.decided_at,
                due_at = excluded.due_at, sent_at = excluded.sent_at, deferrals = excluded.deferrals,
                address = excluded.address
            WHERE messages.status = 'deferred'
            """, messageRows)
        try await logDecisions(db, workspaceID, logged, at: now)
        _ = try await enqueue(db, jobs, at: now)
        return outcomes
    }

    private static func logDecisions(
        _ db: any SQLExecutor, _ workspaceID: String, _ decisions: [(MessageTicket, Int64, DispatchDecision)], at: Instant
    ) async throws {
        try await db.executeMany(
            """
            INSERT INTO dispatch_decisions (workspace_id, message_key, profile_id, channel, category, decision, reason,
                until, decided_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            decisions.map { ticket, root, decision in
                var until: SQLValue = .null
                let kind: String
                switch decision {
                case .send: kind = "send"
                case .defer(let instant, _):
                    kind = "defer"
                    until = instant.sql
                case .suppress: kind = "suppress"
                }
                return [
                    .text(workspaceID), .text(ticket.key), .int(root), .text(ticket.channel.rawValue),
                    .text(ticket.category.rawValue), .text(kind), SQLValue(decision.reason?.rawValue), until, at.sql,
                ]
            })
    }

    // MARK: - Reading

    static let messageColumns = """
        message_key, profile_id, channel, category, origin, origin_ref, content, status, reason, created_at, expires_at,
        decided_at, due_at, sent_at, finished_at, deferrals, address, provider_id, error, receipt, receipt_at
        """

    static func message(_ db: any SQLExecutor, _ workspaceID: String, _ key: String) async throws -> StoredMessage? {
        try await db.query(
            "SELECT \(messageColumns) FROM messages WHERE workspace_id = ? AND message_key = ?", .text(workspaceID), .text(key)
        ).first.map(decodeMessage)
    }

    static func decodeMessage(_ row: SQLRow) throws -> StoredMessage {
        let key = try row.text(0)
        guard let category = MessageCategory(rawValue: try row.text(3)), let status = MessageStatus(rawValue: try row.text(7))
        else { throw StoreError.corrupt("message \(key) has category \(row[3]) and status \(row[7])") }
        let content = try JSONDecoder().decode(MessageContent.self, from: Data(try row.text(6).utf8))
        return StoredMessage(
            ticket: MessageTicket(
                key: key, profileID: try row.int(1), channel: ChannelID(try row.text(2)), category: category,
                origin: try row.text(4), originRef: row[5].text, content: content, createdAt: try row.instant(9),
                expiresAt: row.optionalInstant(10)),
            status: status, reason: row[8].text.flatMap(DispatchReason.init(rawValue:)), decidedAt: row.optionalInstant(11),
            dueAt: row.optionalInstant(12), sentAt: row.optionalInstant(13), finishedAt: row.optionalInstant(14),
            deferrals: Int(try row.int(15)), address: row[16].text, providerID: row[17].text, error: row[18].text,
            receipt: row[19].text, receiptAt: row.optionalInstant(20))
    }

    static func decodeDecision(_ row: SQLRow) throws -> DecisionRecord {
        guard let category = MessageCategory(rawValue: try row.text(4)) else {
            throw StoreError.corrupt("decision \(try row.int(0)) has category \(row[4])")
        }
        let reason = row[6].text.flatMap(DispatchReason.init(rawValue:))
        let decision: DispatchDecision
        switch (try row.text(5), reason, row.optionalInstant(7)) {
        case ("send", _, _): decision = .send
        case ("defer", let reason?, let until?): decision = .defer(until: until, reason: reason)
        case ("suppress", let reason?, _): decision = .suppress(reason)
        default: throw StoreError.corrupt("decision \(try row.int(0)) reads \(row[5]) \(row[6])")
        }
        return DecisionRecord(
            id: try row.int(0), key: try row.text(1), profileID: try row.int(2), channel: ChannelID(try row.text(3)),
            category: category, decision: decision, at: try row.instant(8))
    }

    /// The state for every purpose on one channel, from a cluster's latest answers.
    static func channelConsent(_ states: [StoredConsent], _ channel: ChannelID) -> ChannelConsent {
        var consent = ChannelConsent.unknown
        for state in states where state.record.channel == channel {
            consent[state.record.purpose] = ConsentState(latest: state.record.entry)
        }
        return consent
    }
}
