import SystemCalls
import Foundation
import Testing

/// A confined method runs on its owning thread, or a debug build stops.
@Suite struct OwningThreadTests {
    @Test func theFirstThreadToCheckOwnsIt() {
        let owner = OwningThread("the test's thread")
        owner.check()
        owner.check()
    }

    #if DEBUG
    @Test func aCheckOnASecondThreadStopsADebugBuild() async {
        await #expect(processExitsWith: .failure) {
            let owner = OwningThread("the first thread")
            owner.check()
            let done = DispatchSemaphore(value: 0)
            Thread {
                owner.check()
                done.signal()
            }.start()
            done.wait()
        }
    }
    #endif
}
