import Foundation

/// Churn risk (流失风险) per buyer, 0…1: logistic regression on `ChurnFeatures`.
///
/// Why this model: the risk has to be explainable to an operator ("overdue for their own rhythm, and the gaps were
/// getting longer"), fit on one brand's customers in well under a second, and score a million profiles in a batch.
/// A logistic regression on six log-scaled features does all three: each weight says how much one signal pushes
/// the odds, and the output is a calibrated probability of "no order within the horizon" for the population it
/// was fitted on.
///
/// Fitting: features are standardised with the training means and standard deviations (kept in the model, so
/// scoring repeats the same transformation); the weights minimise mean log-loss plus a small L2 penalty, found by
/// Newton's method (iteratively reweighted least squares) from zero. With six features each step is one pass over
/// the data and a 7 × 7 solve, and it converges in about ten steps — far fewer passes than gradient descent needs
/// for the same optimum. No randomness: the same examples always give the same model.
///
/// The value holds everything needed to score, so a workspace can fit its own (`fit`) from labelled history
/// (`ChurnExample.observed`) and store it; until then the `starter` model applies.
public struct ChurnModel: Sendable, Equatable, Codable {
    /// Must equal `ChurnFeatures.names`; a stored model with different features is refused by `init?(stored:)`.
    public var featureNames: [String]
    public var means: [Double]
    public var scales: [Double]
    public var weights: [Double]
    public var intercept: Double

    public init(means: [Double], scales: [Double], weights: [Double], intercept: Double) {
        featureNames = ChurnFeatures.names
        self.means = means
        self.scales = scales
        self.weights = weights
        self.intercept = intercept
    }

    /// The model a workspace uses until it has fitted its own: fitted to the synthetic population of the test suite
    /// (6 000 buyers, seed 20261122, 90-day horizon; see `SyntheticBuyers`) and rounded. It encodes the shape
    /// that matters — overdue for one's own rhythm, silent outside orders, gaps lengthening — and ranks buyers of a
    /// differently seeded population better than days since the last order does. Its probabilities reflect that
    /// population's churn rate (about 60 % over 90 days), so treat them as a ranking until the workspace refits.
    public static let starter = ChurnModel(
        means: [1.512, 4.199, 3.230, 1.470, 0.031, 1.341], scales: [1.052, 1.497, 0.547, 1.019, 0.569, 1.108],
        weights: [2.209, -0.633, 1.096, 0.187, 0.370, 2.263], intercept: 1.682)

    /// A stored model if it was fitted on the features this version computes, else nil (refit, or use `starter`).
    public init?(stored: ChurnModel) {
        let n = ChurnFeatures.names.count
        guard stored.featureNames == ChurnFeatures.names, stored.means.count == n, stored.scales.count == n,
            stored.weights.count == n, stored.scales.allSatisfy({ $0 > 0 && $0.isFinite })
        else { return nil }
        self = stored
    }

    /// The probability that this buyer places no order within the horizon the model was fitted for.
    public func risk(_ features: ChurnFeatures) -> Double {
        var z = intercept
        for (j, value) in features.vector.enumerated() { z += weights[j] * (value - means[j]) / scales[j] }
        return Self.sigmoid(z)
    }

    public func risk(_ signals: ChurnSignals, now: Instant, typicalIntervalDays: Double) -> Double {
        risk(ChurnFeatures(signals, now: now, typicalIntervalDays: typicalIntervalDays))
    }

