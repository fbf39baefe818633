import Foundation
import PondCore
import PondStore

/// The consent ledger's front: recording a customer's answers (one at a time from a form or a reply, in bulk from
/// the brand's existing records), and reading a profile's state and history. Every answer is checked by
/// `ConsentRecord.validate`, lands on the ledger, appears on the timeline and re-evaluates the profile's segments,
/// in one transaction; a revocation binds every dispatch decision that commits after it.
public struct ConsentService: Sendable {
    let definitions: DefinitionContext
    public let links: UnsubscribeLinks

    public static let maximumRecordsPerImport = 10_000

    private var store: Store { definitions.store }

    /// An answer as a front door receives it, before it is checked: names as text, the time optional (now).
    public struct Answer: Sendable {
        public var purpose: String
        public var channel: String
        public var action: String
        public var at: Instant?
        public var noticeVersion: String?
        public var source: String
        public var evidence: String?

        public init(
            purpose: String, channel: String, action: String, at: Instant? = nil, noticeVersion: String? = nil,
            source: String, evidence: String? = nil
        ) {
            self.purpose = purpose
            self.channel = channel
            self.action = action
            self.at = at
            self.noticeVersion = noticeVersion
            self.source = source
            self.evidence = evidence
        }
    }

    /// A profile's consent: the cluster's latest answer for each purpose and channel on record, and the summary per
    /// purpose that segment conditions read.
    public struct ProfileConsent: Sendable {
        public var profileID: Int64
        public var states: [StoredConsent]
        public var summary: [ConsentPurpose: Bool]
    }

    /// Records one answer for a profile; returns the profile's consent after it.
    public func record(workspaceID: String, profileID: Int64, _ answer: Answer) async throws -> (ProfileConsent, entryID: Int64) {
        let root = try await definitions.root(workspaceID, profileID)
        let now = definitions.clock.now()
        let record = try Self.record(answer, now: now, path: "")
        let outcome = try await store.recordConsent(
            workspaceID: workspaceID, [ConsentWrite(profileID: root, record: record)], at: now)
        guard case .recorded(let entryID, _) = outcome.first else { throw DefinitionError.notFound("profile") }
        return (try await consent(workspaceID: workspaceID, root: root), entryID)
    }

    /// A revocation from a customer's own action — an unsubscribe link, a 退订/TD reply — with what proves it.
    public func revoke(
        workspaceID: String, profileID: Int64, purpose: ConsentPurpose, channel: ChannelID, source: String, evidence: String?
    ) async throws -> ProfileConsent {
        try await record(
            workspaceID: workspaceID, profileID: profileID,
            Answer(purpose: purpose.rawValue, channel: channel.rawValue, action: "revoke", source: source, evidence: evidence)
        ).0
    }

    /// An unsubscribe link followed: revokes marketing on the link's channel for its customer. Nil for a token this
    /// server did not sign (or whose customer is gone): the caller shows the same page either way, so a forged link
    /// learns nothing.
    public func unsubscribe(token: String) async throws -> UnsubscribeToken? {
        guard let claims = try await links.verify(token),
            try await store.rootProfileID(workspaceID: claims.workspaceID, profileID: claims.profileID) != nil
        else { return nil }
        _ = try await revoke(
            workspaceID: claims.workspaceID, profileID: claims.profileID, purpose: .marketing, channel: claims.channel,
            source: "unsubscribe link", evidence: token)
        return claims
    }

    /// A customer's reply on a channel (an SMS uplink, a WeCom message): `TD`, `退订` and the other
    /// `UnsubscribeKeywords` revoke marketing on that channel at once; anything else changes nothing. Returns whether
    /// it unsubscribed. `from` names the sender by identity (`phone:138…`); `messageID` is kept as the evidence.
    public func reply(workspaceID: String, channel: ChannelID, from: String, text: String, messageID: String?) async throws -> Bool {
        guard UnsubscribeKeywords.matches(text) else { return false }
        let identity: Identity
        do { identity = try Identity.parse(from) } catch {
            throw DefinitionError(.invalid, .invalidIdentity, "'from': \(error)")
        }
        guard let profile = try await store.profileID(workspaceID: workspaceID, identity: identity) else {
            throw DefinitionError.notFound("profile with \(identity)")
        }
        _ = try await revoke(
            workspaceID: workspaceID, profileID: profile, purpose: .marketing, channel: channel,
            source: "reply \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(20))",
            evidence: messageID.map { "message \($0)" })
        return true
    }

    /// One row of a bulk import: a profile by id or identity (`type:value`), an answer, and the key that makes
    /// sending the file again harmless.
    public struct ImportRow: Sendable {
        public var profileID: Int64?
        public var identity: String?
        public var answer: Answer
        public var key: String?

        public init(profileID: Int64?, identity: String?, answer: Answer, key: String?) {
            self.profileID = profileID
            self.identity = identity
            self.answer = answer
            self.key = key
        }
    }

    public struct ImportReport: Sendable, Equatable {
        public var recorded = 0
        /// Rows whose key was imported before.
        public var duplicates = 0
        /// Rows older than the answer on record: kept in the history, changing nothing.
        public var superseded = 0

