import Logging

/// Opens the device a name says: a Snapcast server's source
/// (`snapcast:pipe:PATH`, `snapcast:tcp:HOST:PORT`) or else an ALSA PCM.
public struct DeviceOpener: PCMOpener {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func open(_ request: DeviceRequest) throws(DeviceError) -> any PCMDevice {
        if let target = try SnapcastTarget.named(request.device) { return try SnapcastSink(target, request) }
        return try ALSADevice(request, logger: logger)
    }

    /// Whether the name leads to a sound server (PulseAudio, PipeWire),
    /// which plays another stream beside the session's; `false` for a
    /// card, a Snapcast source, or a device that cannot be opened now.
    public static func reachesSoundServer(_ device: String) -> Bool {
        guard (try? SnapcastTarget.named(device)) == nil else { return false }
        return ALSADevice.isServer(named: device)
    }
}
