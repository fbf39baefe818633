import Testing

@testable import PondCore

@Suite("Lifecycle ROC AUC")
struct LifecycleROCAUCTests {
    @Test("a perfect ranking scores 1, a reversed one 0")
    func perfectAndReversed() {
        #expect(ROCAUC.area(scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true]) == 1)
        #expect(ROCAUC.area(scores: [0.9, 0.8, 0.2, 0.1], labels: [false, false, true, true]) == 0)
    }

    @Test("it is the share of positive–negative pairs ranked correctly, ties counting half")
    func pairsWithTies() {
        // Pairs (positive, negative): (0.35, 0.1) ✓ (0.35, 0.4) ✗ (0.8, 0.1) ✓ (0.8, 0.4) ✓ → 3/4.
        #expect(ROCAUC.area(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        // (0.5, 0.5) tie ½, (0.5, 0.2) ✓, (0.9, 0.5) ✓, (0.9, 0.2) ✓ → 3.5/4.
        #expect(ROCAUC.area(scores: [0.5, 0.2, 0.5, 0.9], labels: [false, false, true, true]) == 0.875)
        #expect(ROCAUC.area(scores: [1, 1, 1, 1], labels: [true, false, false, true]) == 0.5)
    }

    @Test("only the order of scores matters, not their scale")
    func invariantUnderMonotoneTransform() {
        let scores = [3.0, 1, 4, 1, 5, 9, 2, 6]
        let labels = [true, false, true, false, false, true, false, true]
        let rescaled = scores.map { $0 * $0 * 10 - 3 }
        #expect(ROCAUC.area(scores: scores, labels: labels) == ROCAUC.area(scores: rescaled, labels: labels))
    }

    @Test("the area is undefined with one class, mismatched lengths or NaN scores")
    func undefinedCases() {
        #expect(ROCAUC.area(scores: [0.1, 0.2], labels: [true, true]) == nil)
        #expect(ROCAUC.area(scores: [0.1, 0.2], labels: [true]) == nil)
        #expect(ROCAUC.area(scores: [.nan, 0.2], labels: [true, false]) == nil)
    }
}
