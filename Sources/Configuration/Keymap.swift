import Playback

/// Which key does what: Linux key codes to requests.
public struct Keymap: Equatable, Sendable {
    public struct Action: Equatable, Sendable {
        public var request: Request
        /// Acts on press and on each repeat while held, not on release.
        public var repeats: Bool {
            if case .volume = request { return true }
            return false
        }
    }

    public var actions: [UInt16: Action]

    public init(_ actions: [UInt16: Request]) {
        self.actions = actions.mapValues { Action(request: $0) }
    }

    /// Media keys (remotes, headsets: some send KEY_PLAYCD and KEY_PAUSECD),
    /// a USB numpad, and a GPIO button given `keycode=164` (KEY_PLAYPAUSE).
    public static let standard = Keymap([
        KeyNames.code("KEY_PLAYPAUSE")!: .toggle, KeyNames.code("KEY_PLAYCD")!: .toggle,
        KeyNames.code("KEY_PAUSECD")!: .toggle, KeyNames.code("KEY_PLAY")!: .toggle,
        KeyNames.code("KEY_PAUSE")!: .toggle, KeyNames.code("KEY_STOPCD")!: .stop, KeyNames.code("KEY_STOP")!: .stop,
        KeyNames.code("KEY_NEXTSONG")!: .edit(.next), KeyNames.code("KEY_PREVIOUSSONG")!: .edit(.back),
        KeyNames.code("KEY_VOLUMEUP")!: .volume(2), KeyNames.code("KEY_VOLUMEDOWN")!: .volume(-2),
        KeyNames.code("KEY_INFO")!: .whereAmI,
        KeyNames.code("KEY_KPENTER")!: .toggle, KeyNames.code("KEY_KP6")!: .edit(.next), KeyNames.code("KEY_KP4")!: .edit(.back),
        KeyNames.code("KEY_KP8")!: .edit(.lengthen), KeyNames.code("KEY_KP2")!: .edit(.shorten),
        KeyNames.code("KEY_KP9")!: .edit(.faster), KeyNames.code("KEY_KP7")!: .edit(.slower), KeyNames.code("KEY_KP5")!: .whereAmI,
        KeyNames.code("KEY_KPPLUS")!: .volume(2), KeyNames.code("KEY_KPMINUS")!: .volume(-2),
        KeyNames.code("KEY_KP0")!: .stop,
    ])
}

/// Linux key names (linux/input-event-codes.h) for the keys a box might be given.
public enum KeyNames {
    public static let codes: [String: UInt16] = [
        "KEY_ESC": 1, "KEY_1": 2, "KEY_2": 3, "KEY_3": 4, "KEY_4": 5, "KEY_5": 6, "KEY_6": 7, "KEY_7": 8,
        "KEY_8": 9, "KEY_9": 10, "KEY_0": 11, "KEY_MINUS": 12, "KEY_EQUAL": 13, "KEY_BACKSPACE": 14,
        "KEY_TAB": 15, "KEY_Q": 16, "KEY_N": 49, "KEY_B": 48, "KEY_ENTER": 28, "KEY_SPACE": 57,
        "KEY_F1": 59, "KEY_F2": 60, "KEY_F3": 61, "KEY_F4": 62, "KEY_F5": 63,
        "KEY_KP7": 71, "KEY_KP8": 72, "KEY_KP9": 73, "KEY_KPMINUS": 74, "KEY_KP4": 75, "KEY_KP5": 76,
        "KEY_KP6": 77, "KEY_KPPLUS": 78, "KEY_KP1": 79, "KEY_KP2": 80, "KEY_KP3": 81, "KEY_KP0": 82,
        "KEY_KPDOT": 83, "KEY_KPENTER": 96, "KEY_KPSLASH": 98, "KEY_KPASTERISK": 55,
        "KEY_UP": 103, "KEY_PAGEUP": 104, "KEY_LEFT": 105, "KEY_RIGHT": 106, "KEY_DOWN": 108,
        "KEY_PAGEDOWN": 109, "KEY_MUTE": 113, "KEY_VOLUMEDOWN": 114, "KEY_VOLUMEUP": 115, "KEY_POWER": 116,
        "KEY_PAUSE": 119, "KEY_STOP": 128, "KEY_MENU": 139, "KEY_NEXTSONG": 163, "KEY_PLAYPAUSE": 164,
        "KEY_PREVIOUSSONG": 165, "KEY_STOPCD": 166, "KEY_REWIND": 168, "KEY_PLAYCD": 200, "KEY_PAUSECD": 201,
        "KEY_PLAY": 207, "KEY_FASTFORWARD": 208, "KEY_OK": 352, "KEY_SELECT": 353, "KEY_INFO": 358,
        "KEY_NEXT": 407, "KEY_PREVIOUS": 412, "BTN_0": 256, "BTN_1": 257, "BTN_2": 258, "BTN_3": 259,
        "BTN_LEFT": 272, "BTN_RIGHT": 273,
    ]

    /// The code of a key name (`KEY_PLAYPAUSE`) or of a number given as is (`164`).
    public static func code(_ name: String) -> UInt16? { codes[name] ?? UInt16(name) }

    /// The name of a code, or the code as a number.
    public static func name(_ code: UInt16) -> String {
        codes.first { $0.value == code }?.key ?? String(code)
    }
}
