/// How the consent ledger's entries answer "may we?" — the rules the store applies when an entry arrives, when
/// profiles merge and when the dispatcher reads a cluster's state.
///
/// **The latest answer stands.** A customer may grant, revoke and grant again; only their most recent answer for a
/// purpose on a channel counts (a re-grant after a revocation is a grant). Entries can arrive out of order — an
/// import of last year's sign-up sheet after this morning's `TD` reply — so "latest" is by the instant the customer
/// answered (`at`), not by when Pond recorded it. At the same instant a revocation beats a grant: when two answers
/// cannot be told apart, doubt goes to the customer. Two equal answers at one instant: the one recorded later.
///
/// **A cluster answers as its latest member.** When stitching finds that two profiles are one person, each purpose
/// and channel takes the latest answer of any member: the same person's latest word, whichever identity it came
/// through. Entries stay with the profile they were recorded against, so an unmerge splits the answers back.
public enum ConsentLedger {
    /// Whether `entry` (recorded as number `id`) replaces `current` (recorded as `currentID`) as the latest answer.
    public static func supersedes(_ entry: ConsentEntry, id: Int64, _ current: ConsentEntry, currentID: Int64) -> Bool {
        if entry.at != current.at { return entry.at > current.at }
        if entry.action != current.action { return entry.action == .revoke }
        return id > currentID
    }

    /// The latest of several recorded answers for one purpose on one channel (each with its entry number).
    public static func latest(_ answers: some Sequence<(entry: ConsentEntry, id: Int64)>) -> (entry: ConsentEntry, id: Int64)? {
        var best: (entry: ConsentEntry, id: Int64)?
        for answer in answers {
            if let current = best, !supersedes(answer.entry, id: answer.id, current.entry, currentID: current.id) { continue }
            best = answer
        }
        return best
    }

    /// What the segment condition `consent "purpose" granted|denied|unknown` reads for a purpose, from its state
    /// on every channel: `true` (granted) when the latest answer on at least one channel is a grant — the customer
    /// can be reached for it somewhere; `false` (denied) when there are answers and none is a grant; `nil`
    /// (unknown) when nothing is on record. The dispatcher never reads this summary: it decides on the message's
    /// own channel.
    public static func summary(_ statuses: some Sequence<ConsentState.Status>) -> Bool? {
        var answered = false
        for status in statuses {
            switch status {
            case .granted: return true
            case .revoked: answered = true
            case .unknown: continue
            }
        }
        return answered ? false : nil
    }
}
