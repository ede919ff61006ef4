import CALSA
import Glibc
import Logging
import SystemCalls

/// One open ALSA playback PCM, negotiated and prepared, in non-blocking mode.
///
/// The hardware parameters are asked for and then read back, never assumed:
/// a device may grant another rate, one channel, or a smaller buffer. When
/// the buffer comes back shorter than two periods it is asked for again by
/// period size, as some devices only honour that. Writes never wait: the
/// stream waits in `poll` on the PCM's descriptors and a wake-up together,
/// as MPD and aplay's non-blocking mode do.
final class ALSADevice: PCMDevice {
    let format: DeviceFormat
    private let pcm: OpaquePointer
    private let name: String
    /// The PCM's poll descriptors, and one more slot for a wake-up.
    private let pollers: UnsafeMutableBufferPointer<pollfd>
    private var closed = false

    /// Formats tried in order when none is forced: the widest the device takes natively.
    static let preferredFormats: [SampleFormat] = [.float, .s32, .s16]

    init(_ request: DeviceRequest, logger: Logger) throws(DeviceError) {
        name = request.device
        var handle: OpaquePointer?
        try Self.call(
            "snd_pcm_open", request.device,
            snd_pcm_open(&handle, request.device, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK))
        guard let handle else {
            throw DeviceError(device: request.device, function: "snd_pcm_open", code: ENODEV, text: "no device")
        }
        pcm = handle
        let type = snd_pcm_type(handle)
        let kind = PCMKind.of(request.device)
        let isServer = kind == .unknown ? Self.isServer(handle) : kind.isServer
        let keepsTime = type != SND_PCM_TYPE_FILE && type != SND_PCM_TYPE_NULL
        // BlueALSA sends what it is given to the device at once: nothing can be taken back.
        let rewinds = request.rewindMilliseconds > 0 && keepsTime && !isServer && kind != .blueALSA
        do {
            var granted: DeviceFormat
            if rewinds, let deep = Self.deepBuffer(handle, request) {
                granted = deep
            } else {
                if request.rewindMilliseconds > 0, keepsTime, !isServer {
                    logger.debug("\(request.device) cannot rewind; keeping \(request.bufferMilliseconds) ms queued")
                    snd_pcm_hw_free(handle)
                }
                granted = try Self.shallowBuffer(handle, request, isServer: isServer, logger: logger)
                granted.keepsTime = keepsTime
                try Self.configureSoftware(handle, granted, request.device)
                try Self.call("snd_pcm_prepare", request.device, snd_pcm_prepare(handle))
            }
            let count = snd_pcm_poll_descriptors_count(handle)
            try Self.call("snd_pcm_poll_descriptors_count", request.device, count)
            pollers = .allocate(capacity: Int(count) + 1)
            pollers.initialize(repeating: pollfd())
            let filled = snd_pcm_poll_descriptors(handle, pollers.baseAddress, UInt32(count))
            try Self.call("snd_pcm_poll_descriptors", request.device, filled)
            format = granted
        } catch {
            snd_pcm_close(handle)
            throw error
        }
        logger.debug("opened \(request.device): \(format)")
    }

    deinit {
        close()
        pollers.deallocate()
    }

    /// Whether the PCM the name opens is a sound server: as ALSA's
    /// configuration says (`PCMKind`), or, for a name it does not explain,
    /// a plugin of ALSA's I/O type, opened without waiting and closed again.
    static func isServer(named name: String) -> Bool {
        let kind = PCMKind.of(name)
        guard kind == .unknown else { return kind.isServer }
        var handle: OpaquePointer?
        guard snd_pcm_open(&handle, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK) == 0, let handle else { return false }
        defer { snd_pcm_close(handle) }
        return isServer(handle)
    }

    /// Whether an open PCM is ALSA's I/O plugin type, which hands frames to a sound server.
    private static func isServer(_ pcm: OpaquePointer) -> Bool { snd_pcm_type(pcm) == SND_PCM_TYPE_IOPLUG }

    func write(_ bytes: UnsafeRawPointer, frames: Int) throws(DeviceError) -> Int {
        let result = snd_pcm_writei(pcm, bytes, snd_pcm_uframes_t(frames))
        if result == -Int(EAGAIN) { return 0 }
        try Self.call("snd_pcm_writei", name, Int32(clamping: min(0, result)))
        return result
    }

