/// A profile as the stitcher sees it: either one that exists in the store, or one this plan will create.
///
/// Provisional profiles get negative numbers (-1, -2, … in creation order) until the store assigns real ids.
/// Ordering puts existing profiles first (oldest id first), then provisional ones in creation order, so "the
/// older profile survives a merge" is simply `min`.
public struct ProfileRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let raw: Int64

    public init(_ raw: Int64) { self.raw = raw }

    public var isProvisional: Bool { raw < 0 }

    public static func < (lhs: ProfileRef, rhs: ProfileRef) -> Bool {
        switch (lhs.isProvisional, rhs.isProvisional) {
        case (false, false): return lhs.raw < rhs.raw
        case (false, true): return true
        case (true, false): return false
        case (true, true): return lhs.raw > rhs.raw
        }
    }

    public var description: String { isProvisional ? "new#\(-raw)" : "\(raw)" }
}

/// An unordered pair of profiles, for merge blocks.
public struct ProfilePair: Sendable, Hashable {
    public let low: ProfileRef
    public let high: ProfileRef

    public init(_ a: ProfileRef, _ b: ProfileRef) {
        low = min(a, b)
        high = max(a, b)
    }
}
