import Audio
import Configuration
import InMemoryLogging
import Logging
import Output
import Playback
@testable import Service
import Synchronization
import Testing

/// The box's devices are opened when needed, not at every idle request.
@Suite struct BoxSoundTests {
    let logs = InMemoryLogHandler()
    /// Times the answers' device was asked for, and the sound device opened.
    let repliesAsked = Counter()
    let deviceOpened = Counter()
    let cardOpened = Counter()

    /// A box whose device is missing; `mixerControl`: one is named, and cannot be opened.
    func box(mixerControl: Bool = false) -> BoxSound {
        var settings = Settings(environment: [:])
        settings.device = "hw:CARD=NoSuchCard"
        let parts = Daemon.Parts(
            session: { _, options, _ in (LaidOutSource(ShortRoutine.routine), "Short", options) },
            openDevice: { [deviceOpened] _ throws(DeviceError) in
                deviceOpened.add()
                throw DeviceError(device: "hw:CARD=NoSuchCard", function: "snd_pcm_open", code: 2, text: "No such device")
            },
            announcement: { _ in LaidOutSource(ShortRoutine.routine) },
            earcon: { _, _ in .silence },
            openReplies: { [repliesAsked] in
                repliesAsked.add()
                return nil
            },
            openCardVolume: { [cardOpened] () throws(DeviceError) -> HardwareVolume? in
                guard mixerControl else { return nil }
                cardOpened.add()
                throw DeviceError(device: "hw:CARD=NoSuchCard", function: "snd_mixer_attach", code: 19, text: "No such device")
            })
        return BoxSound(parts: parts, settings: settings, logger: Logger(label: "test") { _ in logs })
    }

    @Test func answersWithNoDeviceOfTheirOwnAskForItOnceUntilTheDevicesChange() throws {
        let box = box()
        for _ in 0..<3 { box.answer(.volume, volume: 0) }
        #expect(repliesAsked.value == 1)
        box.devicesChanged()
        box.answer(.volume, volume: 0)
        #expect(repliesAsked.value == 2)
        // A session asks again, and its thread opens the device.
        let run = box.play(LaidOutSource(ShortRoutine.routine), from: .start, volume: 0)
        run.join()
        #expect(repliesAsked.value == 3)
        #expect(deviceOpened.value == 1)
        guard case .noDevice = run.outcome else {
            Issue.record("expected no device, got \(String(describing: run.outcome))")
            return
        }
    }

    @Test func withoutAnswerDeviceAnAnnouncementPlaysOnTheSessionsDevice() throws {
        let box = box()
        guard case .playing(let run) = box.announce(.voice("status.ready"), volume: -3) else {
            Issue.record("the announcement was not played as a session")
            return
        }
        run.join()
        #expect(deviceOpened.value == 1)
    }

    @Test func aMixerControlThatCannotBeOpenedIsWarnedOfOnce() throws {
        let box = box(mixerControl: true)
        for _ in 0..<3 { #expect(box.cardVolume() == nil) }
        // Tried at every need (the card may come), said once.
        #expect(cardOpened.value == 3)
        #expect(logs.entries.filter { $0.message.description.contains("cannot use the mixer control") }.count == 1)
        // None named: nothing to open, nothing to say.
        #expect(self.box().cardVolume() == nil)
        #expect(logs.entries.count == 1)
    }
}

/// A count kept from any thread.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add() { count.add(1, ordering: .relaxed) }
}