    func waitForRoom(upTo timeout: Duration, wakeUp: WakeUp) -> DeviceWait {
        // A buffer kept full wakes only when several periods are free, and
        // is then topped up a period at a time without waiting again.
        if format.rewinds {
            let room = snd_pcm_avail_update(pcm)
            if room < 0 || room >= format.periodFrames { return .ready }
        }
        let count = pollers.count - 1
        pollers[count] = pollfd(fd: wakeUp.descriptor, events: Int16(POLLIN), revents: 0)
        for index in 0..<count { pollers[index].revents = 0 }
        let ready = poll(pollers.baseAddress, nfds_t(pollers.count), timeout.pollMilliseconds)
        if ready == 0 { return .timedOut }
        // An interrupted poll: look again at once, as after any other wake.
        if ready < 0 { return .ready }
        if pollers[count].revents != 0 { return .woken }
        var events: UInt16 = 0
        // A failure here is the device's, and the next write reports it.
        if snd_pcm_poll_descriptors_revents(pcm, pollers.baseAddress, UInt32(count), &events) < 0 { return .ready }
        if events & UInt16(POLLOUT | POLLERR | POLLHUP) != 0 { return .ready }
        // A descriptor awake with no room: PipeWire's plugin keeps its
        // eventfd readable while it has none (polling it again spins), and
        // frees room a graph quantum at a time, so a period may take two
        // quanta. With less than a period free, the buffer holds the rest:
        // wait a whole period, on the wake-up alone, then write.
        let period = Duration.microseconds(Int64(format.periodFrames) * 1_000_000 / Int64(max(1, format.sampleRate)))
        return wakeUp.wait(upTo: min(timeout, period)) ? .woken : .ready
    }

    func prepare() throws(DeviceError) { try Self.call("snd_pcm_prepare", name, snd_pcm_prepare(pcm)) }

    func resume() throws(DeviceError) -> Bool {
        let result = snd_pcm_resume(pcm)
        if result == -EAGAIN { return false }
        try Self.call("snd_pcm_resume", name, result)
        return true
    }

    func delay() -> Int {
        // A sound server's delay is worked out from the room left, since
        // asking it (`snd_pcm_delay`) may wait for the server.
        if format.feedsSoundServer {
            let room = snd_pcm_avail_update(pcm)
            return room < 0 ? 0 : max(0, format.bufferFrames - Int(room))
        }
        var frames: snd_pcm_sframes_t = 0
        return snd_pcm_delay(pcm, &frames) < 0 ? 0 : max(0, Int(frames))
    }

    func drop() { snd_pcm_drop(pcm) }

    func rewindable() -> Int {
        // Where the card is now: without asking it (snd_pcm_avail), ALSA
        // answers from where it was at the last write, and a rewind of
        // that much is refused.
        guard snd_pcm_avail(pcm) >= 0 else { return 0 }
        let frames = snd_pcm_rewindable(pcm)
        let margin = Self.rewindMarginMilliseconds * format.sampleRate / 1000
        return max(0, Int(frames) - margin)
    }

    func rewind(_ frames: Int) -> Bool {
        let rewound = snd_pcm_rewind(pcm, snd_pcm_uframes_t(frames))
        guard rewound != frames else { return true }
        // Part of it: put the stream back where it was.
        if rewound > 0 { snd_pcm_forward(pcm, snd_pcm_uframes_t(rewound)) }
        return false
    }

    func close() {
        guard !closed else { return }
        closed = true
        snd_pcm_close(pcm)
    }

    // MARK: Negotiation

    /// Periods of a buffer kept full: a rewind goes back whole periods, so
    /// what a key brings is heard within the rewind margin and one period.
    static let rewindPeriods = 12
    /// Frames left in front of the card when rewinding, in milliseconds:
    /// what its DMA may already have fetched.
    static let rewindMarginMilliseconds = 20

