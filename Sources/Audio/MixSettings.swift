import Glibc
import Routines

/// How loud each layer plays, in dB, and which are silent.
public struct MixSettings: Equatable, Sendable {
    /// Gain per layer in dB; a layer not listed plays at 0 dB.
    public var gains: [Layer: Double]
    /// Layers left out of the mix.
    public var muted: Set<Layer>
    /// Gain of the whole mix in dB, before the limiter.
    public var master: Double
    /// Output channels: 2 (stereo) or 1 (mono).
    public var channels: Int
    /// Left-side prompts and chimes toward the left channel, right-side toward the right.
    public var panSides: Bool
    /// The built-in soft noise as the ambient layer when no pack has an
    /// ambient sound (a pack's plays whenever the layer is not muted).
    public var ambientNoise: Bool
    /// The inaudible keep-awake tone under the whole session, after the
    /// volume and the limiter (`KeepAwakeTone`, `--keep-awake`).
    public var keepAwake: Bool

    public init(
        gains: [Layer: Double] = [:], muted: Set<Layer> = [], master: Double = 0, channels: Int = 2, panSides: Bool = false,
        ambientNoise: Bool = false, keepAwake: Bool = false
    ) {
        self.gains = gains
        self.muted = muted
        self.master = master
        self.channels = channels
        self.panSides = panSides
        self.ambientNoise = ambientNoise
        self.keepAwake = keepAwake
    }

    /// Where a side's prompts and chimes sit with `panSides`: -1 is all left,
    /// 1 all right; toward a side, not in it, so both ears still hear it.
    public static let sidePan = 0.6

    /// The left and right gains of a sound at `position` (-1 to 1): equal
    /// power, 1 and 1 in the middle.
    public static func pan(_ position: Double) -> (left: Float, right: Float) {
        let angle = (position + 1) * Double.pi / 4
        return (Float(cos(angle) * 2.0.squareRoot()), Float(sin(angle) * 2.0.squareRoot()))
    }

    /// The linear gain `layer` plays at: 0 when muted.
    public func linearGain(_ layer: Layer) -> Float {
        muted.contains(layer) ? 0 : Float(decibels: gains[layer] ?? 0)
    }

    /// Layer gains a user may set, in dB.
    public static let gainRange = RoutineLimits.gain
}

extension Float {
    /// The linear factor of a gain in dB.
    public init(decibels: Double) { self = Float(pow(10, decibels / 20)) }
}
