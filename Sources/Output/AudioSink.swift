/// Where rendered frames go: a sound file, a sound card.
public protocol AudioSink: AnyObject {
    /// Frames per second the sink plays or stores.
    var sampleRate: Int { get }
    /// Channels per frame: 1 or 2.
    var channels: Int { get }
    /// Takes `frames` interleaved float frames; returns when all are accepted.
    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws
    /// Ends the stream: everything written is stored or played out.
    func finish() throws
}
