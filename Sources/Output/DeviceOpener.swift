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
}
