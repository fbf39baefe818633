/// "Did you mean …?" for misspelt names: the known name at the smallest edit distance, when it is close enough to
/// be a typo rather than a different name.
enum NameSuggestion {
    /// The closest of `candidates` to `name` by optimal-string-alignment distance (insertions, deletions,
    /// substitutions and swaps of neighbours, each costing 1, over Unicode scalars, so `nmae` is one step from
    /// `name`), when that distance is at most 1 for names of up to four scalars and at most 2 for longer ones (a
    /// short name two edits away is usually another name, not a typo); ties go to the name that
    /// sorts first, so the suggestion is the same on every run.
    static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let target = Array(name.unicodeScalars)
        let limit = min(2, max(1, (target.count - 1) / 2))
        var best: (distance: Int, name: String)?
        for candidate in candidates {
            let scalars = Array(candidate.unicodeScalars)
            guard abs(scalars.count - target.count) <= limit else { continue }
            let distance = editDistance(target, scalars)
            guard distance <= limit, distance > 0 else { continue }
            if let current = best, current.distance < distance || (current.distance == distance && current.name < candidate) {
                continue
            }
            best = (distance, candidate)
        }
        return best?.name
    }

    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, before[j - 2] + 1) }
                current[j] = value
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
