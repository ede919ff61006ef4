/// The sounds of a live mixer's slots at one moment, as its preparer made
/// them (`Mixer.table()`): never changed once made, so the audio thread
/// renders from it (`Mixer.render(…, sounds:)`) without a lock, and a newer
/// table replaces it whole.
public final class SoundTable: Sendable {
    /// Each slot's sound; `nil` where none is in memory.
    let sounds: [Sound?]

    init(sounds: [Sound?]) { self.sounds = sounds }
}
