/// Where a journey stands. Only an active journey enters profiles; a paused one lets its runs finish but enters
/// nobody (so an operator can stop a campaign without stranding customers mid-way).
public enum JourneyStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    case active
    case paused
}

/// Where a run stands.
public enum JourneyRunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Due to take its next step now.
    case active
    /// Sleeping until a timer, or waiting for an event (with a timeout).
    case waiting
    case exited
}
