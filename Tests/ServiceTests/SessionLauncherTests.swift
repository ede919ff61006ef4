import Configuration
import Logging
import Output
import Service
import Testing

/// What the one launcher asks the device for, from the config and from a plain device name.
@Suite struct SessionLauncherTests {
    static func never(_ duration: Duration, _ more: () -> Bool) -> Bool { false }

    @Test func theConfigsSettingsMakeTheRequest() {
        var settings = Settings(environment: [:])
        settings.device = "hw:CARD=DAC"
        settings.bufferMilliseconds = 200
        settings.rewindMilliseconds = 0
        settings.sampleFormat = .s16
        let launcher = SessionLauncher(settings: settings, logger: Logger(label: "test"), wait: Self.never)
        #expect(
            launcher.request(rate: 44_100, channels: 1)
                == DeviceRequest(
                    device: "hw:CARD=DAC", sampleRate: 44_100, channels: 1, bufferMilliseconds: 200, sampleFormat: .s16,
                    answersApart: true))
        // The answers kept in the session's stream: its buffer is halved on a sound server to answer in time.
        settings.earconDevice = "output"
        #expect(!SessionLauncher(settings: settings, logger: Logger(label: "test"), wait: Self.never).request(rate: 48_000, channels: 2).answersApart)
        #expect(launcher.live(volume: -6).volume == -6 && launcher.live().leadIn == .milliseconds(settings.leadInMilliseconds))
    }

    @Test func aPlainDeviceIsAskedForAsIs() {
        let launcher = SessionLauncher(device: "default", giveUpAfter: .seconds(5), logger: Logger(label: "test"), wait: Self.never)
        #expect(launcher.request(rate: 48_000, channels: 2) == DeviceRequest(device: "default", sampleRate: 48_000, channels: 2))
    }

    @Test func noMixerControlNamedOpensNone() throws {
        let launcher = SessionLauncher(device: "default", giveUpAfter: .seconds(5), logger: Logger(label: "test"), wait: Self.never)
        #expect(try launcher.openCardVolume() == nil)
    }
}
