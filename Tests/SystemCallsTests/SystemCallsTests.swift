import Glibc
import SystemCalls
import TestSupport
import Testing

/// The system-call layer: retries, errors that name the call and the path,
/// and files replaced whole or not at all.
@Suite struct SystemCallsTests {
    let folder = Repository.temporaryFolder()

    @Test func aCallInterruptedBySignalsIsMadeAgain() throws {
        var calls = 0
        let result = try SystemCall.retrying("read") { () -> Int in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(result == 7 && calls == 3)
    }

    @Test func aFailureNamesTheCallThePathAndTheReason() {
        let missing = folder + "/missing.yaml"
        #expect(throws: SystemError(call: "stat", path: missing, errno: .noEntry)) { try Files.status(missing) }
        let error = SystemError(call: "open", path: missing, errno: .noEntry)
        #expect(error.description == missing + ": No such file or directory (open)")
        #expect(Files.kind(of: missing) == nil && Files.kind(of: folder) == .directory)
    }

    @Test func readingStopsAtTheLimit() throws {
        let path = folder + "/big"
        try Files.replace(path, with: [UInt8](repeating: 65, count: 1000))
        #expect(try Files.read(path, limit: 1000).count == 1000)
        #expect(throws: SystemError(call: "read", path: path, errno: .fileTooLarge)) { try Files.read(path, limit: 999) }
    }

    /// What is not a regular file is refused on the descriptor opened,
    /// saying what it is: a FIFO with no writer without waiting for one,
    /// a device without reading it to the limit.
    @Test func onlyARegularFileIsRead() throws {
        let fifo = folder + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, code, problem) in [
            (fifo, EINVAL, "a FIFO, not a regular file"), ("/dev/zero", EINVAL, "a character device, not a regular file"),
            (folder, EISDIR, "a folder, not a regular file"),
        ] {
            #expect(throws: SystemError(call: "open", path: path, errno: Errno(rawValue: code), problem: problem)) { try Files.read(path, limit: 1000) }
        }
        #expect(throws: SystemError(call: "open", path: fifo, errno: .invalidArgument, problem: "a FIFO, not a regular file")) {
            try Files.append([65], to: fifo)
        }
    }

    @Test func aReplacedFileIsWholeKeepsItsModeAndLeavesNothingBeside() throws {
        let path = folder + "/state.json"
        try Files.replace(path, with: Array("old".utf8), mode: 0o600)
        #expect(try Files.status(path).mode == 0o600)
        try Files.replace(path, with: Array("new and longer".utf8))
        #expect(try Files.read(path, limit: 100) == Array("new and longer".utf8))
        #expect(try Files.status(path).mode == 0o600)
        #expect(try Files.names(in: folder) == ["state.json"])
    }

    @Test func aReplaceThatCannotWriteLeavesTheOldFile() throws {
        let path = folder + "/kept"
        try Files.replace(path, with: Array("kept".utf8))
        // A folder where the temporary file would go: the write fails before the rename.
        try Files.makeFolder(path + ".partial-\(getpid())")
        #expect(throws: SystemError.self) { try Files.replace(path, with: Array("lost".utf8)) }
        #expect(try Files.read(path, limit: 100) == Array("kept".utf8))
    }

    @Test func appendingAddsToTheEnd() throws {
        let path = folder + "/deeper/history.jsonl"
        try Files.makeFolder(Files.folder(of: path))
        try Files.append(Array("one\n".utf8), to: path)
        try Files.append(Array("two\n".utf8), to: path)
        #expect(try Files.read(path, limit: 100) == Array("one\ntwo\n".utf8))
        #expect(Files.folder(of: "name") == "." && Files.folder(of: "/name") == "/")
    }

    @Test func aFileIsRemovedOnceAndALinkReadAsWritten() throws {
        let path = folder + "/place.yaml"
        try Files.replace(path, with: Array("x".utf8))
        #expect(Files.remove(path) && !Files.exists(path))
        #expect(!Files.remove(path), "nothing left to remove")
        #expect(symlink("../somewhere/else", folder + "/link") == 0)
        #expect(try Files.linkTarget(folder + "/link") == "../somewhere/else")
        #expect(throws: SystemError.self) { try Files.linkTarget(path) }
    }

    @Test func aPipeIsNoTerminal() {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        #expect(!Files.isTerminal(ends[0]))
        #expect(!Files.isTerminal(-1))
    }

    /// In a process of its own: reaping takes any finished child, and the
    /// other tests' children must be left to them.
    @Test func finishedChildrenAreReapedAndRunningOnesLeft() async {
        await #expect(processExitsWith: .success) {
            guard let done = Spawn.run(["true"], environment: []), let running = Spawn.run(["sleep", "30"], environment: [])
            else { exit(2) }
            // Wait for `true` to end without reaping it: WNOWAIT leaves it a zombie.
            var info = siginfo_t()
            guard waitid(P_PID, id_t(done), &info, WEXITED | WNOWAIT) == 0 else { exit(3) }
            Spawn.reapFinished()
            var status: Int32 = 0
            let reaped = waitpid(done, &status, WNOHANG) == -1 && errno == ECHILD
            let left = waitpid(running, &status, WNOHANG) == 0
            kill(running, SIGKILL)
            exit(reaped && left ? 0 : 1)
        }
    }
}

