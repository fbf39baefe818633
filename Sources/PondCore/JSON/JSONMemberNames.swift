/// The member names read so far in every object a `JSONReader` is inside, innermost last, so that a repeated name
/// is refused (see `JSONParser`) as the reader goes.
///
/// One buffer serves the whole document: names are appended to it as they are read and dropped when their object
/// closes, so the tracking API's hot path allocates nothing per object. Small objects are searched linearly; an
/// object past `linearLimit` names gets a set, so a hostile body of one object with 100,000 members costs
/// 100,000 look-ups, not 5 billion comparisons.
struct JSONMemberNames {
    static let linearLimit = 32

    /// Every open object's names, back to back.
    private var bytes: [UInt8] = []
    /// Each name's range in `bytes`.
    private var names: [Range<Int>] = []
    /// For each open object, the index in `names` of its first name.
    private var levels: [Int] = []
    /// The names of open objects past `linearLimit`, by nesting level.
    private var indexed: [Int: Set<[UInt8]>] = [:]

    mutating func open() {
        levels.append(names.count)
    }

    mutating func close() {
        guard let first = levels.popLast() else { return }
        if first < names.count {
            bytes.removeSubrange(names[first].lowerBound...)
            names.removeSubrange(first...)
        }
        indexed[levels.count] = nil
    }

    /// Adds a name to the innermost open object; false if that object already has it.
    mutating func insert(_ name: some Collection<UInt8>) -> Bool {
        guard let first = levels.last else { return true }
        let level = levels.count - 1
        if indexed[level] != nil {
            return indexed[level]!.insert(Array(name)).inserted
        }
        let length = name.count
        for range in names[first...] where range.count == length && bytes[range].elementsEqual(name) {
            return false
        }
        let start = bytes.count
        bytes.append(contentsOf: name)
        names.append(start..<bytes.count)
        if names.count - first > Self.linearLimit {
            indexed[level] = Set(names[first...].map { Array(bytes[$0]) })
        }
        return true
    }
}