    /// Fits a model to labelled examples; nil unless both churned and retained customers are present.
    /// - Parameter l2: penalty on the squared weights (not the intercept), so that a feature which happens to
    ///   separate a small workspace's customers perfectly cannot take an absurd weight.
    public static func fit(_ examples: [ChurnExample], l2: Double = 0.001) -> ChurnModel? {
        let churned = examples.count { $0.churned }
        guard churned > 0, churned < examples.count else { return nil }
        let features = ChurnFeatures.names.count
        let width = features + 1  // column 0 is the intercept
        let n = examples.count
        let count = Double(n)

        var means = [Double](repeating: 0, count: features)
        var scales = [Double](repeating: 0, count: features)
        for example in examples { for (j, v) in example.features.vector.enumerated() { means[j] += v / count } }
        for example in examples {
            for (j, v) in example.features.vector.enumerated() { scales[j] += (v - means[j]) * (v - means[j]) / count }
        }
        // A constant feature (every buyer has one order, so every trend is 0) keeps scale 1 and ends with weight 0.
        scales = scales.map { $0 > 1e-12 ? $0.squareRoot() : 1 }

        // Row-major design matrix with a leading 1 for the intercept.
        var x = [Double](repeating: 1, count: n * width)
        for (i, example) in examples.enumerated() {
            for (j, v) in example.features.vector.enumerated() { x[i * width + j + 1] = (v - means[j]) / scales[j] }
        }
        let y = examples.map { $0.churned ? 1.0 : 0.0 }

        func loss(_ beta: [Double]) -> Double {
            var total = 0.0
            for i in 0..<n {
                var z = 0.0
                for j in 0..<width { z += x[i * width + j] * beta[j] }
                // log(1 + e^z) − y·z, written to stay finite for large |z|.
                total += max(z, 0) + log1p(exp(-abs(z))) - y[i] * z
            }
            return total / count + 0.5 * l2 * beta.dropFirst().reduce(0) { $0 + $1 * $1 }
        }

        var beta = [Double](repeating: 0, count: width)
        var currentLoss = loss(beta)
        for _ in 0..<50 {
            var gradient = [Double](repeating: 0, count: width)
            var hessian = [Double](repeating: 0, count: width * width)
            for i in 0..<n {
                var z = 0.0
                for j in 0..<width { z += x[i * width + j] * beta[j] }
                let p = sigmoid(z)
                let residual = (p - y[i]) / count
                let curvature = p * (1 - p) / count
                for j in 0..<width {
                    let xj = x[i * width + j]
                    gradient[j] += residual * xj
                    for k in 0...j { hessian[j * width + k] += curvature * xj * x[i * width + k] }
                }
            }
            for j in 0..<width {
                for k in 0..<j { hessian[k * width + j] = hessian[j * width + k] }
                // The penalty; a whisper on the intercept keeps the matrix invertible when the data cannot.
                hessian[j * width + j] += j == 0 ? 1e-9 : l2
                if j > 0 { gradient[j] += l2 * beta[j] }
            }
            guard let step = solve(hessian, gradient, size: width) else { break }
            // Newton steps can overshoot far from the optimum; halve until the loss goes down.
            var scale = 1.0
            var candidate = beta
            var candidateLoss = currentLoss
            while scale > 1e-6 {
                candidate = zip(beta, step).map { $0 - scale * $1 }
                candidateLoss = loss(candidate)
                if candidateLoss <= currentLoss { break }
                scale /= 2
            }
            guard candidateLoss <= currentLoss else { break }
            let moved = zip(beta, candidate).map { abs($0 - $1) }.max() ?? 0
            beta = candidate
            currentLoss = candidateLoss
            if moved < 1e-9 { break }
        }
        return ChurnModel(means: means, scales: scales, weights: Array(beta.dropFirst()), intercept: beta[0])
    }

    /// Solves `a · v = b` for a symmetric positive-definite `a` (row-major, `size` × `size`) by Cholesky
    /// decomposition; nil if `a` is not positive definite.
    private static func solve(_ a: [Double], _ b: [Double], size: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in 0...i {
                var sum = a[i * size + j]
                for k in 0..<j { sum -= l[i * size + k] * l[j * size + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * size + i] = sum.squareRoot()
                } else {
                    l[i * size + j] = sum / l[j * size + j]
                }
            }
        }
        var v = b
        for i in 0..<size {
            for k in 0..<i { v[i] -= l[i * size + k] * v[k] }
            v[i] /= l[i * size + i]
        }
        for i in stride(from: size - 1, through: 0, by: -1) {
            for k in (i + 1)..<size { v[i] -= l[k * size + i] * v[k] }
            v[i] /= l[i * size + i]
        }
        return v
    }

    private static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
}
