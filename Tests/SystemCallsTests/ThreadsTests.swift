import Synchronization
import SystemCalls
import Testing

/// Threads and the semaphore that hands a result from one to another.
@Suite struct ThreadsTests {
    @Test func aThreadRunsItsClosureAndIsJoined() {
        let ran = Atomic<Int>(0)
        let thread = BackgroundThread { ran.add(1, ordering: .relaxed) }
        thread.join()
        let count = ran.load(ordering: .relaxed)
        #expect(count == 1)
    }

    @Test func aDetachedThreadRunsAndSignals() {
        let done = Semaphore()
        let ran = Atomic<Bool>(false)
        #expect(BackgroundThread.startDetached {
            ran.store(true, ordering: .relaxed)
            done.signal()
        })
        done.wait(upTo: .seconds(60))
        let hasRun = ran.load(ordering: .relaxed)
        #expect(hasRun, "the wait ended by the signal, not the minute")
    }

    @Test func aSemaphoreSignalledBeforeTheWaitIsNotLost() {
        let semaphore = Semaphore()
        semaphore.signal()
        let clock = ContinuousClock()
        let waited = clock.measure { semaphore.wait(upTo: .seconds(60)) }
        #expect(waited < .seconds(30))
    }
}
