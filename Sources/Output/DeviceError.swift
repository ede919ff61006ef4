import Glibc

/// A failed call on a sound device: which device, which C function, and
/// the error it returned.
public struct DeviceError: Error, Equatable, CustomStringConvertible {
    /// The PCM name.
    public var device: String
    /// The C function that failed, `snd_pcm_open`, `snd_pcm_writei`...
    public var function: String
    /// The positive errno value.
    public var code: Int32
    /// What the library said, `snd_strerror`'s text.
    public var text: String

    public init(device: String, function: String, code: Int32, text: String) {
        self.device = device
        self.function = function
        self.code = code
        self.text = text
    }

    /// How the failure is handled.
    public enum Kind: Sendable {
        /// The device is not there (no card, unplugged, server gone).
        case absent
        /// Someone else has it open.
        case busy
        /// Anything else: a configuration the device refuses, a bug.
        case other
    }

    public var kind: Kind {
        switch code {
        case ENODEV, ENOENT, EIO, ENXIO, ESHUTDOWN, ECONNREFUSED, EBADFD, EHOSTDOWN: .absent
        case EBUSY, EAGAIN: .busy
        default: .other
        }
    }

    public var description: String { "audio device '\(device)': \(text) (\(function))" }
}