/// Descriptors that close themselves, and `errno` named.
@Suite struct FileDescriptorTests {
    @Test func aDescriptorIsClosedWhenItsOwnerLetsGo() throws {
        var raw: Int32 = -1
        do {
            let descriptor = try FileDescriptor.open("/dev/null", O_RDONLY)
            raw = descriptor.rawValue
            #expect(fcntl(raw, F_GETFD) & FD_CLOEXEC != 0)
        }
        #expect(fcntl(raw, F_GETFD) == -1 && errno == EBADF)
    }

    @Test func aDescriptorClosedByHandIsGone() throws {
        let descriptor = try FileDescriptor.open("/dev/null", O_RDONLY)
        let raw = descriptor.rawValue
        descriptor.close()
        #expect(fcntl(raw, F_GETFD) == -1 && errno == EBADF)
    }

    @Test func aReadGivesTheBytesOrTheErrno() throws {
        let descriptor = try FileDescriptor.open("/dev/zero", O_RDONLY)
        var bytes = [UInt8](repeating: 1, count: 4)
        #expect(bytes.withUnsafeMutableBytes { descriptor.read(into: $0) } == .success(4) && bytes == [0, 0, 0, 0])
        let writeOnly = try FileDescriptor.open("/dev/null", O_WRONLY)
        #expect(bytes.withUnsafeMutableBytes { writeOnly.read(into: $0) } == .failure(Errno(rawValue: EBADF)))
    }

    @Test func aMissingFileIsNamedWithItsErrno() {
        #expect(throws: SystemError(call: "open", path: "/nonexistent/x", errno: .noEntry)) {
            _ = try FileDescriptor.open("/nonexistent/x", O_RDONLY)
        }
    }

    @Test func anErrnoSaysWhatTheSystemSays() {
        #expect(Errno.noEntry.description == "No such file or directory")
        #expect(Errno.interrupted.description == "Interrupted system call")
        #expect(Errno(rawValue: EAGAIN) == .wouldBlock)
    }

    /// A real signal, caught by a handler without SA_RESTART, interrupts a
    /// blocking read; the read is made again and gets the bytes written after.
    @Test func aReadInterruptedByARealSignalIsMadeAgain() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGUSR2, &action, &previous)
        defer { sigaction(SIGUSR2, &previous, nil) }
        // A test runs on a worker thread, which blocks signals.
        var usr2 = sigset_t()
        sigemptyset(&usr2)
        sigaddset(&usr2, SIGUSR2)
        var mask = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &usr2, &mask)
        defer { pthread_sigmask(SIG_SETMASK, &mask, nil) }
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let reader = FileDescriptor(owning: ends[0])
        let writer = FileDescriptor(owning: ends[1])
        let target = pthread_self()
        let writing = BackgroundThread { [raw = writer.rawValue] in
            usleep(100_000)
            pthread_kill(target, SIGUSR2)
            usleep(100_000)
            var byte: UInt8 = 42
            _ = Glibc.write(raw, &byte, 1)
        }
        var byte: UInt8 = 0
        var attempts = 0
        let count = try SystemCall.retrying("read") { () -> Int in
            attempts += 1
            return Glibc.read(reader.rawValue, &byte, 1)
        }
        writing.join()
        #expect(count == 1 && byte == 42 && attempts >= 2)
    }
}

