/// The area under the ROC curve: the probability that a randomly chosen positive scores higher than a randomly
/// chosen negative (ties count half). 0.5 is a coin toss, 1 a perfect ranking. It judges a risk score by how well it
/// *orders* customers — what a win-back campaign that targets "the riskiest 10 %" needs — whatever its scale, so a
/// probability and a raw day count can be compared fairly.
public enum ROCAUC {
    /// Computed as the Mann–Whitney U statistic with mid-ranks for ties, in O(n log n). Nil when the labels hold
    /// only one class (or the arrays differ in length, or a score is NaN): the area is undefined then.
    public static func area(scores: [Double], labels: [Bool]) -> Double? {
        guard scores.count == labels.count, !scores.contains(where: \.isNaN) else { return nil }
        let positives = labels.count { $0 }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
            // Ranks start + 1 … end + 1 are tied: each gets their mean.
            let midRank = Double(start + end + 2) / 2
            for position in start...end where labels[order[position]] { positiveRankSum += midRank }
            start = end + 1
        }
        let p = Double(positives)
        let u = positiveRankSum - p * (p + 1) / 2
        return u / (p * Double(negatives))
    }
}
