import Foundation

/// Measurements of rendered sound.
enum Signal {
    /// Root mean square level.
    static func rms(_ samples: [Float]) -> Double {
        (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, samples.count))).squareRoot()
    }

    /// The fundamental between 80 and 1000 Hz, by the strongest normalized autocorrelation.
    static func pitch(_ samples: [Float], rate: Int) -> Double {
        let lags = (rate / 1000)...(rate / 80)
        var best = (lag: lags.lowerBound, score: -Double.infinity)
        let count = samples.count - lags.upperBound
        for lag in lags {
            var product = 0.0
            var energy = 0.0
            for index in 0..<count {
                product += Double(samples[index]) * Double(samples[index + lag])
                energy += Double(samples[index + lag]) * Double(samples[index + lag])
            }
            let score = product / max(energy, 1e-12).squareRoot()
            if score > best.score { best = (lag, score) }
        }
        return Double(rate) / Double(best.lag)
    }

    /// Frequency of a steady tone from its rising zero crossings.
    static func frequency(_ samples: [Float], rate: Int) -> Double {
        var crossings: [Int] = []
        for index in 1..<samples.count where samples[index - 1] < 0 && samples[index] >= 0 { crossings.append(index) }
        guard let first = crossings.first, let last = crossings.last, crossings.count > 1 else { return 0 }
        return Double(rate) * Double(crossings.count - 1) / Double(last - first)
    }
}
