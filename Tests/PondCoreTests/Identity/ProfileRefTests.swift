import PondCore
import Testing

@Suite("Profile references")
struct ProfileRefTests {
    @Test("existing profiles order oldest first", arguments: [(Int64(1), Int64(2)), (3, 10), (9, 100)])
    func existingOrderByID(older: Int64, newer: Int64) {
        #expect(ProfileRef(older) < ProfileRef(newer))
        #expect(!(ProfileRef(newer) < ProfileRef(older)))
    }

    @Test("every existing profile orders before every provisional one", arguments: [Int64(1), 7, .max])
    func existingBeforeProvisional(existing: Int64) {
        #expect(ProfileRef(existing) < ProfileRef(-1))
        #expect(!(ProfileRef(-1) < ProfileRef(existing)))
        #expect(min(ProfileRef(-5), ProfileRef(existing)) == ProfileRef(existing))
    }

    @Test("provisional profiles order in creation order: -1 before -2")
    func provisionalInCreationOrder() {
        #expect(ProfileRef(-1) < ProfileRef(-2))
        #expect(!(ProfileRef(-2) < ProfileRef(-1)))
        #expect([ProfileRef(-3), ProfileRef(8), ProfileRef(-1), ProfileRef(2)].sorted()
            == [ProfileRef(2), ProfileRef(8), ProfileRef(-1), ProfileRef(-3)])
    }

    @Test("only negative refs are provisional")
    func isProvisional() {
        #expect(ProfileRef(-1).isProvisional)
        #expect(!ProfileRef(1).isProvisional)
    }

    @Test("provisional refs describe themselves as new profiles")
    func description() {
        #expect(ProfileRef(-2).description == "new#2")
        #expect(ProfileRef(42).description == "42")
    }

    @Test("a profile pair is unordered")
    func pairIsUnordered() {
        let pair = ProfilePair(ProfileRef(9), ProfileRef(4))
        #expect(pair == ProfilePair(ProfileRef(4), ProfileRef(9)))
        #expect(pair.low == ProfileRef(4))
        #expect(pair.high == ProfileRef(9))
    }
}
