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
