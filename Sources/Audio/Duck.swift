/// A layer's gain under the voice: down by a set depth wherever a voice
/// prompt plays, reached along a raised cosine over an attack before the
/// words start and left over a release after they end, so the layer never
/// steps. Where the gap between two prompts is shorter than an attack and a
/// release, the layer stays down between them.
///
/// Worked out from the frame alone, so any part of the session renders
/// exactly as in the whole.
struct Duck: Sendable {
    private let attack: Int64
    private let release: Int64
    private let ducked: Float
    /// The gain all through a span: `gain(at:)`'s value there, worked out the same way.
    private let down: Float
    /// The voice's spans, joined where they are closer than an attack and a release, in order.
    private let spans: [Range<Int64>]

    /// How far the chimes go down under a word: deep, since a pack's chime
    /// may strike as a word starts (the built-in chime.start, struck with
    /// a hold's first "cow", is 4 LU over the word before it goes down).
    static let chimeDecibels = 15.0
    /// How far the breath tones go down under a word: a "cat" falls at the
    /// turn of the breath, where the tone is at its loudest, 2 LU under the word.
    static let breathDecibels = 8.0
    /// How fast the chimes and breath tones go down before a word and come back after it.
    static let attackSeconds = 0.05
    static let releaseSeconds = 0.25

    /// The duck of a layer `decibels` down under the `voice` spans.
    init(under voice: [Range<Int64>], decibels: Double, attackSeconds: Double, releaseSeconds: Double, rate: Int) {
        attack = Int64(attackSeconds * Double(rate))
        release = Int64(releaseSeconds * Double(rate))
        ducked = Float(decibels: -decibels)
        down = 1 - Float(1) * (1 - ducked)
        var spans: [Range<Int64>] = []
        for span in voice.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = spans.last, span.lowerBound - last.upperBound < attack + release {
                spans[spans.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                spans.append(span)
            }
        }
        self.spans = spans
    }

    /// The linear gain at session frame `frame`.
    @inline(__always)
    func gain(at frame: Int64) -> Float { 1 - depth(at: frame) * (1 - ducked) }

    /// Whether the layer plays at full gain all through `frames`.
    func isUp(over frames: Range<Int64>) -> Bool {
        let index = firstSpan(endingAfter: frames.lowerBound)
        return index == spans.count || spans[index].lowerBound - attack >= frames.upperBound
    }

    /// Hands `body` the stretches of `frames` in order, each with the layer's
    /// gain where it holds still (1 away from the voice, the ducked gain under
    /// it) or nil where it moves along an attack or a release, for which
    /// `gain(at:)` gives each frame's. A frame's gain does not depend on the
    /// stretch it falls in, so a part renders as in the whole.
    func forEachStretch(over frames: Range<Int64>, _ body: (_ stretch: Range<Int64>, _ steadyGain: Float?) -> Void) {
        var frame = frames.lowerBound
        func stretch(until end: Int64, _ gain: Float?) {
            let upTo = min(end, frames.upperBound)
            guard frame < upTo else { return }
            body(frame..<upTo, gain)
            frame = upTo
        }
        var index = firstSpan(endingAfter: frame)
        while frame < frames.upperBound {
            guard index < spans.count else { return stretch(until: frames.upperBound, 1) }
            let span = spans[index]
            stretch(until: span.lowerBound - attack, 1)
            stretch(until: span.lowerBound, nil)
            stretch(until: span.upperBound, down)
            stretch(until: span.upperBound + release, nil)
            index += 1
        }
    }

    /// How far down the layer is at `frame`: 0 (not at all) to 1 (fully ducked).
    private func depth(at frame: Int64) -> Float {
        let index = firstSpan(endingAfter: frame)
        guard index < spans.count else { return 0 }
        let span = spans[index]
        if frame < span.lowerBound - attack { return 0 }
        if frame < span.lowerBound { return Fade.gain(Int(frame - (span.lowerBound - attack)), of: Int(attack)) }
        if frame < span.upperBound { return 1 }
        return Fade.gain(Int(span.upperBound + release - 1 - frame), of: Int(release))
    }

    /// The first span that ends, release included, after `frame`.
    private func firstSpan(endingAfter frame: Int64) -> Int {
        spans.partitionPoint { $0.upperBound + release <= frame }
    }
}
