import CALSA
import Glibc

/// One open ALSA capture PCM, for recording a voice: 16-bit samples at the
/// rate nearest the one asked for, mixed to mono as they are read.
///
/// Reads wait at most a given time (`snd_pcm_wait`), so a microphone that
/// delivers nothing cannot hang the program; an overrun (the program was
/// late to read) is recovered with `snd_pcm_prepare` and counted.
public final class ALSACapture {
    /// The rate the device granted.
    public let rate: Int
    /// The channels the device delivers (mixed to mono on reading).
    public let channels: Int
    /// Overruns recovered so far.
    public private(set) var overruns = 0
    private let pcm: OpaquePointer
    private let name: String
    private var buffer: [Int16] = []

    public init(device: String, rate: Int) throws(DeviceError) {
        name = device
        var handle: OpaquePointer?
        try ALSADevice.call("snd_pcm_open", device, snd_pcm_open(&handle, device, SND_PCM_STREAM_CAPTURE, 0))
        guard let handle else { throw DeviceError(device: device, function: "snd_pcm_open", code: ENODEV, text: "no device") }
        pcm = handle
        do {
            var params: OpaquePointer?
            try ALSADevice.call("snd_pcm_hw_params_malloc", device, snd_pcm_hw_params_malloc(&params))
            defer { snd_pcm_hw_params_free(params) }
            try ALSADevice.call("snd_pcm_hw_params_any", device, snd_pcm_hw_params_any(handle, params))
            try ALSADevice.call(
                "snd_pcm_hw_params_set_access", device, snd_pcm_hw_params_set_access(handle, params, SND_PCM_ACCESS_RW_INTERLEAVED))
            try ALSADevice.call(
                "snd_pcm_hw_params_set_format", device, snd_pcm_hw_params_set_format(handle, params, SND_PCM_FORMAT_S16_LE))
            var channels: UInt32 = 1
            try ALSADevice.call(
                "snd_pcm_hw_params_set_channels_near", device, snd_pcm_hw_params_set_channels_near(handle, params, &channels))
            var granted = UInt32(rate)
            try ALSADevice.call(
                "snd_pcm_hw_params_set_rate_near", device, snd_pcm_hw_params_set_rate_near(handle, params, &granted, nil))
            // Half a second of room: a recorder busy for a moment loses nothing.
            var bufferTime: UInt32 = 500_000
            try ALSADevice.call(
                "snd_pcm_hw_params_set_buffer_time_near", device,
                snd_pcm_hw_params_set_buffer_time_near(handle, params, &bufferTime, nil))
            try ALSADevice.call("snd_pcm_hw_params", device, snd_pcm_hw_params(handle, params))
            self.rate = Int(granted)
            self.channels = Int(channels)
            try ALSADevice.call("snd_pcm_prepare", device, snd_pcm_prepare(handle))
            try ALSADevice.call("snd_pcm_start", device, snd_pcm_start(handle))
        } catch {
            snd_pcm_close(handle)
            throw error
        }
    }

    deinit { snd_pcm_close(pcm) }

    /// Reads up to `frames` frames as mono samples in [-1, 1], waiting at
    /// most `timeout` for the first; an empty result means nothing came.
    public func read(frames: Int, timeout: Duration) throws(DeviceError) -> [Float] {
        let ready = snd_pcm_wait(pcm, timeout.pollMilliseconds)
        if ready == 0 { return [] }
        if ready == -EPIPE || ready == -ESTRPIPE {
            try recover()
            return []
        }
        try ALSADevice.call("snd_pcm_wait", name, ready)
        if buffer.count < frames * channels { buffer = [Int16](repeating: 0, count: frames * channels) }
        let count = buffer.withUnsafeMutableBytes { snd_pcm_readi(pcm, $0.baseAddress, snd_pcm_uframes_t(frames)) }
        if count == -Int(EPIPE) || count == -Int(EAGAIN) {
            if count == -Int(EPIPE) { try recover() }
            return []
        }
        try ALSADevice.call("snd_pcm_readi", name, Int32(clamping: min(0, count)))
        let scale = 1 / (Float(channels) * 32768)
        return (0..<count).map { frame in
            (0..<channels).reduce(Float(0)) { $0 + Float(buffer[frame * channels + $1]) } * scale
        }
    }

    private func recover() throws(DeviceError) {
        overruns += 1
        try ALSADevice.call("snd_pcm_prepare", name, snd_pcm_prepare(pcm))
        try ALSADevice.call("snd_pcm_start", name, snd_pcm_start(pcm))
    }
}
