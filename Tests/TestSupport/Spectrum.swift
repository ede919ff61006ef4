import Foundation

/// The amplitude spectrum of a stretch of samples, for checks of what a
/// signal holds above some frequency (the keep-awake tone's harmonics).
public struct Spectrum {
    /// Each bin's peak amplitude in dBFS: a full-scale sine centred on a
    /// bin reads 0 dB there (a Blackman window, normalized to its gain).
    public let decibels: [Double]
    /// The width of a bin in Hz.
    public let binHertz: Double

    /// The spectrum of the first power-of-two count of `samples` (at least 2).
    public init(_ samples: [Float], rate: Int) {
        var size = 1
        while size * 2 <= samples.count { size *= 2 }
        precondition(size >= 2, "a spectrum needs two samples")
        var real = [Double](repeating: 0, count: size)
        var imaginary = [Double](repeating: 0, count: size)
        var windowSum = 0.0
        for index in 0..<size {
            let x = 2 * Double.pi * Double(index) / Double(size - 1)
            let window = 0.42 - 0.5 * cos(x) + 0.08 * cos(2 * x)
            windowSum += window
            real[index] = Double(samples[index]) * window
        }
        Self.transform(&real, &imaginary)
        decibels = (0...size / 2).map { bin in
            let magnitude = (real[bin] * real[bin] + imaginary[bin] * imaginary[bin]).squareRoot() * 2 / windowSum
            return 20 * log10(max(magnitude, 1e-20))
        }
        binHertz = Double(rate) / Double(size)
    }

    /// The frequency of a bin in Hz.
    public func hertz(_ bin: Int) -> Double { Double(bin) * binHertz }

    /// The loudest bin at or above `hertz`: its frequency and level in dBFS.
    public func loudest(above hertz: Double) -> (hertz: Double, decibels: Double) {
        let first = Int((hertz / binHertz).rounded(.up))
        var best = first
        for bin in first..<decibels.count where decibels[bin] > decibels[best] { best = bin }
        return (self.hertz(best), decibels[best])
    }

    /// The loudest bin of all.
    public var peak: (hertz: Double, decibels: Double) { loudest(above: 0) }

    /// An in-place radix-2 FFT.
    private static func transform(_ real: inout [Double], _ imaginary: inout [Double]) {
        let count = real.count
        var target = 0
        for index in 0..<count {
            if index < target {
                real.swapAt(index, target)
                imaginary.swapAt(index, target)
            }
            var bit = count >> 1
            while bit > 0, target & bit != 0 {
                target ^= bit
                bit >>= 1
            }
            target |= bit
        }
        var length = 2
        while length <= count {
            let angle = -2 * Double.pi / Double(length)
            for start in stride(from: 0, to: count, by: length) {
                for k in 0..<length / 2 {
                    let (c, s) = (cos(angle * Double(k)), sin(angle * Double(k)))
                    let (i, j) = (start + k, start + k + length / 2)
                    let tr = real[j] * c - imaginary[j] * s
                    let ti = real[j] * s + imaginary[j] * c
                    real[j] = real[i] - tr
                    imaginary[j] = imaginary[i] - ti
                    real[i] += tr
                    imaginary[i] += ti
                }
            }
            length *= 2
        }
    }
}