    /// The buffer the request asks for when nothing is rewound. A sound
    /// server's plugin (PulseAudio, PipeWire) keeps its whole buffer full
    /// whatever we ask: with the answers to keys in the session's stream it
    /// is asked for only the part we would keep filled, half; with the
    /// answers on a stream of their own, for all of it.
    private static func shallowBuffer(_ pcm: OpaquePointer, _ request: DeviceRequest, isServer: Bool, logger: Logger)
        throws(DeviceError) -> DeviceFormat
    {
        var asked = request
        if isServer, !request.answersApart { asked.bufferMilliseconds = max(10, request.bufferMilliseconds / 2) }
        var granted = try negotiate(pcm, asked, byPeriodSize: false)
        if granted.bufferFrames < 2 * granted.periodFrames {
            logger.debug("buffer of \(granted.bufferFrames) frames is under two periods; asking by period size")
            granted = try negotiate(pcm, asked, byPeriodSize: true)
        }
        if isServer {
            granted.fillFrames = granted.bufferFrames
            granted.feedsSoundServer = true
        }
        return granted
    }

    /// A buffer of `request.rewindMilliseconds` kept full, prepared, when
    /// the device shows it can take frames back: one period of silence is
    /// written (below the start threshold, so nothing plays) and rewound.
    /// `nil` when it cannot (ALSA's rate converter, some plugins), after
    /// which the device is set up again from scratch.
    private static func deepBuffer(_ pcm: OpaquePointer, _ request: DeviceRequest) -> DeviceFormat? {
        var asked = request
        asked.bufferMilliseconds = request.rewindMilliseconds
        asked.periods = rewindPeriods
        guard var granted = try? negotiate(pcm, asked, byPeriodSize: false),
            granted.bufferFrames >= 4 * granted.periodFrames
        else { return nil }
        granted.fillFrames = granted.bufferFrames
        granted.rewinds = true
        guard (try? configureSoftware(pcm, granted, request.device)) != nil, snd_pcm_prepare(pcm) == 0 else { return nil }
        let silence = UnsafeMutableRawPointer.allocate(byteCount: granted.periodFrames * granted.bytesPerFrame, alignment: 16)
        defer { silence.deallocate() }
        silence.initializeMemory(as: UInt8.self, repeating: 0, count: granted.periodFrames * granted.bytesPerFrame)
        let period = snd_pcm_sframes_t(granted.periodFrames)
        let rewound =
            snd_pcm_writei(pcm, silence, snd_pcm_uframes_t(period)) == period && snd_pcm_rewindable(pcm) >= period
            && snd_pcm_rewind(pcm, snd_pcm_uframes_t(period)) == period
        snd_pcm_drop(pcm)
        guard rewound, snd_pcm_prepare(pcm) == 0 else { return nil }
        return granted
    }

