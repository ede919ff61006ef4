import CALSA
import Logging
import Synchronization

/// Sends libasound's own "ALSA lib ..." messages to a logger, at debug
/// level, instead of letting them go raw to standard error.
public enum ALSAMessages {
    private static let logger = Mutex<Logger?>(nil)

    /// Routes every libasound message to `logger` from now on.
    public static func route(to logger: Logger) {
        self.logger.withLock { $0 = logger }
        stretchcue_route_alsa_messages { text in
            guard let text else { return }
            ALSAMessages.logger.withLock { $0?.debug("ALSA lib \(String(cString: text))") }
        }
    }
}
