/// The member names read so far in every object a `JSONReader` is inside, innermost last, so that a repeated name
/// is refused (see `JSONParser`) as the reader goes.
///
/// It sits on the tracking API's hot path, every member of every message, so it is built for that: a name is kept
/// as its hash and its place in the document (only a name spelt with escapes is copied, decoded), one array serves
/// the whole document (names are dropped when their object closes; nothing is allocated per object), and a new name
/// is compared with its object's earlier names by hash, by bytes only when the hashes are equal. An object past
/// `linearLimit` names gets a set, so a hostile body of one object with 100,000 members costs 100,000 look-ups, not
/// 5 billion comparisons.
struct JSONMemberNames {
    static let linearLimit = 32

    private struct Name {
        var hash: UInt64
        /// Where the name's bytes are: in the document, or in `decoded` when its spelling had escapes.
        var start: Int
        var count: Int
        var isDecoded: Bool
    }

    private var names: [Name] = []
    private var decoded: [UInt8] = []
    /// For each open object: its first entry in `names`, where its names begin in `decoded`, and its set once past
    /// `linearLimit`.
    private var levels: [(first: Int, decoded: Int)] = []
    private var indexed: [Set<[UInt8]>?] = []

    mutating func open() {
        levels.append((names.count, decoded.count))
        indexed.append(nil)
    }

    mutating func close() {
        guard let level = levels.popLast() else { return }
        indexed.removeLast()
        names.removeLast(names.count - level.first)
        decoded.removeLast(decoded.count - level.decoded)
    }

    /// Adds a name to the innermost open object; false if that object already has it. `raw` is the range between
    /// its quotes in `document`; `text` its decoded text, for a name spelt with escapes (any escape makes the
    /// spelling longer than the text, so a name whose spelling has the text's length has none).
    mutating func insert(raw: Range<Int>, text: String?, document: UnsafeBufferPointer<UInt8>) -> Bool {
        guard var text, text.utf8.count != raw.count else {
            return insert(UnsafeBufferPointer(rebasing: document[raw]), start: raw.lowerBound, isDecoded: false, document: document)
        }
        return text.withUTF8 { bytes in
            insert(bytes, start: decoded.count, isDecoded: true, document: document)
        }
    }

    private mutating func insert(
        _ name: UnsafeBufferPointer<UInt8>, start: Int, isDecoded: Bool, document: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard let level = levels.last else { return true }
        let depth = levels.count - 1
        if indexed[depth] != nil {
            return indexed[depth]!.insert(Array(name)).inserted
        }
        let hash = Self.hash(name)
        for index in level.first..<names.count where names[index].hash == hash && names[index].count == name.count {
            if bytes(of: names[index], document: document).elementsEqual(name) { return false }
        }
        if isDecoded { decoded.append(contentsOf: name) }
        names.append(Name(hash: hash, start: start, count: name.count, isDecoded: isDecoded))
        if names.count - level.first > Self.linearLimit {
            indexed[depth] = Set(names[level.first...].map { Array(bytes(of: $0, document: document)) })
        }
        return true
    }

    private func bytes(of name: Name, document: UnsafeBufferPointer<UInt8>) -> ArraySlice<UInt8> {
        let range = name.start..<(name.start + name.count)
        return name.isDecoded ? decoded[range] : ArraySlice(document[range])
    }

    /// FNV-1a: names are short, and a collision only costs a byte comparison.
    private static func hash(_ name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }
}