/// Folders watched, polled and read without blocking.
@Suite struct FolderWatchTests {
    let folder = Repository.temporaryFolder()

    @Test func aNameMadeInAWatchedFolderIsReported() throws {
        let watch = try FolderWatch()
        try watch.add(folder, for: [.created, .deleted])
        #expect(watch.changes().isEmpty)
        _ = try FileDescriptor.open(folder + "/event3", O_WRONLY | O_CREAT, mode: 0o600)
        var ready = [pollfd(fd: watch.descriptor, events: Int16(POLLIN), revents: 0)]
        #expect(Poll.waitUninterrupted(&ready, milliseconds: 2000) == 1)
        let created = watch.changes().filter { $0.events.contains(.created) }.map(\.name)
        #expect(created.contains("event3"))
    }

    @Test func aMissingFolderCannotBeWatched() throws {
        let watch = try FolderWatch()
        #expect(throws: SystemError(call: "inotify_add_watch", path: folder + "/missing", errno: .noEntry)) {
            try watch.add(folder + "/missing", for: .created)
        }
    }
}

/// Signals read from a descriptor rather than handled.
@Suite struct SignalDescriptorTests {
    @Test func aSignalSentToTheThreadIsReadFromItsDescriptor() throws {
        var mask = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &mask)
        defer { pthread_sigmask(SIG_SETMASK, &mask, nil) }
        let signals = try Signals.descriptor(for: [SIGUSR1])
        #expect(Signals.next(from: signals) == 0)
        pthread_kill(pthread_self(), SIGUSR1)
        #expect(Signals.next(from: signals) == SIGUSR1)
    }
}

/// Sockets from both sides: a Unix socket listened on and connected to, a
/// TCP connection refused.
@Suite struct SocketTests {
    let folder = Repository.temporaryFolder()

    @Test func aListeningSocketTakesAConnectionAndALine() throws {
        let path = folder + "/control.sock"
        let listener = try UnixSocket.listen(at: path, group: nil, mode: 0o600)
        #expect(try Files.status(path).mode == 0o600)
        if UnixSocket.accept(from: listener) != nil { Issue.record("a connection accepted before any was made") }
        let client = try UnixSocket.connect(to: path)
        guard let server = UnixSocket.accept(from: listener) else {
            Issue.record("no connection to accept")
            return
        }
        try Files.write(Array("ping\n".utf8), to: client.rawValue)
        var reader = LineReader(descriptor: server.rawValue)
        #expect(reader.next() == "ping")
        #expect(Array("pong\n".utf8).withUnsafeBytes { server.send($0) } == .success(5))
        var replies = LineReader(descriptor: client.rawValue)
        #expect(replies.next() == "pong")
    }

    @Test func aStaleSocketIsReplacedAndAFileIsNot() throws {
        let path = folder + "/stale.sock"
        _ = try UnixSocket.listen(at: path, group: nil, mode: 0o600)
        _ = try UnixSocket.listen(at: path, group: nil, mode: 0o600)
        let file = folder + "/file"
        try Files.replace(file, with: [1])
        #expect(throws: SystemError(call: "bind", path: file, errno: .exists)) {
            _ = try UnixSocket.listen(at: file, group: nil, mode: 0o600)
        }
    }

    @Test func aTCPConnectionNobodyTakesIsRefused() throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_INET
        var found: UnsafeMutablePointer<addrinfo>?
        #expect(getaddrinfo("127.0.0.1", "1", &hints, &found) == 0)
        defer { freeaddrinfo(found) }
        #expect(throws: Errno(rawValue: ECONNREFUSED)) {
            _ = try TCPSocket.connect(to: found!.pointee, sendBuffer: 65536, timeout: .seconds(2))
        }
    }
}

/// Lines read from a socket, and why none came.
@Suite struct LineReaderTests {
    @Test func aReadThatTimesOutIsToldFromTheEnd() throws {
        var ends: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        let mine = FileDescriptor(owning: ends[0])
        let theirs = FileDescriptor(owning: ends[1])
        UnixSocket.setReceiveTimeout(mine, .milliseconds(50))
        var reader = LineReader(descriptor: mine.rawValue)
        #expect(reader.next() == nil && reader.failure == .wouldBlock)
        theirs.close()
        #expect(reader.next() == nil && reader.failure == nil)
    }
}
