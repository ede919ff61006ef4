import Glibc
import Playback
import Synchronization
import SystemCalls

/// The control thread: reads keys from the terminal and gives the player
/// their requests, and keeps the screen up to date.
///
/// On a terminal the status is one line redrawn in place; with `plain` (no
/// terminal, a screen reader, a log) every event is a line of its own and
/// the cursor never moves. With no terminal on standard input no key is
/// read and the session just plays.
public final class ControlLoop: @unchecked Sendable {
    private let player: PlayerControl
    /// Whether keys are read: from the start, and until standard input ends.
    private var readsKeys: Bool
    private let plain: Bool
    private let running = Atomic<Bool>(true)
    /// Ends the thread's wait at once when it is stopped.
    private let stopping = WakeUp()
    private var thread: BackgroundThread?

    /// How often the loop looks at the player when no key comes: the
    /// status line is redrawn, step lines printed, the observer called.
    /// Each look wakes the thread, so no more often than the screen needs.
    static let tickMilliseconds: Int32 = 250
    /// How long a lone escape byte waits for the rest of a sequence.
    static let escapeWait: Int32 = 50

    /// - Parameters:
    ///   - readsKeys: read keys from standard input (put in raw mode by the caller).
    ///   - mediaPlayer: requests from the desktop's media keys (MPRIS), answered as keys are.
    ///   - plain: one line per event instead of a status line redrawn in place.
    /// Called on the control thread every `tickMilliseconds` or so, and after every key, with the player.
    private let observer: (@Sendable (PlayerControl) -> Void)?
    /// The session as the desktop's media player, if it is one, and the routine's name it shows.
    /// Nil once its bus connection is lost: the session plays on without it.
    private var mediaPlayer: MediaPlayerBus?
    private let routineName: String

    public init(
        player: PlayerControl, readsKeys: Bool, mediaPlayer: MediaPlayerBus? = nil, routineName: String = "",
        plain: Bool, observer: (@Sendable (PlayerControl) -> Void)? = nil
    ) {
        self.mediaPlayer = mediaPlayer
        self.routineName = routineName
        self.player = player
        self.readsKeys = readsKeys
        self.plain = plain
        self.observer = observer
    }

    /// Starts the control thread.
    public func start() {
        thread = BackgroundThread { [self] in loop() }
    }

    /// Stops the thread and clears the status line.
    public func stop() {
        running.store(false, ordering: .relaxed)
        stopping.signal()
        thread?.join()
        thread = nil
        if !plain { StatusLine.standardOutput.clear() }
    }

