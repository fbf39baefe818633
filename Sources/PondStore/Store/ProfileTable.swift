import PondCore

/// A hash table from profile id to a value, for passes that fold millions of rows into per-profile values.
///
/// `Dictionary` hashes every key with seeded SipHash and grows by copying keys and values; folding 2.4M orders
/// into 800K summaries spent more time there than in reading the orders. Profile ids are integers handed out in
/// sequence, so a multiplicative hash spreads them well. The slots hold only keys and positions; values live in
/// one array in insertion order, so a large value type costs no empty slots and growing moves no values.
struct ProfileTable<Value> {
    private static var empty: Int64 { .min }
    private var slotKeys: [Int64]
    private var slotEntries: [Int32]
    private var shift: UInt64
    private(set) var ids: [Int64] = []
    /// In insertion order, aligned with `ids`.
    private(set) var values: [Value] = []

    init(capacity: Int = 1024) {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        slotKeys = Array(repeating: Self.empty, count: slots)
        slotEntries = Array(repeating: 0, count: slots)
        shift = UInt64(64 - slots.trailingZeroBitCount)
        ids.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    var count: Int { ids.count }

    /// Inserts `insert()` for a new key, or runs `update` on the value of a known one.
    mutating func upsert(_ key: Int64, insert: () -> Value, update: (inout Value) -> Void) {
        precondition(key != Self.empty, "Int64.min is the table's empty marker")
        var slot = self.slot(of: key)
        while slotKeys[slot] != Self.empty {
            if slotKeys[slot] == key { return update(&values[Int(slotEntries[slot])]) }
            slot = (slot + 1) & (slotKeys.count - 1)
        }
        precondition(ids.count < Int(Int32.max), "a profile table holds fewer than 2^31 profiles")
        slotKeys[slot] = key
        slotEntries[slot] = Int32(ids.count)
        ids.append(key)
        values.append(insert())
        if ids.count * 2 > slotKeys.count { grow() }
    }

    func value(for key: Int64) -> Value? {
        var slot = self.slot(of: key)
        while slotKeys[slot] != Self.empty {
            if slotKeys[slot] == key { return values[Int(slotEntries[slot])] }
            slot = (slot + 1) & (slotKeys.count - 1)
        }
        return nil
    }

    private func slot(of key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private mutating func grow() {
        slotKeys = Array(repeating: Self.empty, count: slotKeys.count * 2)
        slotEntries = Array(repeating: 0, count: slotKeys.count)
        shift -= 1
        for (entry, key) in ids.enumerated() {
            var slot = self.slot(of: key)
            while slotKeys[slot] != Self.empty { slot = (slot + 1) & (slotKeys.count - 1) }
            slotKeys[slot] = key
            slotEntries[slot] = Int32(entry)
        }
    }
}

extension ProfileTable: Sendable where Value: Sendable {}
