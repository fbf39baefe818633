/// Whether a trigger that fired for a profile starts a run, from what the engine knows at that moment.
public enum JourneyEntry {
    public enum Decision: Sendable, Hashable {
        case enter
        /// Re-entry policy: `.once` and the profile entered before, or `.afterExit` with a run still in progress.
        case alreadyEntered
        /// `maxConcurrentRuns` runs are already in progress.
        case atCapacity
        /// An event trigger with a dedupe key whose value already entered the profile (the same cart twice).
        case duplicate
    }

    /// `everEntered`: the profile has had a run of this journey (any version); `runInProgress`: one is still going;
    /// `runsInProgress`: runs of the journey in progress for all profiles; `duplicateKey`: a run already entered
    /// with this trigger's dedupe value.
    public static func decide(
        _ definition: JourneyDefinition, everEntered: Bool, runInProgress: Bool, runsInProgress: Int,
        duplicateKey: Bool = false
    ) -> Decision {
        if duplicateKey { return .duplicate }
        switch definition.reentry {
        case .once where everEntered: return .alreadyEntered
        case .afterExit where runInProgress: return .alreadyEntered
        default: break
        }
        if let cap = definition.maxConcurrentRuns, runsInProgress >= cap { return .atCapacity }
        return .enter
    }
}