    private func loop() {
        player.makeEarcons()
        var decoder = KeyDecoder()
        // Steps before the one it starts in (a resumed session) are not announced.
        var lastStep = max(0, player.status.stepNumber - 1)
        var stepsReplayed = player.stepsReplayed
        var bytes = [UInt8](repeating: 0, count: 64)
        /// Looks at the player: the status line redrawn, or a line for each step passed.
        func look() {
            player.tidyUp()
            observer?(player)
            let replayed = player.stepsReplayed
            let status = player.status
            if plain {
                // Every step reached since the last look, even those passed
                // quickly; after going back, or replaying a step once the
                // device is back, the step gone back to.
                if status.stepNumber < lastStep || replayed != stepsReplayed { lastStep = status.stepNumber - 1 }
                stepsReplayed = replayed
                let timeline = player.timeline
                for number in (lastStep + 1)..<max(lastStep + 1, status.stepNumber + 1) where number >= 1 {
                    let passed = LiveStatus(
                        timeline: timeline, frame: timeline.steps[number - 1].start, paused: status.paused,
                        volume: status.volume, breathOn: status.breathOn)
                    if let line = StatusText.stepLine(passed) { TextOutput.standardOutput.line(line) }
                }
                lastStep = max(lastStep, status.stepNumber)
            } else {
                let screen = StatusLine.standardOutput
                screen.draw(StatusText.line(status, columns: screen.columns))
            }
            mediaPlayer?.publish(status, routine: routineName)
        }
        // The status line is fitted to the terminal again as soon as it is resized.
        if !plain { TerminalSize.watchResizes() }
        // Keys (none once standard input has ended: poll passes over a negative descriptor), the stop, a resize,
        // and the media player's bus connection, if any.
        var pollers = [STDIN_FILENO, stopping.descriptor, TerminalSize.resized.descriptor].map {
            pollfd(fd: $0, events: Int16(POLLIN), revents: 0)
        }
        if let mediaPlayer { pollers.append(mediaPlayer.pollDescriptor) }
        while running.load(ordering: .relaxed) {
            for index in pollers.indices { pollers[index].revents = 0 }
            pollers[0].fd = readsKeys ? STDIN_FILENO : -1
            var timeout: Int32 = decoder.isWaiting ? Self.escapeWait : Self.tickMilliseconds
            if pollers.count > 3 {
                pollers[3] = mediaPlayer?.pollDescriptor ?? pollfd(fd: -1, events: 0, revents: 0)
                if let wait = mediaPlayer?.timeout, wait >= 0 { timeout = min(timeout, wait) }
            }
            let ready = Poll.wait(&pollers, milliseconds: timeout)
            guard pollers[1].revents == 0 else { break }
            if pollers[2].revents != 0 { TerminalSize.resized.clear() }
            answerMediaPlayer()
            var keys: [Key] = []
            if pollers[0].revents != 0 {
                switch bytes.withUnsafeMutableBytes({ FileDescriptor.read(STDIN_FILENO, into: $0) }) {
                case .success(0):
                    // End of input: no more keys to read; the session and the screen go on.
                    readsKeys = false
                case .success(let count):
                    keys = decoder.feed(bytes[0..<count])
                case .failure:
                    break
                }
            } else if ready == 0, decoder.isWaiting {
                keys = decoder.flush()
            }
            for key in keys { handle(key) }
            look()
        }
        // The steps passed since the last look, the session's last ones
        // among them, are announced before the thread ends.
        look()
        mediaPlayer?.publish(player.status, routine: routineName, ended: true)
        _ = try? mediaPlayer?.requests()
    }

    /// Carries out what the desktop's media player clients asked, as the
    /// keys would; a lost bus connection ends only the media player.
    private func answerMediaPlayer() {
        guard let mediaPlayer else { return }
        let requests: [MediaPlayerBus.Request]
        do {
            requests = try mediaPlayer.requests()
        } catch {
            self.mediaPlayer = nil
            return
        }
        for request in requests {
            let asked: Request? =
                switch request {
                case .playPause: .toggle
                case .play: .resume
                case .pause: .pause
                case .next: .edit(.next)
                case .previous: .edit(.back)
                case .stop: .stop
                case .volume(let linear):
                    Self.volumeChange(from: player.status.volume, to: MediaPlayerBus.decibels(linear: linear))
                }
            if let asked { perform(asked) }
        }
    }

    /// The volume request that takes the volume from `decibels` nearest to
    /// `target` (within the player's range), or nil when it is there already.
    static func volumeChange(from decibels: Double, to target: Double) -> Request? {
        let range = PlayerControl.volumeRange
        let change = Int((min(max(target, range.lowerBound), range.upperBound) - decibels).rounded())
        return change == 0 ? nil : .volume(change)
    }

    private func perform(_ request: Request) {
        player.perform(request)
        if plain { TextOutput.standardOutput.line(StatusText.commandLine(request, after: player.status)) }
    }

    private func handle(_ key: Key) {
        switch KeyBindings.action(for: key) {
        case .help:
            player.perform(.acknowledge)
            let help = KeyBindings.help.map { $0 + "\n" }.joined()
            StatusLine.standardOutput.writeAbove(help, to: .standardOutput)
        case .request(let request):
            perform(request)
        }
    }
}
