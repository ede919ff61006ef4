import Configuration
import Playback
import Service
import Testing

/// Buttons from recorded `input_event` byte streams: as the kernel sends
/// them, in pieces, with repeats, long presses and devices that vanish.
@Suite struct ButtonsTests {
    static let playPause = KeyNames.code("KEY_PLAYPAUSE")!
    static let volumeUp = KeyNames.code("KEY_VOLUMEUP")!
    static let next = KeyNames.code("KEY_NEXTSONG")!

    /// A key event and the synchronize event the kernel sends after it.
    static func key(_ code: UInt16, _ value: Int32, at milliseconds: Int) -> [UInt8] {
        let time = Duration.milliseconds(1_700_000_000_000 + milliseconds)
        return InputEvent(time: time, type: InputEvent.key, code: code, value: value).bytes
            + InputEvent(time: time, type: InputEvent.synchronize, code: 0, value: 0).bytes
    }

    /// Feeds `stream` in chunks of `chunk` bytes; the requests made.
    static func requests(_ stream: [UInt8], chunk: Int = 7, buttons: inout Buttons) -> [Request] {
        var pending: [UInt8] = []
        var requests: [Request] = []
        for start in stride(from: 0, to: stream.count, by: chunk) {
            pending += stream[start..<min(stream.count, start + chunk)]
            for event in InputEvent.decode(&pending) { if let request = buttons.take(event) { requests.append(request) } }
        }
        #expect(pending.isEmpty)
        return requests
    }

    @Test func aShortPressTogglesALongOneStops() {
        var buttons = Buttons()
        let stream =
            Self.key(Self.playPause, 1, at: 0) + Self.key(Self.playPause, 0, at: 180)
            + Self.key(Self.playPause, 1, at: 5_000) + Self.key(Self.playPause, 2, at: 5_500)
            + Self.key(Self.playPause, 2, at: 5_600) + Self.key(Self.playPause, 0, at: 6_200)
            + Self.key(Self.playPause, 1, at: 9_000) + Self.key(Self.playPause, 0, at: 9_999)
        #expect(Self.requests(stream, buttons: &buttons) == [.toggle, .stop, .toggle])
    }

    @Test func volumeActsOnPressAndEachRepeatOtherKeysOnRelease() {
        var buttons = Buttons()
        let stream =
            Self.key(Self.volumeUp, 1, at: 0) + Self.key(Self.volumeUp, 2, at: 250) + Self.key(Self.volumeUp, 2, at: 283)
            + Self.key(Self.volumeUp, 0, at: 300) + Self.key(Self.next, 1, at: 400) + Self.key(Self.next, 2, at: 650)
            + Self.key(Self.next, 0, at: 700)
        #expect(Self.requests(stream, chunk: 24, buttons: &buttons) == [.volume(2), .volume(2), .volume(2), .edit(.next)])
    }

    @Test func aKeyHeldWhenItsDeviceVanishesDoesNothingLater() {
        var buttons = Buttons()
        var requests = Self.requests(Self.key(Self.playPause, 1, at: 0), buttons: &buttons)
        buttons.forgetHeldKeys()
        requests += Self.requests(Self.key(Self.playPause, 0, at: 3_000), buttons: &buttons)
        #expect(requests.isEmpty)
    }

    @Test func droppedEventsForgetHeldKeys() {
        var buttons = Buttons()
        let dropped = InputEvent(time: .seconds(5), type: InputEvent.synchronize, code: InputEvent.dropped, value: 0).bytes
        let stream = Self.key(Self.next, 1, at: 0) + dropped + Self.key(Self.next, 0, at: 100)
        #expect(Self.requests(stream, buttons: &buttons).isEmpty)
    }

    @Test func keysNotInTheKeymapAndOtherEventsAreIgnored() {
        var buttons = Buttons(keymap: Keymap([KeyNames.code("KEY_F1")!: .whereAmI]))
        let relative = InputEvent(time: .seconds(1), type: 2, code: 0, value: 5).bytes
        let stream = Self.key(Self.playPause, 1, at: 0) + Self.key(Self.playPause, 0, at: 10) + relative
            + Self.key(KeyNames.code("KEY_F1")!, 1, at: 20) + Self.key(KeyNames.code("KEY_F1")!, 0, at: 30)
        #expect(Self.requests(stream, buttons: &buttons) == [.whereAmI])
    }

    @Test func keyNamesAndCodes() {
        #expect(KeyNames.code("KEY_PLAYPAUSE") == 164 && KeyNames.code("KEY_PLAYCD") == 200 && KeyNames.code("217") == 217)
        #expect(KeyNames.name(164) == "KEY_PLAYPAUSE" && KeyNames.name(999) == "999")
        #expect(KeyNames.code("KEY_NOPE") == nil)
        // KEY_POWER shuts a Pi down through logind: never in the standard keymap.
        #expect(Keymap.standard.actions[116] == nil)
    }
}
