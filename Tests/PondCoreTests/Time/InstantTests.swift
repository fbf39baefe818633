import Foundation
import PondCore
import Testing

@Suite("Instant")
struct InstantTests {
    @Test("instants order by time, including before the epoch")
    func ordering() {
        let times: [Int64] = [5, -3, 0, 1_795_320_984_123, -62_135_596_800_000]
        let sorted = times.map(Instant.init(millisecondsSinceEpoch:)).sorted().map(\.millisecondsSinceEpoch)
        #expect(sorted == [-62_135_596_800_000, -3, 0, 5, 1_795_320_984_123])
    }

    @Test("adding days moves by whole 86 400 000 ms days, backwards too")
    func addingDays() {
        let start = Instant(millisecondsSinceEpoch: 1_000)
        #expect(start.adding(days: 2).millisecondsSinceEpoch == 172_801_000)
        #expect(start.adding(days: -1).millisecondsSinceEpoch == -86_399_000)
        #expect(start.adding(milliseconds: -1_001).millisecondsSinceEpoch == -1)
    }

    @Test("describes itself as an ISO 8601 UTC timestamp")
    func description() {
        #expect(Instant(millisecondsSinceEpoch: 951_868_800_000).description == "2000-03-01T00:00:00.000Z")
    }

    @Test("encodes as a bare integer of milliseconds and decodes back")
    func codableAsInteger() throws {
        let instant = Instant(millisecondsSinceEpoch: -310_498_199_500)
        let data = try JSONEncoder().encode([instant])
        #expect(String(decoding: data, as: UTF8.self) == "[-310498199500]")
        #expect(try JSONDecoder().decode([Instant].self, from: data) == [instant])
    }
}