        public init(recorded: Int = 0, duplicates: Int = 0, superseded: Int = 0) {
            self.recorded = recorded
            self.duplicates = duplicates
            self.superseded = superseded
        }
    }

    /// Imports a brand's existing consent records, all or nothing: every row is checked and its profile found
    /// before anything is written, and the first problem refuses the whole import with the row's path.
    public func importAnswers(workspaceID: String, _ rows: [ImportRow]) async throws -> ImportReport {
        guard !rows.isEmpty else { throw DefinitionError.invalid("'records' must hold at least one record") }
        guard rows.count <= Self.maximumRecordsPerImport else {
            throw DefinitionError(
                .tooLarge, .payloadTooLarge, "at most \(Self.maximumRecordsPerImport) records per import, got \(rows.count)")
        }
        let now = definitions.clock.now()
        var writes: [ConsentWrite] = []
        for (index, row) in rows.enumerated() {
            let path = "records[\(index)]"
            let record = try Self.record(row.answer, now: now, path: path)
            let profile: Int64
            switch (row.profileID, row.identity) {
            case (let id?, nil):
                guard let root = try await store.rootProfileID(workspaceID: workspaceID, profileID: id) else {
                    throw DefinitionError(.notFound, .notFound, "\(path): no profile \(id)", details: ["path": .string("\(path).profileId")])
                }
                profile = root
            case (nil, let text?):
                let identity: Identity
                do { identity = try Identity.parse(text) } catch {
                    throw DefinitionError(.invalid, .invalidIdentity, "\(path): \(error)", details: ["path": .string("\(path).identity")])
                }
                guard let root = try await store.profileID(workspaceID: workspaceID, identity: identity) else {
                    throw DefinitionError(
                        .notFound, .notFound, "\(path): no profile holds \(identity)", details: ["path": .string("\(path).identity")])
                }
                profile = root
            default:
                throw DefinitionError(
                    .invalid, .invalidRequest, "\(path): name the profile by 'profileId' or by 'identity', one of them",
                    details: ["path": .string(path)])
            }
            if let key = row.key, key.isEmpty || key.count > MessageTicket.maximumKeyLength {
                throw DefinitionError(
                    .invalid, .invalidRequest, "\(path): 'key' is 1 to \(MessageTicket.maximumKeyLength) characters",
                    details: ["path": .string("\(path).key")])
            }
            writes.append(ConsentWrite(profileID: profile, record: record, importKey: row.key.map { "import:\($0)" }))
        }
        var report = ImportReport()
        for outcome in try await store.recordConsent(workspaceID: workspaceID, writes, at: now) {
            switch outcome {
            case .recorded(_, let current):
                report.recorded += 1
                if !current { report.superseded += 1 }
            case .duplicate: report.duplicates += 1
            case .unknownProfile: throw DefinitionError.notFound("profile")
            }
        }
        return report
    }

    public func consent(workspaceID: String, profileID: Int64) async throws -> ProfileConsent {
        try await consent(workspaceID: workspaceID, root: try await definitions.root(workspaceID, profileID))
    }

    public func history(workspaceID: String, profileID: Int64, before: Int64?, limit: Int) async throws -> [StoredConsent] {
        let root = try await definitions.root(workspaceID, profileID)
        return try await store.consentHistory(workspaceID: workspaceID, root: root, before: before, limit: limit)
    }

    private func consent(workspaceID: String, root: Int64) async throws -> ProfileConsent {
        let states = try await store.consentStates(workspaceID: workspaceID, root: root)
        var summary: [ConsentPurpose: Bool] = [:]
        for (purpose, answers) in Dictionary(grouping: states, by: \.record.purpose) {
            summary[purpose] = ConsentLedger.summary(answers.map { ConsentState(latest: $0.record.entry).status })
        }
        return ProfileConsent(profileID: root, states: states, summary: summary)
    }

    /// Turns an answer into a checked record, or the refusal with the field's path under `path`.
    static func record(_ answer: Answer, now: Instant, path: String) throws(DefinitionError) -> ConsentRecord {
        func refuse(_ error: ConsentError) -> DefinitionError {
            DefinitionError(
                .invalid, code: error.code.rawValue, path.isEmpty ? error.message : "\(path): \(error.message)",
                details: ["path": .string(path.isEmpty ? error.path : "\(path).\(error.path)")])
        }
        guard let purpose = ConsentPurpose(rawValue: answer.purpose) else {
            throw refuse(ConsentError(
                .invalidPurpose, path: "purpose",
                "'purpose' is one of \(ConsentPurpose.allCases.map(\.rawValue).joined(separator: ", ")), got '\(answer.purpose)'"))
        }
        guard let action = ConsentEntry.Action(rawValue: answer.action) else {
            throw refuse(ConsentError(.invalidAction, path: "action", "'action' is grant or revoke, got '\(answer.action)'"))
        }
        let record = ConsentRecord(
            purpose: purpose, channel: ChannelID(answer.channel),
            entry: ConsentEntry(
                action: action, at: answer.at ?? now, noticeVersion: answer.noticeVersion, source: answer.source,
                evidence: answer.evidence))
        do { try record.validate(now: now) } catch { throw refuse(error) }
        return record
    }
}