    private static func negotiate(_ pcm: OpaquePointer, _ request: DeviceRequest, byPeriodSize: Bool) throws(DeviceError)
        -> DeviceFormat
    {
        let device = request.device
        var params: OpaquePointer?
        try call("snd_pcm_hw_params_malloc", device, snd_pcm_hw_params_malloc(&params))
        defer { snd_pcm_hw_params_free(params) }
        try call("snd_pcm_hw_params_any", device, snd_pcm_hw_params_any(pcm, params))
        try call(
            "snd_pcm_hw_params_set_access", device,
            snd_pcm_hw_params_set_access(pcm, params, SND_PCM_ACCESS_RW_INTERLEAVED))
        // Our own resampler is better than ALSA's plug layer: take the device's rate.
        try call("snd_pcm_hw_params_set_rate_resample", device, snd_pcm_hw_params_set_rate_resample(pcm, params, 0))

        let candidates = request.sampleFormat.map { [$0] } ?? preferredFormats
        guard let sampleFormat = candidates.first(where: { snd_pcm_hw_params_test_format(pcm, params, $0.alsa) == 0 })
        else {
            let names = candidates.map(\.rawValue).joined(separator: ", ")
            throw DeviceError(
                device: device, function: "snd_pcm_hw_params_set_format", code: EINVAL,
                text: "takes none of the sample formats \(names)")
        }
        try call(
            "snd_pcm_hw_params_set_format", device, snd_pcm_hw_params_set_format(pcm, params, sampleFormat.alsa))

        var channels = UInt32(request.channels)
        try call(
            "snd_pcm_hw_params_set_channels_near", device,
            snd_pcm_hw_params_set_channels_near(pcm, params, &channels))
        guard channels == 1 || channels == 2 else {
            throw DeviceError(
                device: device, function: "snd_pcm_hw_params_set_channels_near", code: EINVAL,
                text: "plays only \(channels) channels; try plughw:... or default")
        }
        var rate = UInt32(request.sampleRate)
        try call("snd_pcm_hw_params_set_rate_near", device, snd_pcm_hw_params_set_rate_near(pcm, params, &rate, nil))

        let bufferFrames = snd_pcm_uframes_t(request.bufferMilliseconds * Int(rate) / 1000)
        if byPeriodSize {
            var period = bufferFrames / snd_pcm_uframes_t(max(2, request.periods))
            var buffer = period * snd_pcm_uframes_t(max(2, request.periods))
            try call(
                "snd_pcm_hw_params_set_period_size_near", device,
                snd_pcm_hw_params_set_period_size_near(pcm, params, &period, nil))
            try call(
                "snd_pcm_hw_params_set_buffer_size_near", device,
                snd_pcm_hw_params_set_buffer_size_near(pcm, params, &buffer))
        } else {
            var bufferTime = UInt32(request.bufferMilliseconds * 1000)
            var periods = UInt32(request.periods)
            try call(
                "snd_pcm_hw_params_set_buffer_time_near", device,
                snd_pcm_hw_params_set_buffer_time_near(pcm, params, &bufferTime, nil))
            try call(
                "snd_pcm_hw_params_set_periods_near", device,
                snd_pcm_hw_params_set_periods_near(pcm, params, &periods, nil))
        }
        try call("snd_pcm_hw_params", device, snd_pcm_hw_params(pcm, params))

        var period: snd_pcm_uframes_t = 0
        var buffer: snd_pcm_uframes_t = 0
        try call(
            "snd_pcm_hw_params_get_period_size", device, snd_pcm_hw_params_get_period_size(params, &period, nil))
        try call("snd_pcm_hw_params_get_buffer_size", device, snd_pcm_hw_params_get_buffer_size(params, &buffer))
        return DeviceFormat(
            sampleRate: Int(rate), channels: Int(channels), sampleFormat: sampleFormat, periodFrames: Int(period),
            bufferFrames: Int(buffer))
    }

    /// Keeps at most `format.fillFrames` queued: a wait for room lasts until
    /// the device has `format.wakeFrames` free (avail_min), and playing starts
    /// once the mark is reached. Less queued sound means a key's earcon is
    /// heard sooner; the rest of the buffer is slack the device may use.
    private static func configureSoftware(_ pcm: OpaquePointer, _ format: DeviceFormat, _ device: String)
        throws(DeviceError)
    {
        var params: OpaquePointer?
        try call("snd_pcm_sw_params_malloc", device, snd_pcm_sw_params_malloc(&params))
        defer { snd_pcm_sw_params_free(params) }
        try call("snd_pcm_sw_params_current", device, snd_pcm_sw_params_current(pcm, params))
        try call(
            "snd_pcm_sw_params_set_start_threshold", device,
            snd_pcm_sw_params_set_start_threshold(pcm, params, snd_pcm_uframes_t(format.fillFrames)))
        try call(
            "snd_pcm_sw_params_set_avail_min", device,
            snd_pcm_sw_params_set_avail_min(pcm, params, snd_pcm_uframes_t(format.wakeFrames)))
        try call("snd_pcm_sw_params", device, snd_pcm_sw_params(pcm, params))
    }

    /// The one place an ALSA return code becomes a Swift error.
    static func call(_ function: String, _ device: String, _ result: Int32) throws(DeviceError) {
        guard result < 0 else { return }
        throw DeviceError(device: device, function: function, code: -result, text: String(cString: snd_strerror(result)))
    }
}

extension SampleFormat {
    /// The ALSA format that carries this one: 24-bit samples travel in the top
    /// bytes of a 32-bit word, as `encode` lays them out.
    var alsa: snd_pcm_format_t {
        switch self {
        case .s16: SND_PCM_FORMAT_S16_LE
        case .s24, .s32: SND_PCM_FORMAT_S32_LE
        case .float: SND_PCM_FORMAT_FLOAT_LE
        }
    }
}
