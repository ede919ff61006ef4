import Glibc

import Routines
import Timing

/// The layers of a mix, each with its own gain and mute.
public enum Layer: String, CaseIterable, Sendable {
    /// Spoken prompts.
    case voice
    /// Bells, chimes and ticks.
    case chime
    /// The breathing tones.
    case breath
    /// The background loop under the session (see `Ambient`).
    case ambient

    /// The layer a cue's sound plays on.
    public init(_ kind: CueKind) {
        switch kind {
        case .voice: self = .voice
        case .breathInhale, .breathExhale, .breathHold: self = .breath
        case .bellStart, .chimeStart, .chimeHalfway, .tick, .chimeSwitch, .chimeEnd, .bellEnd: self = .chime
        }
    }
}

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

    public init(
        gains: [Layer: Double] = [:], muted: Set<Layer> = [], master: Double = 0, channels: Int = 2, panSides: Bool = false,
        ambientNoise: Bool = false
    ) {
        self.gains = gains
        self.muted = muted
        self.master = master
        self.channels = channels
        self.panSides = panSides
        self.ambientNoise = ambientNoise
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

/// Gains changed while a session plays, on top of `MixSettings`: linear
/// factors per layer and for the whole mix. The default changes nothing.
public struct LiveGains: Equatable, Sendable {
    public var voice: Float = 1
    public var chime: Float = 1
    public var breath: Float = 1
    public var master: Float = 1

    public init(voice: Float = 1, chime: Float = 1, breath: Float = 1, master: Float = 1) {
        self.voice = voice
        self.chime = chime
        self.breath = breath
        self.master = master
    }

    /// The factor for a layer, the master included; the ambient layer
    /// follows the master alone.
    @inline(__always)
    func factor(_ layer: Layer) -> Float {
        switch layer {
        case .voice: voice * master
        case .chime: chime * master
        case .breath: breath * master
        case .ambient: master
        }
    }
}
