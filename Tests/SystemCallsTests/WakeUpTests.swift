import Glibc
import SystemCalls
import Testing

/// The wake-up one thread gives another's `poll`: readable from the first
/// signal until cleared, however many signals came, and from any thread.
@Suite struct WakeUpTests {
    @Test func aSignalWakesUntilCleared() {
        let wakeUp = WakeUp()
        #expect(!wakeUp.wait(upTo: .zero))
        for _ in 0..<1000 { wakeUp.signal() }
        #expect(wakeUp.wait(upTo: .zero))
        #expect(wakeUp.wait(upTo: .zero), "waiting does not clear it")
        wakeUp.clear()
        #expect(!wakeUp.wait(upTo: .zero), "one clear takes every signal back")
        wakeUp.clear()
        #expect(!wakeUp.wait(upTo: .zero), "clearing a clear one is harmless")
    }

    @Test func aSignalFromAnotherThreadEndsAWait() async {
        let wakeUp = WakeUp()
        let waiting = Task.detached { wakeUp.wait(upTo: .seconds(60)) }
        wakeUp.signal()
        #expect(await waiting.value)
    }

    @Test func aWaitWithoutATimeoutEndsOnASignal() async {
        let wakeUp = WakeUp()
        let waiting = Task.detached {
            wakeUp.wait()
            return wakeUp.wait(upTo: .zero)
        }
        wakeUp.signal()
        #expect(await waiting.value, "woken by the signal, and the signal still there")
    }

    @Test func itIsOneDescriptorClosedWithIt() {
        var descriptor: Int32 = -1
        do {
            let wakeUp = WakeUp()
            descriptor = wakeUp.descriptor
            #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0, "not passed on to hooks and helpers")
        }
        #expect(fcntl(descriptor, F_GETFD) == -1 && errno == EBADF)
    }
}
